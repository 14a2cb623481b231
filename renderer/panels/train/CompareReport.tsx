/**
 * Under a BN comparison's charts: how many epochs and seconds each side needed to reach a target accuracy, and the
 * twin's graph on request.
 */
import { useState } from 'react';
import { displayLabel, type TrainingRun } from '../../stores/training';
import { percent, seconds } from './format';
import { rateText, timeToTarget } from './time-to-target';
import { TwinGraph } from './TwinGraph';
import './compare.css';

function TargetRow({ run, label, target }: { run: TrainingRun; label: string; target: number }) {
  const series = run.series[label];
  const t = timeToTarget(series, target);
  const live = run.status === 'running' || run.status === 'stopping';
  const result =
    t.epoch !== null ? (
      <>
        reached in <b>{t.epoch}</b> epoch{t.epoch === 1 ? '' : 's'} · <b>{t.elapsedMs === null ? '–' : seconds(t.elapsedMs)}</b>
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
      <th className={`compare-side compare-side-${label === 'model' ? 'model' : 'twin'}`}>{displayLabel(run, label)}</th>
      <td>{result}</td>
      <td className="compare-muted">
        best {t.metric} {percent(t.best)}
      </td>
    </tr>
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
        <label className="compare-target" title="Accuracy each side has to reach; per epoch, on validation data when the run has some">
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
        {run.config.learningRate !== null ? <span className="compare-muted">at learning rate {rateText(run.config.learningRate)}</span> : null}
        <button type="button" className="compare-twin" data-testid="compare-open-twin" onClick={() => setTwinOpen(true)} title="Show the model without BatchNormalization that this run trained, read-only">
          Open the twin’s graph
        </button>
      </div>
      {valid ? (
        <table className="compare-table">
          <tbody>
            {labels.filter((l) => run.series[l]).map((l) => (
              <TargetRow key={l} run={run} label={l} target={n / 100} />
            ))}
          </tbody>
        </table>
      ) : (
        <div className="compare-muted">The target must be a percentage above 0 and at most 100.</div>
      )}
      {twinOpen ? <TwinGraph run={run} dark={dark} onClose={() => setTwinOpen(false)} /> : null}
    </div>
  );
}
