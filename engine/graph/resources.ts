/**
 * One estimate of what running a model takes, from shape inference alone, before anything is allocated: the
 * weights, the gradients and optimizer state of a training step, and the activations of a batch (with their
 * gradients when training). Predict and train in the CLI, the engine host and the app check it against a memory
 * budget, and the summary prints it.
 *
 * Float32 throughout (4 bytes a value), as the engine computes. Training keeps about three copies of every layer's
 * output per sample (the output, its gradient, and what the backward pass saves); predict keeps the outputs.
 */
import { readableBytes } from '../core/format';
import { formatShape, type Shape } from '../core/shape';
import { getLayer } from '../layers/registry';
import type { Inference } from './inference';

export type OptimizerSlots = { name: 'sgd' | 'adam' | 'rmsprop'; momentum?: number; centered?: boolean };

export interface ResourceOptions {
  mode: 'predict' | 'train';
  batchSize: number;
  /** Train only: the optimizer decides how many values it keeps per weight. */
  optimizer?: OptimizerSlots;
  /** Bytes of the data held while running (the dataset, or the predict input). */
  dataBytes?: number;
}

export interface ResourceEstimate {
  mode: 'predict' | 'train';
  batchSize: number;
  weightBytes: number;
  /** Train only: one gradient per trainable weight, plus the optimizer's slots (Adam keeps two). */
  gradientBytes: number;
  optimizerBytes: number;
  optimizerSlots: number;
  /** Per batch: layer outputs (and, training, their gradients and saved values). */
  activationBytes: number;
  dataBytes: number;
  totalBytes: number;
  /** What holds most of the weights, as Keras code names it: `32 × Dense(20000)`. */
  heaviestWeights: string;
  /** The layer with the largest output, and that output's shape. */
  largestOutput: { name: string; shape: string } | null;
}

const BYTES = 4;
const TRAIN_COPIES = 3;

export function optimizerSlots(o: OptimizerSlots | undefined): number {
  if (!o) return 0;
  if (o.name === 'adam') return 2;
  if (o.name === 'rmsprop') return 1 + (o.centered ? 1 : 0) + ((o.momentum ?? 0) > 0 ? 1 : 0);
  return (o.momentum ?? 0) > 0 ? 1 : 0;
}

const perSample = (shape: Shape) => shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);

/** A layer as its Keras constructor reads: `Dense(20000)`, `Conv2D(64 · 3×3)` → `Conv2D(64)`. */
function constructorText(className: string, config: Record<string, unknown>): string {
  const def = getLayer(className);
  const first = def?.keyArgs?.(config as never)?.split(' · ')[0];
  return `${className}(${first ?? ''})`;
}

function heaviest(inference: Inference): string {
  const groups = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const id of inference.order) {
    const info = inference.nodes.get(id)!;
    const params = info.trainableParams + info.nonTrainableParams;
    if (!params) continue;
    const key = constructorText(info.className, inference.topology.byId.get(id)?.config ?? {});
    groups.set(key, (groups.get(key) ?? 0) + params);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1] - a[1]);
  const total = sorted.reduce((a, [, p]) => a + p, 0);
  const named: string[] = [];
  let covered = 0;
  for (const [key, params] of sorted) {
    if (named.length === 2 || covered >= 0.8 * total) break;
    const n = counts.get(key)!;
    named.push(n > 1 ? `${n} × ${key}` : key);
    covered += params;
  }
  return named.join(' and ') || 'no weights';
}

export function estimateResources(inference: Inference, options: ResourceOptions): ResourceEstimate {
  let params = 0;
  let trainable = 0;
  let outputs = 0;
  let largest: { name: string; size: number; shape: Shape } | null = null;
  for (const id of inference.order) {
    const info = inference.nodes.get(id)!;
    params += info.trainableParams + info.nonTrainableParams;
    trainable += info.trainableParams;
    if (!info.outputShape) continue;
    const size = perSample(info.outputShape);
    outputs += size;
    if (!largest || size > largest.size) largest = { name: info.name, size, shape: info.outputShape };
  }
  const train = options.mode === 'train';
  const slots = train ? optimizerSlots(options.optimizer) : 0;
  const weightBytes = params * BYTES;
  const gradientBytes = train ? trainable * BYTES : 0;
  const optimizerBytes = trainable * BYTES * slots;
  const activationBytes = outputs * options.batchSize * BYTES * (train ? TRAIN_COPIES : 1);
  const dataBytes = options.dataBytes ?? 0;
  return {
    mode: options.mode,
    batchSize: options.batchSize,
    weightBytes,
    gradientBytes,
    optimizerBytes,
    optimizerSlots: slots,
    activationBytes,
    dataBytes,
    totalBytes: weightBytes + gradientBytes + optimizerBytes + activationBytes + dataBytes,
    heaviestWeights: heaviest(inference),
    largestOutput: largest ? { name: largest.name, shape: formatShape(largest.shape) } : null,
  };
}

export interface MemoryBudget {
  /** The most an estimate may come to. */
  bytes: number;
  /** The machine's memory, for the message. */
  machineBytes: number;
  /** Where the budget came from, for the message: the default quarter, or a setting. */
  source: 'default' | string;
}

/** `47.7 GB`, `24 GB`: Keras's units (1024-based), rounded to one decimal, none when whole. */
export function approxBytes(bytes: number): string {
  const [value, unit] = readableBytes(bytes).split(' ');
  const rounded = Math.round(Number(value) * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded : rounded.toFixed(1)} ${unit}`;
}

function budgetText(budget: MemoryBudget): string {
  if (budget.source === 'default')
    return `the memory budget is ${approxBytes(budget.bytes)}, a quarter of this machine's ${approxBytes(budget.machineBytes)}`;
  return `the memory budget is ${approxBytes(budget.bytes)} (${budget.source})`;
}

const RAISE = 'or raise the budget with --memory-budget or LAYERCANVAS_MEMORY_BUDGET';

/** Null when the estimate fits the budget; otherwise a one-line refusal naming what is too large, with a hint. */
export function checkResources(e: ResourceEstimate, budget: MemoryBudget): { message: string; hint: string } | null {
  if (e.totalBytes <= budget.bytes) return null;
  if (e.weightBytes > budget.bytes) {
    const room =
      e.weightBytes > budget.machineBytes ? `this machine has ${approxBytes(budget.machineBytes)}` : budgetText(budget);
    return {
      message: `needs about ${approxBytes(e.weightBytes)} for weights alone (${e.heaviestWeights}); ${room}`,
      hint:
        e.weightBytes > budget.machineBytes ? 'use fewer or smaller layers' : `use fewer or smaller layers, ${RAISE}`,
    };
  }
  const verb = e.mode === 'train' ? 'training' : 'predicting';
  const parts = [`weights ${approxBytes(e.weightBytes)}`];
  if (e.mode === 'train')
    parts.push(`gradients and optimizer state ${approxBytes(e.gradientBytes + e.optimizerBytes)}`);
  const biggest = e.largestOutput ? `, mostly ${e.largestOutput.name}'s ${e.largestOutput.shape}` : '';
  parts.push(
    `${e.mode === 'train' ? 'activations and their gradients' : 'activations'} ${approxBytes(e.activationBytes)}${biggest}`,
  );
  if (e.dataBytes) parts.push(`data ${approxBytes(e.dataBytes)}`);
  return {
    message: `${verb} a batch of ${e.batchSize} needs about ${approxBytes(e.totalBytes)} (${parts.join('; ')}); ${budgetText(budget)}`,
    hint:
      e.batchSize > 1
        ? `use a smaller batch size, fewer filters or units, or pooling earlier in the network, ${RAISE}`
        : `use fewer filters or units, or pooling earlier in the network, ${RAISE}`,
  };
}

/** The estimate as lines after Keras's summary table, in its style (` Total params: 10,466 (40.88 KB)`). */
export function formatEstimate(train: ResourceEstimate, predict: ResourceEstimate, optimizerName: string): string[] {
  return [
    ` Memory estimate (float32), batch of ${train.batchSize}:`,
    `  Predict: ${readableBytes(predict.totalBytes)} (weights ${readableBytes(predict.weightBytes)}, activations ${readableBytes(predict.activationBytes)})`,
    `  Train (${optimizerName}): ${readableBytes(train.totalBytes)} (weights ${readableBytes(train.weightBytes)}, gradients and optimizer state ${readableBytes(train.gradientBytes + train.optimizerBytes)}, activations and their gradients ${readableBytes(train.activationBytes)})`,
  ];
}
