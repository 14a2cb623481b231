import { tensor, type Tensor } from '../core/tensor';

/** The shape of x with its axes in the order `axes` (y's axis k is x's axis axes[k]), after checking `axes`. */
export function transposedShape(shape: readonly number[], axes: readonly number[]): number[] {
  const sorted = [...axes].sort((a, b) => a - b);
  if (axes.length !== shape.length || sorted.some((a, i) => a !== i))
    throw new RangeError(`transpose axes [${axes}] are not a permutation of the ${shape.length} axes of [${shape}]`);
  return axes.map((a) => shape[a]);
}

/** x's strides (in values) along the axes of y, in y's order. */
export function transposedStrides(shape: readonly number[], axes: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return axes.map((a) => strides[a]);
}

/** y[i_0, …, i_r] = x at index i_k on axis axes[k]: Permute's forward pass (and its gradient, by the inverse). */
export function transpose(x: Tensor, axes: readonly number[]): Tensor {
  const outShape = transposedShape(x.shape, axes);
  const strideOf = transposedStrides(x.shape, axes);
  const rank = outShape.length;
  const out = new Float32Array(x.data.length);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x.data[from];
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      from += strideOf[k];
      if (index[k] < outShape[k]) break;
      from -= strideOf[k] * outShape[k];
      index[k] = 0;
    }
  }
  return tensor(outShape, out);
}
