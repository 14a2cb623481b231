/**
 * Two runs side by side: who is who on the charts (#3, or #3 with/without BN for a comparison run), their colours,
 * and what the diff compares. Pure, so the panel and its tests share it.
 */
import type { ComparedSettings } from '../../../../engine/api/train';
import type { TrainingRun } from '../../../stores/training';
import type { RunSeries } from '../../../stores/series';

export interface Color {
  light: string;
  dark: string;
}

/** The older run in blues, the newer in oranges; a comparison run's twin in the second shade of its run's pair. */
export const COMPARE_COLORS: [Color, Color][] = [
  [
    { light: '#2f6feb', dark: '#6b9bff' },
    { light: '#0c8599', dark: '#3bc9db' },
  ],
  [
    { light: '#e8590c', dark: '#ff8c42' },
    { light: '#c2255c', dark: '#f06595' },
  ],
];

export interface ComparedModel {
  run: TrainingRun;
  /** The engine's label ('model', 'without BN'). */
  label: string;
  /** As the legend and the diff name it: `#3`, `#3 with BN`, `#3 without BN`. */
  name: string;
  color: Color;
}

/** The older run first, so the diff reads "from #3 to #5". */
export function orderRuns(a: TrainingRun, b: TrainingRun): [TrainingRun, TrainingRun] {
  return a.number <= b.number ? [a, b] : [b, a];
}

export function comparedModels(runs: [TrainingRun, TrainingRun]): ComparedModel[] {
  return runs.flatMap((run, side) =>
    run.labels
      .filter((label) => run.series[label])
      .map((label, k) => ({
        run,
        label,
        name: run.compareBn ? `#${run.number} ${label === 'model' ? 'with BN' : label}` : `#${run.number}`,
        color: COMPARE_COLORS[side][Math.min(k, 1)],
      })),
  );
}

/** The curves for chartData: one entry per model, named and coloured. */
export function compareCurves(models: ComparedModel[]): { run: string; series: RunSeries; color: Color }[] {
  return models.map((m) => ({ run: m.name, series: m.run.series[m.label], color: m.color }));
}

export function comparedSettings(run: TrainingRun): ComparedSettings {
  const c = run.config;
  return {
    dataset: run.datasetTitle,
    subset: c.subset,
    optimizer: c.optimizer,
    learningRate: c.learningRate,
    batchSize: c.batchSize,
    epochs: c.epochs,
    loss: c.loss,
    validationSplit: c.validationSplit,
    seed: c.seed,
  };
}
