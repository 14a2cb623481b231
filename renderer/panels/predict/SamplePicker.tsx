/** A dataset sample to predict: the sample large with its true label, arrows, and a strip of its neighbours. */
import { useMemo } from 'react';
import { sampleAt, type SampleWindow } from '../../../engine/api/data';
import { SampleImage, classColour } from './draw';
import { isImageShape } from './math';

interface Props {
  window: SampleWindow;
  /** The chosen sample's index in the whole split. */
  position: number;
  onPick(position: number): void;
}

function Features({ x }: { x: Float32Array }) {
  const shown = Array.from(x.subarray(0, 6), (v) => Number(v.toPrecision(3)));
  return (
    <code className="predict-features">
      ({shown.join(', ')}
      {x.length > 6 ? ', …' : ''})
    </code>
  );
}

export function SamplePicker({ window: w, position, onPick }: Props) {
  const k = position - w.offset;
  const current = useMemo(() => (k >= 0 && k < w.count ? sampleAt(w, k) : null), [w, k]);
  const image = isImageShape(w.sampleShape);
  return (
    <div className="predict-picker">
      <div className="predict-sample-row">
        {current ? (
          image ? (
            <SampleImage
              x={current.x}
              shape={w.sampleShape}
              size={112}
              testId="predict-sample"
              label={`Sample ${position + 1}`}
            />
          ) : (
            <div className="predict-sample-text" data-testid="predict-sample">
              <Features x={current.x} />
            </div>
          )
        ) : (
          <div className="predict-sample-text predict-muted">Loading…</div>
        )}
        <div className="predict-sample-info">
          <div>
            True label: <b data-testid="predict-true-label">{current?.labelText ?? '…'}</b>
          </div>
          <div className="predict-muted">
            {w.split === 'test' ? 'Test split: unseen in training' : 'Training split'}
          </div>
          <div className="predict-nav">
            <button
              type="button"
              data-testid="predict-prev"
              disabled={position <= 0}
              onClick={() => onPick(position - 1)}
              aria-label="Previous sample"
            >
              ◀
            </button>
            <span data-testid="predict-position">
              {(position + 1).toLocaleString('en-US')} / {w.total.toLocaleString('en-US')}
            </span>
            <button
              type="button"
              data-testid="predict-next"
              disabled={position >= w.total - 1}
              onClick={() => onPick(position + 1)}
              aria-label="Next sample"
            >
              ▶
            </button>
          </div>
        </div>
      </div>
      <div className="predict-strip">
        {Array.from({ length: w.count }, (_, i) => {
          const s = sampleAt(w, i);
          return (
            <button
              key={w.offset + i}
              type="button"
              className={`predict-thumb ${i === k ? 'is-selected' : ''}`}
              data-testid="predict-thumb"
              title={`Sample ${w.offset + i + 1}: ${s.labelText}`}
              onClick={() => onPick(w.offset + i)}
            >
              {image ? (
                <SampleImage x={s.x} shape={w.sampleShape} size={28} />
              ) : (
                <span className="predict-swatch" style={{ background: classColour(s.label ?? 0) }} />
              )}
              <span className="predict-thumb-label">{s.labelText}</span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
