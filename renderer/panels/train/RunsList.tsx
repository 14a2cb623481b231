/** Finished, stopped and failed runs, newest first; selecting one shows its curves. */
import { displayLabel, useTraining, type TrainingRun } from '../../stores/training';
import { fixed, percent, seconds } from './format';
import { finalMetrics } from './series';
import { useGraph } from '../../stores/graph';
import { useUi } from '../../stores/ui';
import { applyTrainedWeights } from './use-weights';

/** One undoable edit: the run's weights into the current document, where the layers still match. */
function adoptWeights(run: TrainingRun): void {
  if (!run.weights) return;
  const { applied, skipped } = applyTrainedWeights(useGraph.getState().doc, run.weights);
  if (applied.length) useGraph.getState().commit((doc) => applyTrainedWeights(doc, run.weights!).doc);
  const note = skipped.length ? `; ${skipped.length} changed since the run and kept as they were: ${skipped.join(', ')}` : '';
  useUi.getState().notify(applied.length ? `Trained weights of run #${run.number} are now the model's (${applied.length} layers${note}); Export ▸ Weights JSON or TF.js saves them` : `No layer of run #${run.number} matches the canvas any more${note}`, applied.length ? 'info' : 'error');
}


export function settingsSummary(run: Pick<TrainingRun, 'config'>): string {
  const c = run.config;
  const lr = c.learningRate === null ? '' : ` lr ${c.learningRate}`;
  return `${c.optimizer}${lr} · batch ${c.batchSize} · ${c.epochs} epoch${c.epochs === 1 ? '' : 's'} · ${c.loss}`;
}

function RunItem({ run, selected }: { run: TrainingRun; selected: boolean }) {
  const data = run.config.subset ? `${run.config.subset.toLocaleString('en-US')} samples` : 'all samples';
  return (
    <li>
      <button type="button" className={`run-item ${selected ? 'is-selected' : ''}`} data-testid="run-item" data-status={run.status} onClick={() => useTraining.getState().select(run.id)}>
        <div className="run-item-head">
          <b>#{run.number}</b> <span className="run-item-title">{run.datasetTitle}</span>
          <span className={`run-status run-status-${run.status}`}>{run.status}</span>
        </div>
        <div className="run-item-muted">
          {data} · {settingsSummary(run)}
        </div>
        {run.labels.map((label) => {
          const m = finalMetrics(run.series[label]);
          const name = displayLabel(run, label);
          return (
            <div key={label} className="run-item-metrics" data-testid="run-metrics">
              {name ? <span className="run-item-label">{name}</span> : null}loss {fixed(m.loss)} · acc {percent(m.accuracy)} · val acc {percent(m.valAccuracy)}
            </div>
          );
        })}
        {run.error ? <div className="run-item-error">{run.error.message}</div> : null}
        <div className="run-item-muted">{run.durationMs === null ? 'running…' : seconds(run.durationMs)}</div>
      </button>
      {run.weights ? (
        <button type="button" className="run-use-weights" data-testid="run-use-weights" onClick={() => adoptWeights(run)} title="Put this run's trained weights into the model, to export them or predict with them">
          Use these weights
        </button>
      ) : null}
    </li>
  );
}

export function RunsList() {
  const runs = useTraining((s) => s.runs);
  const selectedId = useTraining((s) => s.selectedId);
  const activeId = useTraining((s) => s.activeId);
  const done = runs.filter((r) => r.id !== activeId);
  return (
    <div className="train-runs">
      <div className="train-runs-title">Runs</div>
      {done.length === 0 ? <p className="train-runs-empty">Finished runs are listed here.</p> : null}
      <ul data-testid="runs-list">
        {done.map((r) => (
          <RunItem key={r.id} run={r} selected={r.id === selectedId} />
        ))}
      </ul>
    </div>
  );
}
