/**
 * One number (or a few) per channel, channel on x: bars from zero for a parameter, dots and rings to set two
 * modes side by side, short ticks for a reference value. Hovering a channel shows every value at it.
 */
import { useRef, useState } from 'react';
import { cssVar, short, useCanvas } from './canvas';

export interface ChannelSeries {
  label: string;
  values: ArrayLike<number>;
  color: string;
  style: 'bar' | 'dot' | 'ring' | 'tick';
}

function extent(series: ChannelSeries[]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const s of series)
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  if (hi - lo < 1e-12) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.08;
  return [lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0];
}

/** The least room for the y labels; a wider label ("−0.00468" at 10 px is 46 px) widens the axis to fit it. */
const MIN_AXIS = 30;

/** An axis label: a real minus sign (U+2212), as the Train tab's charts write it. */
const axisLabel = (v: number) => short(v).replace(/^-/, '\u2212');

export function ChannelChart({
  title,
  series,
  channels,
  testId,
}: {
  title: string;
  series: ChannelSeries[];
  channels: number;
  testId: string;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const [lo, hi] = extent(series);
  // The axis as last drawn, for the hover's channel: a fixed 46 px once cut the minus off −0.00468 (drawn 0.00468).
  const axis = useRef(MIN_AXIS);
  const ref = useCanvas((ctx, w, h) => {
    ctx.font = `10px ${cssVar('--font') || 'sans-serif'}`;
    const labels = [hi, lo].map(axisLabel);
    const left = Math.max(MIN_AXIS, Math.ceil(Math.max(...labels.map((l) => ctx.measureText(l).width))) + 8);
    axis.current = left;
    const top = 4;
    const bottom = 4;
    const slot = (w - left - 2) / Math.max(channels, 1);
    const cx = (c: number) => left + slot * (c + 0.5);
    const y = (v: number) => top + ((h - top - bottom) * (hi - v)) / (hi - lo);
    ctx.fillStyle = cssVar('--muted');
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    [hi, lo].forEach((v, i) => ctx.fillText(labels[i], left - 4, Math.min(Math.max(y(v), 6), h - 6)));
    ctx.strokeStyle = cssVar('--border');
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(left, Math.round(y(0)) + 0.5);
    ctx.lineTo(w, Math.round(y(0)) + 0.5);
    ctx.stroke();
    if (hover !== null) {
      ctx.fillStyle = cssVar('--hover');
      ctx.fillRect(left + slot * hover, 0, slot, h);
    }
    const bars = series.filter((s) => s.style === 'bar');
    const barWidth = Math.max(1, (slot * 0.8) / Math.max(bars.length, 1));
    for (const s of series)
      for (let c = 0; c < channels; c++) {
        const v = s.values[c];
        if (!Number.isFinite(v)) continue;
        ctx.fillStyle = s.color;
        ctx.strokeStyle = s.color;
        if (s.style === 'bar') {
          const k = bars.indexOf(s);
          const x0 = cx(c) - (barWidth * bars.length) / 2 + k * barWidth;
          const y0 = Math.min(y(0), y(v));
          ctx.fillRect(x0, y0, Math.max(barWidth - (slot > 4 ? 0.5 : 0), 0.8), Math.max(Math.abs(y(v) - y(0)), 1));
        } else if (s.style === 'tick') {
          ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.moveTo(cx(c) - Math.max(slot * 0.42, 2), y(v));
          ctx.lineTo(cx(c) + Math.max(slot * 0.42, 2), y(v));
          ctx.stroke();
        } else {
          const r = Math.max(1.6, Math.min(3.2, slot * 0.3));
          ctx.beginPath();
          ctx.arc(cx(c), y(v), r, 0, Math.PI * 2);
          ctx.lineWidth = 1.4;
          if (s.style === 'dot') ctx.fill();
          else ctx.stroke();
        }
      }
  });
  const move = (e: React.MouseEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const left = axis.current;
    const c = Math.floor(((e.clientX - r.left - left) / Math.max(r.width - left - 2, 1)) * channels);
    setHover(c >= 0 && c < channels ? c : null);
  };
  return (
    <div className="inside-channels" data-testid={testId} data-channels={channels}>
      <div className="inside-channels-head">
        <span className="inside-channels-title">{title}</span>
        {hover !== null ? (
          <span className="inside-channels-read" data-testid={`${testId}-read`}>
            ch {hover}:{' '}
            {series.map((s) => (
              <span key={s.label} style={{ color: s.color }}>
                {series.length > 1 ? `${s.label} ` : ''}
                {short(s.values[hover])}{' '}
              </span>
            ))}
          </span>
        ) : null}
      </div>
      <div className="inside-channels-plot" onMouseMove={move} onMouseLeave={() => setHover(null)}>
        <canvas ref={ref} />
      </div>
    </div>
  );
}
