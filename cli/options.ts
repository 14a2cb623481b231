/**
 * The options several commands share, parsed and validated: the memory budget, the kernels' threads, and the
 * settings of a training run (`train` runs with them, `export --format keras-train` writes them).
 */
import type { MemoryBudget } from '../engine/graph/resources';
import { memoryBudget } from '../engine/node/memory-budget';
import { parseThreads, THREADS_RULE } from '../engine/node/threads';
import { UsageError } from './io';

/** The settings a training run takes: `train` runs with them, `export --format keras-train` writes them. */
export const RUN_OPTIONS = {
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  loss: { type: 'string' },
  'validation-split': { type: 'string' },
  seed: { type: 'string' },
  subset: { type: 'string' },
} as const;
/** The run settings `train` and `export --format keras-train` share (RUN_OPTIONS), as typed. */
export function runSettings(s: (key: string) => string | undefined) {
  return {
    epochs: s('epochs'),
    batchSize: s('batch-size'),
    optimizer: s('optimizer'),
    lr: s('lr'),
    loss: s('loss'),
    validationSplit: s('validation-split'),
    seed: s('seed'),
    subset: s('subset'),
  };
}

export const BUDGET_OPTION = { 'memory-budget': { type: 'string' } } as const;
export const THREADS_OPTION = { threads: { type: 'string' } } as const;

/** --threads n, validated; undefined: the environment's or the machine's choice (engine/node/threads.ts). */
export function threadsFrom(values: Record<string, string | boolean | undefined>): number | undefined {
  const text = values.threads as string | undefined;
  if (text === undefined) return undefined;
  const n = parseThreads(text);
  if (n === null) throw new UsageError(`--threads must be ${THREADS_RULE}, got '${text}'`);
  return n;
}

/**
 * --study-threads n (train --profile only), validated: a partition study of n threads, from 2 up. It measures, so a
 * run without --profile, which would print nothing of it, is refused.
 */
export function studyThreadsFrom(values: Record<string, string | boolean | undefined>): number | undefined {
  const text = values['study-threads'] as string | undefined;
  if (text === undefined) return undefined;
  const n = parseThreads(text);
  if (n === null || n < 2)
    throw new UsageError(`--study-threads must be ${THREADS_RULE.replace('from 1', 'from 2')}, got '${text}'`);
  if (!values.profile)
    throw new UsageError('--study-threads measures how a step splits over threads: add --profile to see it');
  return n;
}

/** --memory-budget, else LAYERCANVAS_MEMORY_BUDGET, else a quarter of this machine (engine/node/memory-budget.ts). */
export function budgetFrom(values: Record<string, string | boolean | undefined>): MemoryBudget {
  try {
    return memoryBudget(values['memory-budget'] as string | undefined);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
