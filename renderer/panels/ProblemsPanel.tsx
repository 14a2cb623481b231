/** Every problem of the model in one list, with its fixes; clicking one selects its layer. */
import type { Problem } from '../../engine/api/core';
import { applyFixes } from '../actions/edit-actions';
import { FixButtons } from '../canvas/FixButtons';
import { useGraph } from '../stores/graph';
import { useCheckedInference } from './use-checked-inference';
import { useUi } from '../stores/ui';

/** Problems of one kind that each have a fix: their first fixes can be applied together. */
function sameKindFixable(problems: readonly Problem[], p: Problem): Problem[] {
  return problems.filter((q) => q.code === p.code && q.fixes?.length);
}

export function ProblemsPanel() {
  const inference = useCheckedInference();
  const blank = useGraph((s) => s.doc.nodes.length === 0);
  if (blank)
    return (
      <p className="problems-empty">No layers yet: drag an Input from the palette, or pick a template under New.</p>
    );
  if (inference.problems.length === 0) return <p className="problems-empty">No problems: every layer has a shape.</p>;
  const firstOfKind = new Set<Problem>();
  const seen = new Set<string>();
  for (const p of inference.problems)
    if (p.fixes?.length && !seen.has(p.code)) {
      seen.add(p.code);
      firstOfKind.add(p);
    }
  return (
    <ul className="problems" data-testid="problems">
      {inference.problems.map((p, i) => {
        const kind = firstOfKind.has(p) ? sameKindFixable(inference.problems, p) : [];
        return (
          <li
            key={i}
            className={`problem-${p.severity}`}
            onClick={() => p.nodeId && useUi.getState().select([p.nodeId])}
          >
            <span className="problem-icon" aria-hidden="true">
              {p.severity === 'error' ? '✖' : '▲'}
            </span>
            <b>{p.nodeId ? inference.nodes.get(p.nodeId)?.name : 'model'}</b>: {p.message}
            {p.hint ? <span className="problem-hint"> — {p.hint}</span> : null}
            <FixButtons problem={p} />
            {kind.length > 1 ? (
              <button
                type="button"
                className="problem-fix problem-fix-all"
                data-testid="problem-fix-all"
                title={kind.map((q) => q.fixes![0].label).join('\n')}
                onClick={(e) => {
                  e.stopPropagation();
                  applyFixes(kind.map((q) => q.fixes![0]));
                }}
              >
                Fix all {kind.length} like this
              </button>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
