/** Counts at a glance: errors, warnings, parameters, engine state, and the last notice. */
import { thousands } from '../../engine/api/graph';
import { restartEngine } from '../actions/document-actions';
import { isDirty, useGraph } from '../stores/graph';
import { useCheckedInference } from './use-checked-inference';
import { useUi } from '../stores/ui';

const ENGINE_TEXT = {
  starting: 'Engine starting…',
  ready: 'Engine ready',
  restarting: 'Engine restarting…',
  failed: 'Engine failed',
} as const;

export function StatusBar() {
  const inference = useCheckedInference();
  const engine = useUi((s) => s.engine);
  const kernels = useUi((s) => s.kernels);
  const notice = useUi((s) => s.notice);
  const dirty = useGraph(isDirty);
  const setTab = useUi((s) => s.setBottomTab);
  // A blank canvas is a start, not a mistake: no error count until there is a layer to be wrong.
  const blank = useGraph((s) => s.doc.nodes.length === 0);
  return (
    <footer className="statusbar">
      {blank ? (
        <span className="status-item status-muted" data-testid="status-blank">
          No layers yet
        </span>
      ) : (
        <>
          <button
            type="button"
            className={`status-item ${inference.errorCount ? 'status-error' : ''}`}
            data-testid="status-errors"
            onClick={() => setTab('problems')}
          >
            <span aria-hidden="true">✖</span> {inference.errorCount} {inference.errorCount === 1 ? 'error' : 'errors'}
          </button>
          <button
            type="button"
            className={`status-item ${inference.warningCount ? 'status-warning' : ''}`}
            data-testid="status-warnings"
            onClick={() => setTab('problems')}
          >
            <span aria-hidden="true">▲</span> {inference.warningCount}{' '}
            {inference.warningCount === 1 ? 'warning' : 'warnings'}
          </button>
        </>
      )}
      <span className="status-item" data-testid="status-params">
        {thousands(inference.totals.total)} params
      </span>
      {dirty ? <span className="status-item status-muted">Unsaved changes</span> : null}
      <span
        className={`status-notice ${notice?.kind === 'error' ? 'status-error' : ''}`}
        data-testid="status-notice"
        role="status"
        title={notice?.text ?? ''}
      >
        {notice?.text ?? ''}
      </span>
      <span
        className={`status-item status-engine engine-${engine.state}`}
        data-testid="status-engine"
        title={engine.message ?? ''}
      >
        <span className="engine-dot" aria-hidden="true" /> {ENGINE_TEXT[engine.state]}
      </span>
      {kernels ? (
        <span
          className={`status-item ${kernels.kernels === 'reference' ? 'status-warning' : ''}`}
          data-testid="engine-kernels"
          data-kernels={kernels.kernels}
          title={
            kernels.warning
              ? `${kernels.warning.message}. Fix: ${kernels.warning.hint}.`
              : `The engine's kernels: WebAssembly ${kernels.simd === 'relaxed' ? 'relaxed SIMD (fused multiply-add)' : 'SIMD'} on ${kernels.threads} thread${kernels.threads === 1 ? '' : 's'}`
          }
        >
          {kernels.kernels === 'reference' ? <span aria-hidden="true">▲ </span> : null}
          {kernels.label}
        </span>
      ) : null}
      <button
        type="button"
        className="status-item status-restart"
        data-testid="status-restart-engine"
        onClick={restartEngine}
        title="Stop the engine, whatever it is doing, and start a new one (your model stays as it is)"
      >
        ↻ Restart engine
      </button>
    </footer>
  );
}
