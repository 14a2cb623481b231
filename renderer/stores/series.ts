/**
 * Training curves from the engine's progress events, and the aligned columns uPlot draws. Pure, so the store and
 * its tests share one definition of what a curve is.
 */
import type { SavedSeries } from '../../engine/api/formats';
import type { TrainEvent } from '../../engine/api/train';

/** A model's curves while it trains; once saved, the same shape (older files may lack the epoch times). */
export type RunSeries = Required<SavedSeries>;

export const emptySeries = (): RunSeries => ({
  step: [],
  loss: [],
  accuracy: [],
  epochStep: [],
  epochLoss: [],
  epochAccuracy: [],
  valLoss: [],
  valAccuracy: [],
  epochElapsedMs: [],
});

/** The series with one event added (a new object; the old one is left as it was). Layer statistics are not curves. */
export function appendEvent(s: RunSeries, event: TrainEvent): RunSeries {
  if (event.type === 'batch')
    return {
      ...s,
      step: [...s.step, event.step],
      loss: [...s.loss, event.loss],
      accuracy: [...s.accuracy, event.accuracy],
    };
  if (event.type === 'epoch')
    return {
      ...s,
      epochStep: [...s.epochStep, s.step.at(-1) ?? 0],
      epochLoss: [...s.epochLoss, event.loss],
      epochAccuracy: [...s.epochAccuracy, event.accuracy],
      valLoss: [...s.valLoss, event.val_loss ?? null],
      valAccuracy: [...s.valAccuracy, event.val_accuracy ?? null],
      epochElapsedMs: [...s.epochElapsedMs, event.elapsedMs],
    };
  return s;
}

export interface FinalMetrics {
  loss: number | null;
  accuracy: number | null;
  valAccuracy: number | null;
}

/**
 * Where a run ended: the last batch's running average (which equals the epoch's figure at an epoch's end, and is
 * the freshest one when a run was stopped mid-epoch), and the last validation accuracy.
 */
export function finalMetrics(s: RunSeries): FinalMetrics {
  const val = s.valAccuracy.filter((v): v is number => v !== null);
  return { loss: s.loss.at(-1) ?? null, accuracy: s.accuracy.at(-1) ?? null, valAccuracy: val.at(-1) ?? null };
}

export type Metric = 'loss' | 'accuracy';
export type CurveKind = 'batch' | 'epoch' | 'val';

export interface Curve {
  /** The run's label as shown ("with BN", "without BN", or "" for a single run). */
  run: string;
  kind: CurveKind;
  label: string;
  values: (number | null)[];
  /** Set when comparing runs (runs/compare.ts); otherwise the chart colours by the run's label. */
  color?: { light: string; dark: string };
}

export interface ChartData {
  /** Steps: the union of every run's batch steps, ascending. */
  x: number[];
  curves: Curve[];
}

const KIND_LABEL: Record<CurveKind, Record<Metric, string>> = {
  batch: { loss: 'loss', accuracy: 'accuracy' },
  epoch: { loss: 'epoch loss', accuracy: 'epoch accuracy' },
  val: { loss: 'val loss', accuracy: 'val accuracy' },
};

/**
 * One x column for all runs (uPlot wants aligned data), with nulls where a run has no point. A comparison shows
 * per-batch and validation curves per run; a single run also shows the per-epoch training figure.
 */
export function chartData(
  runs: { run: string; series: RunSeries; color?: Curve['color'] }[],
  metric: Metric,
): ChartData {
  const x = [...new Set(runs.flatMap((r) => r.series.step))].sort((a, b) => a - b);
  const at = new Map(x.map((step, i) => [step, i]));
  const column = (steps: number[], values: (number | null)[]) => {
    const out: (number | null)[] = new Array(x.length).fill(null);
    steps.forEach((step, i) => {
      const index = at.get(step);
      if (index !== undefined) out[index] = values[i];
    });
    return out;
  };
  const curves: Curve[] = [];
  for (const { run, series: s, color } of runs) {
    const name = (kind: CurveKind) => (run ? `${run} · ${KIND_LABEL[kind][metric]}` : KIND_LABEL[kind][metric]);
    const tint = color ? { color } : {};
    curves.push({
      run,
      kind: 'batch',
      label: name('batch'),
      values: column(s.step, metric === 'loss' ? s.loss : s.accuracy),
      ...tint,
    });
    if (runs.length === 1 && s.epochStep.length)
      curves.push({
        run,
        kind: 'epoch',
        label: name('epoch'),
        values: column(s.epochStep, metric === 'loss' ? s.epochLoss : s.epochAccuracy),
        ...tint,
      });
    const val = metric === 'loss' ? s.valLoss : s.valAccuracy;
    if (val.some((v) => v !== null))
      curves.push({ run, kind: 'val', label: name('val'), values: column(s.epochStep, val), ...tint });
  }
  return { x, curves };
}

/** The chart as CSV: a `step` column, then one column per curve; a step where a curve has no point is left empty. */
export function chartCsv(data: ChartData): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = [['step', ...data.curves.map((c) => quote(c.label))].join(',')];
  data.x.forEach((step, i) =>
    rows.push([String(step), ...data.curves.map((c) => (c.values[i] === null ? '' : String(c.values[i])))].join(',')),
  );
  return `${rows.join('\n')}\n`;
}
