/** Every convolution, normalization, activation and pooling output: one grey tile per channel, each normalized alone. */
import { memo, useEffect, useMemo, useRef } from 'react';
import { formatSampleShape } from '../../../engine/api/data';
import { drawTiles } from './draw';
import { channelGreys, valueSummary } from './math';
import type { FeatureMap } from './run-predict';

/** Enough channels to see what a layer does without a wall of tiles; the rest are counted. */
export const MAX_CHANNELS = 16;
const COLUMNS = 8;
/** On-screen size of a tile's longer side, px. */
const TILE = 30;

const LayerMaps = memo(function LayerMaps({ map }: { map: FeatureMap }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [h, w, c] = map.shape;
  const shown = Math.min(c, MAX_CHANNELS);
  const summary = useMemo(() => valueSummary(map.data), [map]);
  useEffect(() => {
    if (!ref.current) return;
    const tiles = Array.from({ length: shown }, (_, k) => channelGreys(map.data, h, w, c, k));
    drawTiles(ref.current, tiles, h, w, COLUMNS);
  }, [map, h, w, c, shown]);
  const scale = TILE / Math.max(h, w);
  const cols = Math.min(COLUMNS, shown);
  const rows = Math.ceil(shown / COLUMNS);
  return (
    <figure
      className="predict-map"
      data-testid="feature-map"
      data-layer={map.name}
      data-channels={c}
      data-shown={shown}
    >
      <figcaption>
        <b>{map.name}</b>{' '}
        <span className="predict-muted">
          {map.className} · {formatSampleShape(map.shape)}
        </span>
      </figcaption>
      <canvas
        ref={ref}
        className="pixelated"
        style={{ width: Math.round(cols * (w + 1) * scale), height: Math.round(rows * (h + 1) * scale) }}
        aria-label={`${map.name}: ${shown} of ${c} channels`}
      />
      <div
        className="predict-muted predict-values"
        data-testid="feature-map-values"
        title="Over every channel of this layer's output for this input; each tile is stretched to black…white on its own"
      >
        {summary}
      </div>
      {c > shown ? <div className="predict-muted predict-more">+{c - shown} more channels</div> : null}
    </figure>
  );
});

export function FeatureMaps({ maps }: { maps: FeatureMap[] }) {
  if (maps.length === 0)
    return (
      <div className="predict-empty">
        No convolution, normalization, activation or pooling layer with image-shaped output to show.
      </div>
    );
  return (
    <div className="predict-maps" data-testid="feature-maps">
      {maps.map((m) => (
        <LayerMaps key={m.nodeId} map={m} />
      ))}
    </div>
  );
}
