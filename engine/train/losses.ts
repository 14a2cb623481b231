/**
 * Keras's losses, reduced as Keras's default `sum_over_batch_size`: the mean over every row (every position but
 * the last axis). Each returns the loss and its gradient. For softmax/sigmoid outputs with cross-entropy, value and
 * gradient come from the logits (`p − y`), as Keras's TensorFlow backend computes them; other outputs are clipped
 * to [1e-7, 1 − 1e-7] as in `keras.losses`.
 */
import type { Tensor } from '../core/tensor';
import type { Backend } from '../kernels/types';

export const LOSSES = [
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
  'binary_crossentropy',
  'mean_squared_error',
] as const;
export type LossName = (typeof LOSSES)[number];

/** Keras's backend epsilon, used to clip probabilities away from 0 and 1. */
const EPSILON = 1e-7;

export interface LossResult {
  loss: number;
  /** Gradient with respect to the output, or to the logits when `gradIsLogits`. */
  grad: Tensor;
  gradIsLogits: boolean;
}

export interface LossOptions {
  fromLogits: boolean;
  /** The output layer ends in this activation (softmax, sigmoid, …), whose input is then available as logits. */
  outputActivation: string | null;
  /** The output's pre-activation values, when the output layer applies an activation. */
  logits?: Tensor;
  /** A backend whose cross-entropy from logits (threaded, in wasm) takes large heads off this thread. */
  kernels?: Pick<Backend, 'crossEntropyFromLogits'>;
}

/**
 * `output` has shape [..., k]; `target` is one-hot/probabilities of the same shape, or class indices per row for
 * the sparse loss (Int32Array of length rows).
 */
export function computeLoss(
  name: LossName,
  output: Tensor,
  target: Float32Array | Int32Array,
  opts: LossOptions,
): LossResult {
  const k = output.shape[output.shape.length - 1];
  const rows = output.data.length / k;
  const labelAt = denseLabels(name, target, rows, k);
  switch (name) {
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy':
      return kernelCrossEntropy(name, output, target, opts) ?? crossEntropy(output, labelAt, rows, k, opts);
    case 'binary_crossentropy':
      return binaryCrossEntropy(output, labelAt, rows, k, opts);
    case 'mean_squared_error': {
      const grad = new Float32Array(output.data.length);
      let sum = 0;
      for (let i = 0; i < output.data.length; i++) {
        const d = output.data[i] - labelAt(i);
        sum += d * d;
        grad[i] = (2 * d) / (k * rows);
      }
      return { loss: sum / (k * rows), grad: { shape: output.shape, data: grad }, gradIsLogits: false };
    }
  }
}

function denseLabels(
  name: LossName,
  target: Float32Array | Int32Array,
  rows: number,
  k: number,
): (i: number) => number {
  if (name !== 'sparse_categorical_crossentropy') return (i) => target[i];
  return (i) => (target[Math.floor(i / k)] === i % k ? 1 : 0);
}

/**
 * The logits a cross-entropy works from: the output itself (from_logits), or the pre-activation values of an output
 * layer ending in `activation` (fused: the gradient is then with respect to them); null: work from probabilities.
 */
function logitsOf(
  output: Tensor,
  opts: LossOptions,
  activation: 'softmax' | 'sigmoid',
): { logits: Tensor | null; fused: boolean } {
  const fused = !opts.fromLogits && opts.outputActivation === activation && !!opts.logits;
  return { logits: opts.fromLogits ? output : fused ? (opts.logits as Tensor) : null, fused };
}

/**
 * The cross-entropy from logits on the backend's kernel (the same per-row f64 formulas, Keras's loss), or null. The
 * row losses are added in row order as crossEntropy does: with one label per row (sparse), bit for bit.
 */
function kernelCrossEntropy(
  name: LossName,
  output: Tensor,
  target: Float32Array | Int32Array,
  opts: LossOptions,
): LossResult | null {
  const { logits, fused } = logitsOf(output, opts, 'softmax');
  const kernel = opts.kernels?.crossEntropyFromLogits;
  if (!logits || !kernel) return null;
  const r = kernel(logits, target, name === 'sparse_categorical_crossentropy');
  if (!r) return null;
  let total = 0;
  for (const loss of r.rowLosses) total += loss;
  return { loss: total / r.rowLosses.length, grad: { shape: output.shape, data: r.grad.data }, gradIsLogits: fused };
}

function crossEntropy(
  output: Tensor,
  y: (i: number) => number,
  rows: number,
  k: number,
  opts: LossOptions,
): LossResult {
  const { logits, fused } = logitsOf(output, opts, 'softmax');
  const grad = new Float32Array(output.data.length);
  // One row's labels and exponentials, in float64 (a 1000-class head: one exp per value, not two).
  const labels = new Float64Array(logits ? k : 0),
    exps = new Float64Array(logits ? k : 0);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * k;
    if (logits) {
      // log-softmax, stable: p − y is the gradient with respect to the logits.
      const x = logits.data;
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, x[base + j]);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += exps[j] = Math.exp(x[base + j] - max);
      const logSum = Math.log(sum) + max;
      let ySum = 0;
      for (let j = 0; j < k; j++) ySum += labels[j] = y(base + j);
      for (let j = 0; j < k; j++) {
        // Keras's TensorFlow backend takes a softmax output's logits for both the value and the gradient, unclipped.
        const t = labels[j];
        if (t !== 0) total -= t * (x[base + j] - logSum);
        grad[base + j] = ((exps[j] / sum) * ySum - t) / rows;
      }
    } else {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += output.data[base + j];
      for (let j = 0; j < k; j++) {
        const raw = output.data[base + j] / sum;
        const p = Math.min(Math.max(raw, EPSILON), 1 - EPSILON);
        total -= y(base + j) * Math.log(p);
        // Through the clip (zero outside it) and the normalization by the sum.
        const inside = raw > EPSILON && raw < 1 - EPSILON;
        grad[base + j] = inside ? -y(base + j) / (p * rows * sum) : 0;
      }
      let correction = 0;
      for (let j = 0; j < k; j++) correction += grad[base + j] * output.data[base + j];
      for (let j = 0; j < k; j++) grad[base + j] -= correction / sum;
    }
  }
  return { loss: total / rows, grad: { shape: output.shape, data: grad }, gradIsLogits: fused };
}

function binaryCrossEntropy(
  output: Tensor,
  y: (i: number) => number,
  rows: number,
  k: number,
  opts: LossOptions,
): LossResult {
  const { logits, fused } = logitsOf(output, opts, 'sigmoid');
  const n = output.data.length;
  const grad = new Float32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = y(i);
    if (logits) {
      const z = logits.data[i];
      const p = 1 / (1 + Math.exp(-z));
      total += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
      grad[i] = (p - t) / n;
    } else {
      const raw = output.data[i];
      const p = Math.min(Math.max(raw, EPSILON), 1 - EPSILON);
      total -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
      grad[i] = raw > EPSILON && raw < 1 - EPSILON ? (-t / p + (1 - t) / (1 - p)) / n : 0;
    }
  }
  return { loss: total / n, grad: { shape: output.shape, data: grad }, gradIsLogits: fused };
}

/** Keras's `accuracy` for the loss in use: categorical/sparse (argmax) or binary (threshold 0.5). */
export function accuracy(name: LossName, output: Tensor, target: Float32Array | Int32Array): number {
  const k = output.shape[output.shape.length - 1];
  const rows = output.data.length / k;
  let correct = 0;
  if (name === 'binary_crossentropy' || (name === 'mean_squared_error' && k === 1)) {
    for (let i = 0; i < output.data.length; i++)
      if ((output.data[i] > 0.5 ? 1 : 0) === Math.round(target[i])) correct++;
    return correct / output.data.length;
  }
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (output.data[r * k + j] > output.data[r * k + best]) best = j;
    let label: number;
    if (name === 'sparse_categorical_crossentropy') label = target[r];
    else {
      label = 0;
      for (let j = 1; j < k; j++) if (target[r * k + j] > target[r * k + label]) label = j;
    }
    if (best === label) correct++;
  }
  return correct / rows;
}
