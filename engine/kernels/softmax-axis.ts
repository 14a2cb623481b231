import { tensor, type Tensor } from '../core/tensor';
import { activationGrad, softmax } from './activations';

/** x's shape around `axis`: the values before it (outer), along it (size), after it (inner). */
export function axisSplit(shape: readonly number[], axis: number): { outer: number; size: number; inner: number } {
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length)
    throw new RangeError(`softmax axis ${axis} is out of range for [${shape}]`);
  const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  return { outer: product(shape.slice(0, axis)), size: shape[axis], inner: product(shape.slice(axis + 1)) };
}

/** Softmax along `axis` (0-based), shifted by the maximum so large logits don't overflow. */
export function softmaxAxis(x: Tensor, axis: number): Tensor {
  const { outer, size, inner } = axisSplit(x.shape, axis);
  if (inner === 1) return softmax(x);
  const X = x.data,
    y = new Float32Array(X.length);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      let max = -Infinity;
      for (let k = 0; k < size; k++) max = Math.max(max, X[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < size; k++) sum += y[base + k * inner] = Math.exp(X[base + k * inner] - max);
      for (let k = 0; k < size; k++) y[base + k * inner] /= sum;
    }
  return tensor(x.shape, y);
}

/** Its gradient from the output y: dx = y · (dy − Σ dy·y) along the axis. */
export function softmaxAxisGrad(dy: Tensor, y: Tensor, axis: number): Tensor {
  const { outer, size, inner } = axisSplit(y.shape, axis);
  if (inner === 1) return activationGrad(dy, y, y, 'softmax');
  const D = dy.data,
    Y = y.data,
    dx = new Float32Array(D.length);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      let dot = 0;
      for (let k = 0; k < size; k++) dot += D[base + k * inner] * Y[base + k * inner];
      for (let k = 0; k < size; k++) dx[base + k * inner] = Y[base + k * inner] * (D[base + k * inner] - dot);
    }
  return tensor(y.shape, dx);
}
