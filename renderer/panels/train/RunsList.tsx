/**
 * Finished, stopped and failed runs, newest first (with the project's, once it is opened): selecting one shows its
 * curves; ticking Compare on two (or Ctrl/Cmd-clicking them) overlays them and lists what differs. Each run with
 * trained weights can put them into the model or export them with the graph it trained.
 */
import { useState, type MouseEvent } from 'react';
import { displayLabel, useTraining, type TrainingRun } from '../../stores/training';
import { fixed, percent, samplesText, seconds } from './format';
import { datasetInfo } from '../../stores/datasets';
import { finalMetrics } from '../../stores/series';
import { useGraph } from '../../stores/graph';
import { useUi } from '../../stores/ui';
import { applyTrainedWeights } from './use-weights';
import { useCompare } from './runs/compare-store';
import { exportRun, type RunExportKind } from './runs/export-run';
import './runs/runs.css';

/** One undoable edit: the run's weights into the current document, where the layers still match. */
function adoptWeights(run: TrainingRun): void {
  if (!run.weights) return;
  const { applied, skipped } = applyTrainedWeights(useGraph.getState().doc, run.weights);
  if (applied.length) useGraph.getState().commit((doc) => applyTrainedWeights(doc, run.weights!).doc);
  const note = skipped.length
    ? `; ${skipped.length} changed since the run and kept as they were: ${skipped.join(', ')}`
    : '';
  useUi
    .getState()
    .notify(
      applied.length
        ? `Trained weights of run #${run.number} are now the model's (${applied.length} layers${note}); Export ▸ Weights JSON or TF.js saves them`
        : `No layer of run #${run.number} matches the canvas any more${note}`,
      applied.length ? 'info' : 'error',
    );
}

export function settingsSummary(run: Pick<TrainingRun, 'config'>): string {
  const c = run.config;
  const lr = c.learningRate === null ? '' : ` lr ${c.learningRate}`;
  return `${c.optimizer}${lr} · batch ${c.batchSize} · ${c.epochs} epoch${c.epochs === 1 ? '' : 's'} · ${c.loss}`;
}

const EXPORTS: { kind: RunExportKind; title: string; desc: string }[] = [
  {
    kind: 'keras',
    title: 'Keras file (.keras)',
    desc: 'the model and these weights; keras.saving.load_model reads it',
  },
  {
    kind: 'keras-py',
    title: 'Keras code with weights',
    desc: '.py that builds the model and loads the .weights.json beside it',
  },
  { kind: 'weights-json', title: 'Weights JSON', desc: 'each layer’s weights in Keras order' },
  { kind: 'tfjs', title: 'TF.js model', desc: 'model.json and its weights file' },
];

function RunActions({ run }: { run: TrainingRun }) {
  const [exportOpen, setExportOpen] = useState(false);
  return (
    <>
      {run.weights ? (
        <div className="run-actions">
          <button
            type="button"
            className="run-use-weights"
            data-testid="run-use-weights"
            onClick={() => adoptWeights(run)}
            title="Put this run's trained weights into the model, to export them or predict with them"
          >
            Use these weights
          </button>
          <button
            type="button"
            className="run-export-toggle"
            data-testid="run-export"
            aria-expanded={exportOpen}
            onClick={() => setExportOpen(!exportOpen)}
            title="Save this run's trained weights, with the graph it trained"
          >
            Export{' '}
            <span className="caret" aria-hidden="true">
              ▾
            </span>
          </button>
        </div>
      ) : null}
      {exportOpen && run.weights ? (
        <div className="run-export-list" role="menu">
          {EXPORTS.map((e) => (
            <button
              key={e.kind}
              type="button"
              role="menuitem"
              className="menu-item"
              data-testid={`run-export-${e.kind}`}
              onClick={() => {
                setExportOpen(false);
                void exportRun(run, e.kind);
              }}
            >
              <span className="menu-item-title">{e.title}</span>
              <span className="menu-item-desc">{e.desc}</span>
            </button>
          ))}
        </div>
      ) : null}
    </>
  );
}

function RunItem({ run, selected, compared }: { run: TrainingRun; selected: boolean; compared: boolean }) {
  const data = samplesText(run.config.subset, datasetInfo(run.config.datasetId)?.count);
  const click = (e: MouseEvent) => {
    if (e.ctrlKey || e.metaKey) {
      useCompare.getState().toggle(run.id);
      return;
    }
    useCompare.getState().clear();
    useTraining.getState().select(run.id);
  };
  return (
    <li className={`run-card ${compared ? 'is-compared' : ''}`}>
      <div className="run-item-wrap">
        <button
          type="button"
          className={`run-item ${selected ? 'is-selected' : ''}`}
          data-testid="run-item"
          data-status={run.status}
          data-number={run.number}
          onClick={click}
          title="Show this run's curves (Ctrl/Cmd-click: pick it to compare)"
        >
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
                {name ? <span className="run-item-label">{name}</span> : null}loss {fixed(m.loss)} · acc{' '}
                {percent(m.accuracy)} · val acc {percent(m.valAccuracy)}
              </div>
            );
          })}
          {run.error ? <div className="run-item-error">{run.error.message}</div> : null}
          <div className="run-item-muted">{run.durationMs === null ? 'running…' : seconds(run.durationMs)}</div>
        </button>
        {/* Beside the button, not in it (a control inside a button is not allowed), over its last line's free end. */}
        <label
          className="run-compare"
          title="Tick two runs to overlay their curves and list what differs (or Ctrl/Cmd-click them)"
        >
          <input
            type="checkbox"
            data-testid="run-compare"
            checked={compared}
            onChange={() => useCompare.getState().toggle(run.id)}
          />
          Compare
        </label>
      </div>
      <RunActions run={run} />
    </li>
  );
}

export function RunsList() {
  const runs = useTraining((s) => s.runs);
  const selectedId = useTraining((s) => s.selectedId);
  const activeId = useTraining((s) => s.activeId);
  const compareIds = useCompare((s) => s.ids);
  const done = runs.filter((r) => r.id !== activeId);
  const picked = compareIds.filter((id) => done.some((r) => r.id === id));
  return (
    <div className="train-runs">
      <div className="train-runs-title">Runs</div>
      {done.length === 0 ? (
        <p className="train-runs-empty">Finished runs are listed here, and saved with the project.</p>
      ) : null}
      {picked.length === 1 && done.length > 1 ? (
        <p className="train-runs-hint" data-testid="compare-hint">
          Tick another run to compare it with #{done.find((r) => r.id === picked[0])!.number}.
        </p>
      ) : null}
      <ul data-testid="runs-list">
        {done.map((r) => (
          <RunItem
            key={r.id}
            run={r}
            selected={r.id === selectedId && picked.length < 2}
            compared={compareIds.includes(r.id)}
          />
        ))}
      </ul>
    </div>
  );
}
