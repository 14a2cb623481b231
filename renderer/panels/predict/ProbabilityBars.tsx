/** Class probabilities as horizontal bars, the most likely class highlighted. */
import type { ClassScores } from './math';

export function ProbabilityBars({ scores }: { scores: ClassScores }) {
  return (
    <div className="predict-bars" data-testid="predict-bars" role="list" aria-label="Class probabilities">
      {scores.probabilities.map((p, i) => (
        <div
          key={i}
          role="listitem"
          className={`predict-bar ${i === scores.top ? 'is-top' : ''}`}
          data-testid="predict-bar"
          data-class={scores.names[i]}
          data-probability={p}
          title={`${scores.names[i]}: ${(p * 100).toFixed(2)}%`}
        >
          <span className="predict-bar-name">{scores.names[i]}</span>
          <span className="predict-bar-track">
            <span
              className="predict-bar-fill"
              style={{ width: `${(Math.max(0, Math.min(1, p)) * 100).toFixed(2)}%` }}
            />
          </span>
          <span className="predict-bar-value">{(p * 100).toFixed(1)}%</span>
        </div>
      ))}
      {scores.note ? (
        <div className="predict-note" data-testid="predict-note">
          {scores.note}
        </div>
      ) : null}
    </div>
  );
}
