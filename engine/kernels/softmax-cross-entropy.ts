import { tensor, type Tensor } from '../core/tensor';
import { checkShape } from './geometry';
import type { SoftmaxCrossEntropyResult } from './types';

/** Keras's categorical_crossentropy(from_logits=True) reduced by the mean over rows, computed with log-sum-exp. */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): SoftmaxCrossEntropyResult {
  checkShape('labels', labels.shape, logits.shape);
  const n = logits.shape[logits.shape.length - 1];
  const X = logits.data,
    T = labels.data;
  const rows = X.length / n;
  const probs = new Float32Array(X.length),
    perRow = new Float32Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, X[o + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(X[o + j] - max);
    const logSum = Math.log(sum) + max;
    let loss = 0;
    for (let j = 0; j < n; j++) {
      probs[o + j] = Math.exp(X[o + j] - logSum);
      loss -= T[o + j] * (X[o + j] - logSum);
    }
    perRow[r] = loss;
    total += loss;
  }
  return { loss: rows ? total / rows : 0, perRow, probs: tensor(logits.shape, probs) };
}

/** d(mean loss)/dlogits = (p · Σlabels − labels) / rows; Σlabels is 1 for one-hot labels. */
export function softmaxCrossEntropyGrad(probs: Tensor, labels: Tensor): Tensor {
  checkShape('labels', labels.shape, probs.shape);
  const n = probs.shape[probs.shape.length - 1];
  const P = probs.data,
    T = labels.data;
  const rows = P.length / n;
  const g = new Float32Array(P.length);
  for (let o = 0; o < P.length; o += n) {
    let t = 0;
    for (let j = 0; j < n; j++) t += T[o + j];
    for (let j = 0; j < n; j++) g[o + j] = (P[o + j] * t - T[o + j]) / rows;
  }
  return tensor(probs.shape, g);
}
