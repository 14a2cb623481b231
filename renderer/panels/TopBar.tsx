/** The top bar: file verbs, undo/redo, layout and theme. Menus are plain disclosure lists, keyboard reachable. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { TEMPLATES } from '../../engine/api/graph';
import type { Strategy } from '../../engine/api/formats';
import {
  autoLayout,
  type ExportKind,
  exportAs,
  exportTrainingScript,
  loadWeights,
  newFromTemplate,
  openFile,
  save,
} from '../actions/document-actions';
import { useGraph } from '../stores/graph';
import { useTraining, type TrainingRun } from '../stores/training';
import { exportRun, type RunExportKind } from './train/runs/export-run';

function Menu({
  label,
  testId,
  open,
  setOpen,
  children,
}: {
  label: string;
  testId: string;
  open: boolean;
  setOpen: (o: boolean) => void;
  children: ReactNode;
}) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open, setOpen]);
  return (
    <div className="menu" ref={root}>
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid={testId}
        onClick={() => setOpen(!open)}
      >
        {label}{' '}
        <span className="caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open ? (
        <div className="menu-list" role="menu" onClick={() => setOpen(false)}>
          {children}
        </div>
      ) : null}
    </div>
  );
}

const RUN_EXPORTS: { kind: RunExportKind; title: string }[] = [
  { kind: 'keras', title: '.keras' },
  { kind: 'h5', title: '.h5' },
  { kind: 'onnx', title: 'ONNX' },
  { kind: 'weights-json', title: 'Weights JSON' },
  { kind: 'keras-py', title: 'Keras .py + weights' },
  { kind: 'tfjs', title: 'TF.js' },
  { kind: 'keras-train', title: 'Training script' },
];

const FILE_EXPORTS: { kind: ExportKind; title: string }[] = [
  { kind: 'keras-py', title: 'Keras Python (.py)' },
  { kind: 'keras-json', title: 'Keras JSON (model.to_json)' },
  { kind: 'keras', title: 'Keras file (.keras, with weights)' },
  { kind: 'h5', title: "Keras HDF5 (.h5, tf.keras 2's whole-model file, with weights)" },
  { kind: 'tfjs', title: 'TF.js Layers (model.json + weights)' },
  { kind: 'onnx', title: 'ONNX (.onnx, inference graph with weights)' },
  { kind: 'weights-json', title: 'Weights JSON (trained weights, Keras order)' },
  { kind: 'project', title: 'LayerCanvas project' },
];

const STRATEGY_TITLES: { strategy: Strategy; title: string; desc: string }[] = [
  { strategy: 'default', title: 'One machine', desc: 'its GPU or CPU (default strategy)' },
  { strategy: 'mirrored', title: 'Mirrored', desc: 'every GPU of one machine' },
  { strategy: 'multiworker', title: 'Multi-worker', desc: 'several machines, each with its TF_CONFIG' },
  { strategy: 'tpu', title: 'TPU', desc: 'a Cloud TPU (TPUStrategy)' },
];

/** Export ▸ Training script: train.py with the Train tab's settings, under the tf.distribute strategy picked here. */
function TrainingScriptExports() {
  return (
    <div className="menu-group" data-testid="export-keras-train" role="group" aria-label="Training script">
      <div className="menu-group-title">Training script (TensorFlow train.py with the Train tab's settings) for</div>
      <div className="menu-run">
        {STRATEGY_TITLES.map((s) => (
          <button
            key={s.strategy}
            type="button"
            role="menuitem"
            className="menu-run-action"
            data-testid={`export-keras-train-${s.strategy}`}
            title={s.desc}
            onClick={() => void exportTrainingScript(s.strategy)}
          >
            {s.title}
          </button>
        ))}
      </div>
    </div>
  );
}

/**
 * The runs' trained weights in the Export menu: a project's weights live in its runs (the canvas keeps its own
 * until "Use these weights"), so the menu lists them rather than saying there are none.
 */
function RunWeightsExports() {
  const ended = (r: TrainingRun) => r.weights !== undefined && (r.status === 'completed' || r.status === 'stopped');
  const runs = useTraining((s) => s.runs).filter(ended);
  const hasOwn = useGraph((s) => Object.keys(s.doc.weights ?? {}).length > 0);
  if (!runs.length) return null;
  return (
    <div className="menu-group" data-testid="export-runs" role="group" aria-label="Trained weights of a run">
      <div className="menu-group-title">
        Trained weights of a run{hasOwn ? '' : ' (the canvas model has none of its own)'}
      </div>
      {runs.map((r) => (
        <div key={r.id} className="menu-run" data-testid="export-run" data-run={r.number}>
          <span className="menu-run-name">
            #{r.number} {r.status} · {r.datasetTitle}
          </span>
          {RUN_EXPORTS.map((e) => (
            <button
              key={e.kind}
              type="button"
              role="menuitem"
              className="menu-run-action"
              data-testid={`export-run-${e.kind}`}
              onClick={() => void exportRun(r, e.kind)}
            >
              {e.title}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}

export function TopBar({
  dark,
  onToggleTheme,
  templatesOpen,
  setTemplatesOpen,
}: {
  dark: boolean;
  onToggleTheme: () => void;
  templatesOpen: boolean;
  setTemplatesOpen: (o: boolean) => void;
}) {
  const [exportOpen, setExportOpen] = useState(false);
  const canUndo = useGraph((s) => s.past.length > 0);
  const canRedo = useGraph((s) => s.future.length > 0);
  return (
    <header className="topbar">
      <span className="brand">LayerCanvas</span>
      <Menu label="New" testId="menu-new" open={templatesOpen} setOpen={setTemplatesOpen}>
        {TEMPLATES.map((t) => (
          <button
            key={t.id}
            type="button"
            role="menuitem"
            className="menu-item"
            data-testid={`template-${t.id}`}
            title={t.description}
            onClick={() => void newFromTemplate(t.id)}
          >
            <span className="menu-item-title">{t.title}</span>
            <span className="menu-item-desc">{t.description}</span>
          </button>
        ))}
      </Menu>
      <button type="button" data-testid="open" onClick={() => void openFile()} title="Open a model (Ctrl+O)">
        Open…
      </button>
      <button type="button" data-testid="save" onClick={() => void save(false)} title="Save the project (Ctrl+S)">
        Save
      </button>
      <Menu label="Export" testId="menu-export" open={exportOpen} setOpen={setExportOpen}>
        {FILE_EXPORTS.map((e) => (
          <button
            key={e.kind}
            type="button"
            role="menuitem"
            className="menu-item"
            data-testid={`export-${e.kind}`}
            onClick={() => void exportAs(e.kind)}
          >
            <span className="menu-item-title">{e.title}</span>
          </button>
        ))}
        <button
          type="button"
          role="menuitem"
          className="menu-item"
          data-testid="load-weights"
          onClick={() => void loadWeights()}
        >
          <span className="menu-item-title">Load weights…</span>
          <span className="menu-item-desc">
            onto this model: a .weights.h5, a Keras .h5 or weights JSON, by layer name and shape
          </span>
        </button>
        <TrainingScriptExports />
        <RunWeightsExports />
      </Menu>
      <span className="divider" />
      <button
        type="button"
        data-testid="undo"
        disabled={!canUndo}
        onClick={() => useGraph.getState().undo()}
        title="Undo (Ctrl+Z)"
        aria-label="Undo"
      >
        ↶ Undo
      </button>
      <button
        type="button"
        data-testid="redo"
        disabled={!canRedo}
        onClick={() => useGraph.getState().redo()}
        title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
        aria-label="Redo"
      >
        ↷ Redo
      </button>
      <span className="divider" />
      <button
        type="button"
        data-testid="auto-layout"
        onClick={() => void autoLayout()}
        title="Arrange the layers top to bottom"
      >
        Auto-layout
      </button>
      <span className="spacer" />
      <button
        type="button"
        data-testid="theme-toggle"
        onClick={onToggleTheme}
        title="Switch between light and dark"
        aria-label={dark ? 'Use the light theme' : 'Use the dark theme'}
      >
        {dark ? '☀ Light' : '☾ Dark'}
      </button>
    </header>
  );
}
