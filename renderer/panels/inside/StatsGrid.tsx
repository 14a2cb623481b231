/**
 * Small multiples: one card per layer with its output mean (line) and ± one std (band) over the training steps,
 * the model in blue and its BN-free twin in orange on the same scale. Hovering a card reads off one step.
 */
import { memo, useState } from 'react';
import { getLayer, hasTrait, namePrefix, toSnakeCase } from '../../../engine/api/layers';
import type { LayerTrack, LayerTracks, Band } from './layer-tracks';
import { cssVar, short, SIDE_COLOR, useCanvas, withAlpha } from './canvas';

function drawBand(
  ctx: CanvasRenderingContext2D,
  band: Band,
  x: (i: number) => number,
  y: (v: number) => number,
  color: string,
) {
  const idx = band.mean
    .map((m, i) => (m !== null && band.std[i] !== null && Number.isFinite(m) && Number.isFinite(band.std[i]!) ? i : -1))
    .filter((i) => i >= 0);
  if (!idx.length) return;
  ctx.beginPath();
  idx.forEach((i, k) => (k ? ctx.lineTo : ctx.moveTo).call(ctx, x(i), y(band.mean[i]! + band.std[i]!)));
  [...idx].reverse().forEach((i) => ctx.lineTo(x(i), y(band.mean[i]! - band.std[i]!)));
  ctx.closePath();
  ctx.fillStyle = withAlpha(color, 0.18);
  ctx.fill();
  ctx.beginPath();
  idx.forEach((i, k) => (k ? ctx.lineTo : ctx.moveTo).call(ctx, x(i), y(band.mean[i]!)));
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.stroke();
  if (idx.length === 1) {
    ctx.fillStyle = color;
    ctx.fillRect(x(idx[0]) - 1.5, y(band.mean[idx[0]]!) - 1.5, 3, 3);
  }
}

function Sparkline({
  track,
  steps,
  dark,
  hover,
}: {
  track: LayerTrack;
  steps: number[];
  dark: boolean;
  hover: number | null;
}) {
  const ref = useCanvas((ctx, w, h) => {
    const [lo, hi] = track.range;
    const pad = 3;
    const x = (i: number) => (steps.length < 2 ? w / 2 : pad + ((w - 2 * pad) * i) / (steps.length - 1));
    const y = (v: number) => h - pad - ((h - 2 * pad) * (v - lo)) / (hi - lo);
    if (lo < 0 && hi > 0) {
      ctx.strokeStyle = cssVar('--border');
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(0, Math.round(y(0)) + 0.5);
      ctx.lineTo(w, Math.round(y(0)) + 0.5);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    const theme = dark ? 'dark' : 'light';
    if (track.twin) drawBand(ctx, track.twin, x, y, SIDE_COLOR.twin[theme]);
    drawBand(ctx, track.model, x, y, SIDE_COLOR.model[theme]);
    if (hover !== null) {
      ctx.strokeStyle = cssVar('--muted');
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(Math.round(x(hover)) + 0.5, 0);
      ctx.lineTo(Math.round(x(hover)) + 0.5, h);
      ctx.stroke();
    }
  });
  return <canvas ref={ref} className="inside-spark" />;
}

/** Keras's automatic names already say the class (conv2d, batch_normalization_1): then the card needs no class label. */
const autoNamed = (t: Pick<LayerTrack, 'name' | 'className'>) => {
  const def = getLayer(t.className);
  const prefix = def ? namePrefix(def) : toSnakeCase(t.className);
  return t.name === prefix || t.name.startsWith(`${prefix}_`);
};

const pair = (b: Band | null, i: number) =>
  b && b.mean[i] !== null ? `${short(b.mean[i])} ± ${short(b.std[i])}` : '–';

/** The last sample of a band, for the card's resting caption. */
const lastIndex = (b: Band) => {
  for (let i = b.mean.length - 1; i >= 0; i--) if (b.mean[i] !== null) return i;
  return -1;
};

const LayerCard = memo(function LayerCard({
  track,
  steps,
  dark,
  compare,
}: {
  track: LayerTrack;
  steps: number[];
  dark: boolean;
  compare: boolean;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const move = (e: React.MouseEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const f = (e.clientX - r.left) / Math.max(r.width, 1);
    setHover(steps.length ? Math.max(0, Math.min(steps.length - 1, Math.round(f * (steps.length - 1)))) : null);
  };
  const at = hover ?? Math.max(lastIndex(track.model), track.twin ? lastIndex(track.twin) : -1);
  const isBn = hasTrait(track.className, 'batchStatistics');
  return (
    <div
      className={`inside-card ${isBn ? 'is-bn' : ''}`}
      data-testid="inside-layer"
      data-layer={track.name}
      data-twin={track.twin ? 'yes' : 'no'}
    >
      <div className="inside-card-head" title={`${track.name} (${track.className})`}>
        <b title={`${track.name} (${track.className})`}>{track.name}</b>
        <span className="inside-card-class">
          {hover !== null ? `step ${steps[at]}` : autoNamed(track) ? '' : track.className}
        </span>
      </div>
      <div className="inside-card-plot" onMouseMove={move} onMouseLeave={() => setHover(null)}>
        <Sparkline track={track} steps={steps} dark={dark} hover={hover} />
      </div>
      <div className="inside-card-values">
        <span className="inside-model" title={compare ? 'with BN: mean ± std' : 'mean ± std'}>
          {pair(track.model, at)}
        </span>
        {compare ? (
          <span className="inside-twin" title="without BN: mean ± std">
            {track.twin ? pair(track.twin, at) : isBn ? 'not in the twin' : '–'}
          </span>
        ) : null}
      </div>
    </div>
  );
});

export function StatsGrid({ tracks, dark }: { tracks: LayerTracks; dark: boolean }) {
  return (
    <div className="inside-grid" data-testid="inside-stats" data-steps={tracks.steps.length}>
      {tracks.layers.map((t) => (
        <LayerCard key={t.nodeId} track={t} steps={tracks.steps} dark={dark} compare={tracks.hasTwin} />
      ))}
    </div>
  );
}
