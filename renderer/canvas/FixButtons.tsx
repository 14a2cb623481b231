/** A problem's one-click fixes as buttons; each applies its whole fix as one undo step. */
import type { Problem, ProblemFix } from '../../engine/api/core';
import { applyFixes } from '../actions/edit-actions';

export function FixButtons({ problem, onApplied }: { problem: Problem; onApplied?: () => void }) {
  if (!problem.fixes?.length) return null;
  return (
    <span className="problem-fixes">
      {problem.fixes.map((fix: ProblemFix, i) => (
        <button
          key={i}
          type="button"
          className="problem-fix nodrag"
          data-testid="problem-fix"
          onClick={(e) => {
            e.stopPropagation();
            applyFixes([fix]);
            onApplied?.();
          }}
        >
          {fix.label}
        </button>
      ))}
    </span>
  );
}
