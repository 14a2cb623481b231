/**
 * Under a BN comparison's charts: how many epochs and seconds each side needed to reach a target accuracy, and the
 * twin's graph on request.
 */
import { useMemo, useState } from 'react';
import { assignNames } from '../../../engine/api/graph';
import { displayLabel, useTraining, type TrainingRun } from '../../stores/training';
import { bnReport, sweepClaim, sweepPoints, unnormalizedLinear, type Claim } from './bn-report';
import { datasetInfo } from '../../stores/datasets';
import { percent, seconds } from './format';
import { REESTIMATE_BATCHES, reestimateBn } from './reestimate-bn';
import { effectiveLearningRate, rateText, timeToTarget } from './time-to-target';
import { TwinGraph } from './TwinGraph';
import './compare.css';

function TargetRow({ run, label, target }: { run: TrainingRun; label: string; target: number }) {
  const series = run.series[label];
  const t = timeToTarget(series, target);
  const live = run.status === 'running' || run.status === 'stopping';
  const result =
    t.epoch !== null ? (
      <>
        reached in <b>{t.epoch}</b> epoch{t.epoch === 1 ? '' : 's'} ·{' '}
        <b>{t.elapsedMs === null ? '–' : seconds(t.elapsedMs)}</b>
      </>
    ) : t.epochsRun === 0 ? (
      <span className="compare-muted">{live ? 'no epoch finished yet' : 'no epoch finished'}</span>
    ) : (
      <span className="compare-muted">
        not reached in {t.epochsRun} epoch{t.epochsRun === 1 ? '' : 's'}
        {live ? ' so far' : ''}
      </span>
    );
  return (
    <tr data-testid="compare-target-row" data-label={label} data-reached={t.epoch !== null}>
      <th className={`compare-side compare-side-${label === 'model' ? 'model' : 'twin'}`}>
        {displayLabel(run, label)}
      </th>
      <td>{result}</td>
      <td className="compare-muted">
        best {t.metric} {percent(t.best)}
      </td>
    </tr>
  );
}

const sameModel = (a: TrainingRun, b: TrainingRun) =>
  a.document === b.document ||
  JSON.stringify([a.document.nodes, a.document.edges]) === JSON.stringify([b.document.nodes, b.document.edges]);

/**
 * The learning-rate sweep this run belongs to: for each rate, the newest ended comparison up to this one of the same
 * model, data and settings (a comparison that failed because a side diverged counts: that is its result).
 */
export function sweepOf(run: TrainingRun, runs: readonly TrainingRun[]): TrainingRun[] {
  const keys = ['datasetId', 'subset', 'optimizer', 'batchSize', 'epochs', 'seed', 'validationSplit', 'loss'] as const;
  const byRate = new Map<number, TrainingRun>();
  for (const r of runs) {
    if (!r.compareBn || r.number > run.number || !['completed', 'failed'].includes(r.status)) continue;
    if (!keys.every((k) => r.config[k] === run.config[k]) || !sameModel(r, run)) continue;
    const rate = effectiveLearningRate(r.config);
    if (!byRate.has(rate) || byRate.get(rate)!.number < r.number) byRate.set(rate, r);
  }
  return byRate.get(effectiveLearningRate(run.config))?.id === run.id ? [...byRate.values()] : [];
}

const STORY_TITLE: Record<Claim['story'], string> = {
  optimisation: 'Optimisation · training mode (each batch’s own statistics)',
  generalisation: 'Generalisation · validation in inference mode (moving statistics)',
  statistics: 'Why the two can disagree',
  reestimate: 'Re-estimated statistics',
  'learning-rate': 'Learning-rate tolerance',
};

function Stories({ run }: { run: TrainingRun }) {
  const runs = useTraining((s) => s.runs);
  const [busy, setBusy] = useState(false);
  const names = useMemo(() => assignNames(run.document.nodes), [run.document]);
  const report = useMemo(() => bnReport(run, names), [run, names]);
  const classes = datasetInfo(run.config.datasetId)?.numClasses ?? 0;
  const sweep = useMemo(() => sweepOf(run, runs), [run, runs]);
  // Two rates or more (the higher-rate repeat's ladder, the sweep) tell the tolerance story, each rate in numbers.
  const rate =
    sweep.length >= 2
      ? sweepClaim(sweepPoints(sweep, classes), classes, unnormalizedLinear(run.document, names))
      : null;
  const claims = rate ? [...report.claims, rate] : report.claims;
  const ended = run.status === 'completed' || run.status === 'stopped';
  const canReestimate = ended && run.weights !== undefined && report.statistics !== null;
  return (
    <div className="compare-stories" data-testid="compare-stories">
      {claims.map((c, i) => (
        <div
          key={i}
          className={`compare-story compare-story-${c.story}`}
          data-testid="compare-claim"
          data-story={c.story}
          data-verdict={c.verdict ?? ''}
        >
          <div className="compare-story-title">{STORY_TITLE[c.story]}</div>
          <div>{c.text}</div>
        </div>
      ))}
      {canReestimate ? (
        <div className="compare-reestimate">
          <button
            type="button"
            data-testid="compare-reestimate"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void reestimateBn(run).finally(() => setBusy(false));
            }}
          >
            {busy ? 'Re-estimating…' : run.reestimated ? 'Re-estimate again' : 'Re-estimate BN statistics'}
          </button>
          <span className="compare-muted">
            Beyond Keras’s own <code>fit</code>: {REESTIMATE_BATCHES} training batches forward with the weights frozen,
            each BN layer’s moving mean and variance set to their average (PreciseBN).
          </span>
        </div>
      ) : null}
    </div>
  );
}

export function CompareReport({ run, dark }: { run: TrainingRun; dark: boolean }) {
  const [targetText, setTargetText] = useState('90');
  const [twinOpen, setTwinOpen] = useState(false);
  const n = Number(targetText);
  const valid = targetText.trim() !== '' && Number.isFinite(n) && n > 0 && n <= 100;
  const labels = run.labels.length ? run.labels : ['model'];
  const hasVal = labels.some((l) => run.series[l]?.valAccuracy.some((v) => v !== null));
  return (
    <div className="compare-report" data-testid="compare-report" data-dark={dark}>
      <div className="compare-head">
        <label
          className="compare-target"
          title="Accuracy each side has to reach; per epoch, on validation data when the run has some"
        >
          Target
          <input
            className={`field-input ${valid ? '' : 'is-invalid'}`}
            data-testid="compare-target"
            inputMode="decimal"
            value={targetText}
            aria-invalid={!valid}
            onChange={(e) => setTargetText(e.target.value)}
          />
          % {hasVal ? 'val accuracy' : 'accuracy'}
        </label>
        {run.config.learningRate !== null ? (
          <span className="compare-muted">at learning rate {rateText(run.config.learningRate)}</span>
        ) : null}
        <button
          type="button"
          className="compare-twin"
          data-testid="compare-open-twin"
          onClick={() => setTwinOpen(true)}
          title="Show the model without BatchNormalization that this run trained, read-only"
        >
          Open the twin’s graph
        </button>
      </div>
      {valid ? (
        <table className="compare-table">
          <tbody>
            {labels
              .filter((l) => run.series[l])
              .map((l) => (
                <TargetRow key={l} run={run} label={l} target={n / 100} />
              ))}
          </tbody>
        </table>
      ) : (
        <div className="compare-muted">The target must be a percentage above 0 and at most 100.</div>
      )}
      <Stories run={run} />
      {twinOpen ? <TwinGraph run={run} dark={dark} onClose={() => setTwinOpen(false)} /> : null}
    </div>
  );
}
