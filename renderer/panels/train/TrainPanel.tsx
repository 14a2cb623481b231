/**
 * The Train tab: settings on the left, progress and live loss/accuracy charts in the middle (both runs overlaid
 * in a BN comparison), finished runs on the right. Training runs in the engine process on a snapshot of the
 * document taken at Start, so the canvas stays editable.
 */
import { useMemo } from 'react';
import { useGraph } from '../../stores/graph';
import { useInference } from '../../stores/inference';
import { displayLabel, useTraining, type TrainingRun } from '../../stores/training';
import { Chart } from './Chart';
import { CompareReport } from './CompareReport';
import { seconds } from './format';
import { RunsList } from './RunsList';
import { CompareCharts } from './runs/CompareCharts';
import { CompareDiff } from './runs/CompareDiff';
import { useComparedRuns } from './runs/compare-store';
import { chartData } from '../../stores/series';
import { SettingsForm } from './SettingsForm';
import { resolvedConfig, startTraining, stopTraining } from './run-training';
import { ladderRates, sweepRates } from './time-to-target';
import './train.css';

function Progress({ run }: { run: TrainingRun | undefined }) {
  if (!run)
    return (
      <div className="train-status" data-testid="train-status">
        Pick a dataset and press Start.
      </div>
    );
  const p = run.progress;
  const fraction = run.status === 'completed' ? 1 : (p?.fraction ?? 0);
  const live = run.status === 'running' || run.status === 'stopping';
  const elapsed = live ? Date.now() - run.startedAt : (run.durationMs ?? 0);
  const left = live && p?.fraction ? (elapsed * (1 - p.fraction)) / p.fraction : null;
  const who = p && run.compareBn ? `${displayLabel(run, p.label)}: ` : '';
  const where = p
    ? `${who}epoch ${p.epoch + 1}/${p.epochs} · batch ${p.batch}/${p.batches} · ${Math.round(p.samplesPerSecond)} samples/s`
    : live
      ? 'loading the data…'
      : 'no batch ran';
  const status =
    run.status === 'running'
      ? `Training #${run.number}`
      : run.status === 'stopping'
        ? 'Stopping…'
        : run.status === 'completed'
          ? `#${run.number} completed in ${seconds(elapsed)}`
          : run.status === 'stopped'
            ? `#${run.number} stopped after ${seconds(elapsed)}`
            : `#${run.number} failed`;
  return (
    <div className="train-progress-row">
      <div
        className="train-progress"
        data-testid="train-progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-label="Training progress"
      >
        <div
          className={`train-progress-fill train-progress-${run.status}`}
          style={{ width: `${(fraction * 100).toFixed(1)}%` }}
        />
      </div>
      <div className="train-status" data-testid="train-status" data-status={run.status}>
        <b>{status}</b> · {where}
        {left !== null ? ` · ${seconds(left)} left` : ''}
      </div>
    </div>
  );
}

export function TrainPanel({ dark }: { dark: boolean }) {
  const inference = useInference();
  const runs = useTraining((s) => s.runs);
  const activeId = useTraining((s) => s.activeId);
  const selectedId = useTraining((s) => s.selectedId);
  const shown = runs.find((r) => r.id === selectedId) ?? runs[0];
  // Before any run the loss axis still says its unit: the loss the settings would train with ('auto' resolved).
  const settings = useTraining((s) => s.config);
  const nextLoss = useMemo(() => resolvedConfig(settings, inference).loss, [settings, inference]);
  // Two runs ticked in the list: their diff takes the settings column and their curves the charts.
  const compared = useComparedRuns();
  const running = activeId !== null;
  const curves = useMemo(
    () =>
      shown ? shown.labels.map((label) => ({ run: displayLabel(shown, label), series: shown.series[label] })) : [],
    [shown],
  );
  const loss = useMemo(() => chartData(curves, 'loss'), [curves]);
  const accuracy = useMemo(() => chartData(curves, 'accuracy'), [curves]);
  const start = (compareBn: boolean, higherLr = false) =>
    void startTraining(useGraph.getState().doc, inference, {
      compareBn,
      ...(higherLr ? { ladder: ladderRates(useTraining.getState().config) } : {}),
    });
  // The comparison at the set rate, then at 10× and 100× it: three runs.
  const sweep = () =>
    void startTraining(useGraph.getState().doc, inference, {
      compareBn: true,
      nextRates: sweepRates(useTraining.getState().config).slice(1),
    });

  return (
    <div className="train" data-testid="train-panel">
      {compared ? (
        <CompareDiff runs={compared} dark={dark} />
      ) : (
        <SettingsForm
          inference={inference}
          running={running}
          onStart={() => start(false)}
          onCompare={({ higherLr }) => start(true, higherLr)}
          onSweep={sweep}
          onStop={() => void stopTraining()}
        />
      )}
      {compared ? (
        <CompareCharts runs={compared} dark={dark} />
      ) : (
        <div className="train-main">
          <Progress run={shown} />
          {shown?.error ? (
            <div className="problem-error train-error" data-testid="train-error">
              <div>{shown.error.message}</div>
              {shown.error.hint ? <div className="problem-hint">{shown.error.hint}</div> : null}
            </div>
          ) : null}
          <div className={`train-body ${shown?.compareBn ? 'has-report' : ''}`}>
            <div className="train-charts">
              <Chart metric="loss" data={loss} dark={dark} testId="chart-loss" loss={shown?.config.loss ?? nextLoss} />
              <Chart metric="accuracy" data={accuracy} dark={dark} testId="chart-accuracy" />
            </div>
            {shown?.compareBn ? <CompareReport run={shown} dark={dark} /> : null}
          </div>
        </div>
      )}
      <RunsList />
    </div>
  );
}
