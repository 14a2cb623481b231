/** Finished, stopped and failed runs, newest first; selecting one shows its curves. */
import { displayLabel, useTraining, type TrainingRun } from '../../stores/training';
import { fixed, percent, seconds } from './format';
import { finalMetrics } from './series';


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
