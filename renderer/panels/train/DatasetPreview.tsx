/**
 * A look at the chosen dataset under its select: a grid of labelled images for picture datasets, a scatter plot
 * coloured by class for 2-feature points, the sentences of token datasets, the first rows for other feature
 * vectors. Collapsible, to keep the settings column short.
 */
import { useEffect, useRef, useState } from 'react';
import { sampleAt, type SampleWindow } from '../../../engine/api/data';
import { SampleImage, classColour, drawScatter } from '../predict/draw';
import { isImageShape } from '../predict/math';
import { useSamples } from '../predict/use-samples';
import { datasetInfo, useDatasets } from '../../stores/datasets';

const GRID = 12;
const POINTS = 256;
const ROWS = 5;

function Scatter({ w }: { w: SampleWindow }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const axis = getComputedStyle(ref.current).getPropertyValue('--border').trim() || '#888';
    drawScatter(ref.current, w.x, w.y, { axis });
  }, [w]);
  return (
    <>
      <canvas
        ref={ref}
        className="dataset-preview-scatter"
        data-testid="dataset-preview-scatter"
        aria-label={`${w.count} points coloured by class`}
      />
      <div className="dataset-preview-legend">
        {w.classNames.map((name, k) => (
          <span key={k} data-testid="dataset-preview-class">
            <i style={{ background: classColour(k) }} />
            {name}
          </span>
        ))}
      </div>
    </>
  );
}

function Rows({ w }: { w: SampleWindow }) {
  return (
    <table className="dataset-preview-rows">
      <tbody>
        {Array.from({ length: Math.min(ROWS, w.count) }, (_, i) => {
          const s = sampleAt(w, i);
          // A token dataset reads as its words; the ids are in the tooltip.
          const values =
            Array.from(s.x.subarray(0, 5), (v) => Number(v.toPrecision(3))).join(', ') + (s.x.length > 5 ? ', …' : '');
          return (
            <tr key={i} data-testid="dataset-preview-sample" data-label={s.labelText}>
              <td title={s.text !== undefined ? `ids ${values}` : undefined}>{s.text ?? values}</td>
              <td>→ {s.labelText}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function DatasetPreview({ datasetId }: { datasetId: string }) {
  const [open, setOpen] = useState(true);
  const imported = useDatasets((s) => s.imported);
  const info = datasetInfo(datasetId, imported);
  // A dozen pictures fill the grid; points need a few hundred to show the classes' layout.
  const points = useSamples(datasetId, 'train', 0, info && isImageShape(info.sampleShape) ? GRID : POINTS);
  const w = points.status === 'ready' ? points.window : null;
  const image = w ? isImageShape(w.sampleShape) : false;
  // Two token ids are a sentence, not a point.
  const scatter = w ? w.sampleShape.length === 1 && w.sampleShape[0] === 2 && !w.vocabulary : false;
  return (
    <details
      className="dataset-preview"
      data-testid="dataset-preview"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        Preview{w ? <span className="dataset-preview-muted"> · {w.total.toLocaleString('en-US')} samples</span> : null}
      </summary>
      {points.status === 'error' ? (
        <div className="problem-error train-check-problem">
          <div>{points.error.message}</div>
          {points.error.hint ? <div className="problem-hint">{points.error.hint}</div> : null}
        </div>
      ) : !w ? (
        <div className="dataset-preview-muted">Loading samples…</div>
      ) : image ? (
        <div className="dataset-preview-grid">
          {Array.from({ length: Math.min(GRID, w.count) }, (_, i) => {
            const s = sampleAt(w, i);
            return (
              <figure key={i} data-testid="dataset-preview-sample" data-label={s.labelText}>
                <SampleImage x={s.x} shape={w.sampleShape} size={36} label={`Sample ${i + 1}: ${s.labelText}`} />
                <figcaption>{s.labelText}</figcaption>
              </figure>
            );
          })}
        </div>
      ) : scatter ? (
        <Scatter w={w} />
      ) : (
        <Rows w={w} />
      )}
    </details>
  );
}
