/**
 * One uPlot chart of a metric against the training step. The plot is built once per set of curves (and theme) and
 * fed new columns as progress arrives, so a live run costs a redraw, not a rebuild.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { tick } from './format';
import { chartCsv, type ChartData, type Curve, type CurveKind, type Metric } from '../../stores/series';
import { getHost } from '../../services/host-instance';
import { useUi } from '../../stores/ui';

/** Saves the plot as a PNG (on the panel's background, so it reads outside the app) or its data as CSV. */
async function saveChart(kind: 'png' | 'csv', metric: Metric, data: ChartData, plot: uPlot | null): Promise<void> {
  let bytes: Uint8Array | string;
  if (kind === 'csv') bytes = chartCsv(data);
  else {
    if (!plot) return;
    const source = plot.ctx.canvas;
    const canvas = document.createElement('canvas');
    canvas.width = source.width;
    canvas.height = source.height;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = cssVar('--panel') || '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(source, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) return;
    bytes = new Uint8Array(await blob.arrayBuffer());
  }
  const saved = await getHost().saveFile({
    suggestedName: `${metric}.${kind}`,
    data: bytes,
    filters: [{ name: kind.toUpperCase(), extensions: [kind] }],
  });
  if (saved) useUi.getState().notify(`Saved ${saved.name}`);
}

/** "with BN" and a single run in the accent blue, "without BN" in orange: the two sides of the comparison. */
const RUN_COLOR: Record<string, { light: string; dark: string }> = {
  '': { light: '#2f6feb', dark: '#6b9bff' },
  'with BN': { light: '#2f6feb', dark: '#6b9bff' },
  'without BN': { light: '#e8590c', dark: '#ff8c42' },
};

const curveColor = (curve: Curve, dark: boolean) =>
  (curve.color ?? RUN_COLOR[curve.run] ?? RUN_COLOR[''])[dark ? 'dark' : 'light'];

function seriesFor(curve: Curve, dark: boolean): uPlot.Series {
  const color = curveColor(curve, dark);
  const base = { label: curve.label, stroke: color, spanGaps: true };
  if (curve.kind === 'batch') return { ...base, width: 1.25, points: { show: false } };
  if (curve.kind === 'epoch') return { ...base, width: 2, points: { show: true, size: 6, fill: color } };
  return { ...base, width: 2, dash: [6, 4], points: { show: true, size: 6, fill: 'transparent' } };
}

/** Tick steps from 1e-6 to 1e40: uPlot's own stop far below what a diverging loss reaches, leaving a bare axis. */
const INCREMENTS = Array.from({ length: 47 }, (_, i) => 10 ** (i - 6)).flatMap((p) => [p, 2 * p, 2.5 * p, 5 * p]);

/** Steps are whole batches. */
const STEP_INCREMENTS = Array.from({ length: 8 }, (_, i) => 10 ** i).flatMap((p) => [p, 2 * p, 5 * p]);

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** The loss's unit: cross-entropies are in nats (natural log), MSE in the targets' units squared. */
export function lossUnit(loss: string | undefined): string {
  if (!loss) return '';
  return loss === 'mean_squared_error' ? 'target units²' : 'nats';
}

/** Axis titles with their units: what the numbers on the axis count. */
export function axisLabels(metric: Metric, loss?: string): { x: string; y: string } {
  const unit = metric === 'accuracy' ? '%' : lossUnit(loss);
  return { x: 'step (batches)', y: unit ? `${metric} (${unit})` : metric };
}

/**
 * The axis just wide enough for its longest tick label, measured in the axis font: a fixed width cut the leading
 * minus sign off labels such as −0.00231.
 */
function fittedSize(self: uPlot, values: string[] | null, axisIndex: number): number {
  const axis = self.axes[axisIndex];
  const font = (axis.font as string | undefined) ?? '12px system-ui';
  const ctx = self.ctx;
  ctx.save();
  ctx.font = font;
  const widest = Math.max(0, ...(values ?? []).map((v) => ctx.measureText(v).width));
  ctx.restore();
  // Tick length + gap + labels, then the axis title's own line.
  return Math.ceil(widest / devicePixelRatio) + 10 + 18;
}

function options(
  metric: Metric,
  data: ChartData,
  dark: boolean,
  width: number,
  height: number,
  loss?: string,
): uPlot.Options {
  const axis = {
    stroke: cssVar('--muted'),
    grid: { stroke: cssVar('--border'), width: 1 },
    ticks: { stroke: cssVar('--border'), width: 1 },
  };
  const labels = axisLabels(metric, loss);
  return {
    width,
    height,
    // Clicking a legend entry hides or shows its series (uPlot's own toggle); the values are not tracked live.
    // Markers are drawn as their lines are: validation dashed.
    legend: { live: false, markers: { dash: (u, i) => (u.series[i].dash ? 'dashed' : 'solid') } },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false },
      y:
        metric === 'accuracy'
          ? { range: [0, 1] }
          : { range: (_u, min, max) => [Math.min(0, min ?? 0), (max ?? 1) * 1.05 || 1] },
    },
    axes: [
      { ...axis, label: labels.x, labelSize: 14, size: 30, incrs: STEP_INCREMENTS },
      {
        ...axis,
        label: labels.y,
        labelSize: 14,
        size: fittedSize,
        incrs: metric === 'accuracy' ? [0.1, 0.2, 0.25, 0.5] : INCREMENTS,
        values: (_u, splits) =>
          splits.map((v) => (metric === 'accuracy' ? tick(Number((v * 100).toPrecision(6))) : tick(v))),
      },
    ],
    series: [{ label: 'step' }, ...data.curves.map((c) => seriesFor(c, dark))],
  };
}

/**
 * Below this width uPlot's legend, one "with BN · val accuracy" per line, took four lines of a 210 px chart
 * (1024×700, a comparison) and left the plot 80 px: a narrow chart shows this one- or two-line key instead, the
 * runs by colour and the curves by line style.
 */
const NARROW_CHART = 300;

const KIND_KEY: Record<CurveKind, { text: string; line: string; dot?: 'filled' | 'hollow' }> = {
  batch: { text: 'per batch', line: '' },
  epoch: { text: 'epoch', line: '', dot: 'filled' },
  val: { text: 'validation', line: '4 3', dot: 'hollow' },
};

function CompactKey({ data, dark, testId }: { data: ChartData; dark: boolean; testId: string }) {
  const runs = [...new Map(data.curves.filter((c) => c.run).map((c) => [c.run, curveColor(c, dark)])).entries()];
  const kinds = (Object.keys(KIND_KEY) as CurveKind[]).filter((k) => data.curves.some((c) => c.kind === k));
  return (
    <div className="train-chart-key" data-testid={`${testId}-key`}>
      {runs.map(([run, color]) => (
        <span key={run} className="train-chart-key-item train-chart-key-run">
          <i className="train-chart-key-swatch" style={{ background: color }} />
          {run}
        </span>
      ))}
      {kinds.map((kind) => {
        const k = KIND_KEY[kind];
        return (
          <span key={kind} className="train-chart-key-item">
            <svg width="18" height="8" aria-hidden="true">
              <line x1="1" y1="4" x2="17" y2="4" stroke="currentColor" strokeWidth="1.5" strokeDasharray={k.line} />
              {k.dot ? (
                <circle
                  cx="9"
                  cy="4"
                  r="2.5"
                  stroke="currentColor"
                  fill={k.dot === 'filled' ? 'currentColor' : 'var(--panel)'}
                />
              ) : null}
            </svg>
            {k.text}
          </span>
        );
      })}
    </div>
  );
}

const columns = (data: ChartData): uPlot.AlignedData =>
  [data.x, ...data.curves.map((c) => c.values)] as uPlot.AlignedData;

export function Chart({
  metric,
  data,
  dark,
  testId,
  loss,
}: {
  metric: Metric;
  data: ChartData;
  dark: boolean;
  testId: string;
  loss?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shapeKey = `${dark}|${loss}|${data.curves.map((c) => `${c.label}${c.color?.light ?? ''}`).join('|')}`;
  const latest = useRef(data);
  latest.current = data;
  const [narrow, setNarrow] = useState(false);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    // The legend sits below the plot and wraps on narrow charts: the plot gets what it leaves.
    const size = (u?: uPlot) => {
      const legend = u?.root.querySelector<HTMLElement>('.u-legend')?.offsetHeight ?? 24;
      return { width: Math.max(el.clientWidth, 160), height: Math.max(el.clientHeight - legend - 2, 60) };
    };
    const opts = options(metric, latest.current, dark, size().width, size().height, loss);
    // The "curves appear here" note sits in the plot area, off the axes: on a narrow chart, centred on the whole
    // chart, it was written over the y axis's labels and title.
    const placeNote = (u: uPlot) => {
      for (const side of ['left', 'top', 'width', 'height'] as const)
        el.style.setProperty(`--plot-${side}`, u.over.style[side]);
    };
    opts.hooks = { ...opts.hooks, setSize: [placeNote] };
    const u = new uPlot(opts, columns(latest.current), el);
    u.setSize(size(u));
    plot.current = u;
    const observer = new ResizeObserver(() => {
      setNarrow(el.clientWidth < NARROW_CHART);
      u.setSize(size(u));
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shapeKey, metric]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    plot.current?.setData(columns(data));
  }, [data]);

  return (
    <div className={`train-chart ${narrow ? 'is-narrow' : ''}`} data-testid={testId} data-points={data.x.length}>
      <div className="train-chart-title">
        {metric === 'loss' ? 'Loss' : 'Accuracy'}
        {data.x.length ? (
          <span className="train-chart-actions">
            <button
              type="button"
              data-testid={`${testId}-png`}
              title="Save the chart as a PNG image"
              onClick={() => void saveChart('png', metric, data, plot.current)}
            >
              PNG
            </button>
            <button
              type="button"
              data-testid={`${testId}-csv`}
              title="Save the chart's data as CSV"
              onClick={() => void saveChart('csv', metric, data, plot.current)}
            >
              CSV
            </button>
          </span>
        ) : null}
      </div>
      <div className="train-chart-plot" ref={host}>
        {data.x.length === 0 ? <div className="train-chart-empty">Curves appear here as the model trains.</div> : null}
      </div>
      {narrow && data.curves.length ? <CompactKey data={data} dark={dark} testId={testId} /> : null}
    </div>
  );
}
