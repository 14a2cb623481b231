import { tensor, type Tensor } from '../core/tensor';

/** RepeatVector: x (batch, features) → (batch, n, features), each row n times. */
export function repeatVector(x: Tensor, n: number): Tensor {
  const [batch, features] = x.shape;
  const out = new Float32Array(batch * n * features);
  for (let b = 0; b < batch; b++) {
    const row = x.data.subarray(b * features, (b + 1) * features);
    for (let t = 0; t < n; t++) out.set(row, (b * n + t) * features);
  }
  return tensor([batch, n, features], out);
}

/** Its gradient: dx[b] = Σ_t dy[b, t], summed in float32 in step order. */
export function repeatVectorGrad(dy: Tensor): Tensor {
  const [batch, n, features] = dy.shape;
  const dx = new Float32Array(batch * features);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < n; t++) {
      const at = (b * n + t) * features;
      for (let f = 0; f < features; f++) dx[b * features + f] += dy.data[at + f];
    }
  return tensor([batch, features], dx);
}
