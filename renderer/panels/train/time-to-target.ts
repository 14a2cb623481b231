/**
 * "How long did each side need to reach X % accuracy?" from a run's per-epoch figures: the first epoch whose
 * validation accuracy (training accuracy when the run has no validation data) reaches the target, and the model's
 * training time when that epoch's batches ended.
 */
import { OPTIMIZER_DEFAULTS, type OptimizerName } from '../../../engine/api/train';
import type { RunSeries } from '../../stores/series';

export interface TimeToTarget {
  /** Which figure was compared with the target. */
  metric: 'val accuracy' | 'accuracy';
  /** 1-based epoch that first reached the target, or null. */
  epoch: number | null;
  /** The model's training time at the end of that epoch, or null. */
  elapsedMs: number | null;
  /** Epochs the model finished: what "not reached in N epochs" counts. */
  epochsRun: number;
  /** The best value of the figure over the finished epochs (null before the first). */
  best: number | null;
}

export function timeToTarget(s: RunSeries, target: number): TimeToTarget {
  const hasVal = s.valAccuracy.some((v) => v !== null);
  const values = hasVal ? s.valAccuracy : s.epochAccuracy;
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const index = values.findIndex((v) => v !== null && v >= target);
  return {
    metric: hasVal ? 'val accuracy' : 'accuracy',
    epoch: index >= 0 ? index + 1 : null,
    elapsedMs: index >= 0 ? (s.epochElapsedMs[index] ?? null) : null,
    epochsRun: values.length,
    best: finite.length ? Math.max(...finite) : null,
  };
}

/** The learning rate a run used: the one set, else the optimizer's Keras default. */
export function effectiveLearningRate(config: { optimizer: OptimizerName; learningRate: number | null }): number {
  return config.learningRate ?? OPTIMIZER_DEFAULTS[config.optimizer].learning_rate;
}

/**
 * The "higher learning rate" repeat: ten times the rate used, rounded to the float it means (0.001 × 10 is
 * 0.010000000000000002 in binary, which a label should not show).
 */
export function higherLearningRate(
  config: { optimizer: OptimizerName; learningRate: number | null },
  factor = 10,
): number {
  return Number((effectiveLearningRate(config) * factor).toPrecision(12));
}

/** The learning-rate sweep: the rate set (or the optimizer's default), then ten and a hundred times it. */
export const SWEEP_FACTORS = [1, 10, 100] as const;

export function sweepRates(config: { optimizer: OptimizerName; learningRate: number | null }): number[] {
  return SWEEP_FACTORS.map((f) => higherLearningRate(config, f));
}

/**
 * The "higher learning rate" repeat climbs these rungs, one comparison each, and stops at the first rate at which a
 * side fails to train (diverges or stays at chance). 10× alone showed nothing on the lesson template: both models
 * train at SGD's 0.1 (and tolerance is what a rate that breaks the model without BN measures). The lesson
 * template's twin fails at 100×; see test/renderer/train/bn-sweep-mnist.test.ts.
 */
export const LADDER_FACTORS = [10, 100] as const;

export function ladderRates(config: { optimizer: OptimizerName; learningRate: number | null }): number[] {
  return LADDER_FACTORS.map((f) => higherLearningRate(config, f));
}

/** A learning rate short enough for a label: 0.01, 0.3, 1e-5, 1e+11. */
export function rateText(rate: number): string {
  const a = Math.abs(rate);
  return a !== 0 && (a >= 1e4 || a < 1e-4)
    ? rate.toExponential().replace(/\.?0+e/, 'e')
    : String(Number(rate.toPrecision(4)));
}
