/** Every problem of the model in one list; clicking one selects its layer. */
import { useInference } from '../stores/inference';
import { useUi } from '../stores/ui';

export function ProblemsPanel() {
  const inference = useInference();
  if (inference.problems.length === 0) return <p className="problems-empty">No problems: every layer has a shape.</p>;
  return (
    <ul className="problems" data-testid="problems">
      {inference.problems.map((p, i) => (
        <li key={i} className={`problem-${p.severity}`} onClick={() => p.nodeId && useUi.getState().select([p.nodeId])}>
          <span className="problem-icon" aria-hidden="true">{p.severity === 'error' ? '✖' : '▲'}</span>
          <b>{p.nodeId ? inference.nodes.get(p.nodeId)?.name : 'model'}</b>: {p.message}
          {p.hint ? <span className="problem-hint"> — {p.hint}</span> : null}
        </li>
      ))}
    </ul>
  );
}
