import { tensor, type Tensor } from '../core/tensor';
import { checkShape } from './geometry';

function dims(shape: readonly number[]): [number, number, number] {
  if (shape.length !== 4) throw new RangeError(`global pooling needs an NHWC tensor, got shape [${shape}]`);
  return [shape[0], shape[1] * shape[2], shape[3]];
}

export function globalAvgPool(x: Tensor): Tensor {
  const [n, hw, c] = dims(x.shape);
  const sums = new Float64Array(n * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < hw; i++) {
      const base = (b * hw + i) * c;
      for (let k = 0; k < c; k++) sums[b * c + k] += x.data[base + k];
    }
  return tensor(
    [n, c],
    Float32Array.from(sums, (s) => s / hw),
  );
}

export function globalAvgPoolGrad(dy: Tensor, xShape: readonly number[]): Tensor {
  const [n, hw, c] = dims(xShape);
  checkShape('globalAvgPool dy', dy.shape, [n, c]);
  const dx = new Float32Array(n * hw * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < hw; i++) for (let k = 0; k < c; k++) dx[(b * hw + i) * c + k] = dy.data[b * c + k] / hw;
  return tensor([...xShape], dx);
}

/** Index into x of the first maximum of each (sample, channel). */
function argmaxes(x: Tensor): Int32Array {
  const [n, hw, c] = dims(x.shape);
  const idx = new Int32Array(n * c);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++) {
      let best = b * hw * c + k;
      for (let i = 1; i < hw; i++) {
        const j = (b * hw + i) * c + k;
        if (x.data[j] > x.data[best]) best = j;
      }
      idx[b * c + k] = best;
    }
  return idx;
}

export function globalMaxPool(x: Tensor): Tensor {
  const [n, , c] = dims(x.shape);
  return tensor(
    [n, c],
    Float32Array.from(argmaxes(x), (i) => x.data[i]),
  );
}

export function globalMaxPoolGrad(dy: Tensor, x: Tensor): Tensor {
  const [n, , c] = dims(x.shape);
  checkShape('globalMaxPool dy', dy.shape, [n, c]);
  const dx = new Float32Array(x.data.length);
  argmaxes(x).forEach((xi, o) => (dx[xi] += dy.data[o]));
  return tensor(x.shape, dx);
}
