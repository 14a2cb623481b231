import { tensor, type Tensor } from '../core/tensor';

/**
 * y = (x − center) · scale + shift, per channel of the last axis; with `divide`, (x − center) / scale + shift. Each
 * vector has the last axis's length or length 1 (one value for all); center and shift null are 0.
 */
export interface AffineParams {
  scale: Float32Array;
  center?: Float32Array | null;
  shift?: Float32Array | null;
  divide?: boolean;
}

/** The last axis's length, after checking that every vector of p has that length or 1. */
export function affineChannels(shape: readonly number[], p: AffineParams): number {
  const c = shape.length ? shape[shape.length - 1] : 1;
  for (const [name, v] of [
    ['scale', p.scale],
    ['center', p.center],
    ['shift', p.shift],
  ] as const)
    if (v && v.length !== 1 && v.length !== c)
      throw new RangeError(`affine ${name} has ${v.length} values but the last axis of [${shape}] is ${c}`);
  return c;
}

/**
 * Rescaling's, Normalization's and LayerScale's arithmetic: in float32 one operation at a time, as Keras's layers
 * compute x · scale + offset, (x − mean) / std and x · gamma, so the same bits as Keras.
 */
export function affine(x: Tensor, p: AffineParams): Tensor {
  const c = affineChannels(x.shape, p);
  const { scale, center, shift, divide } = p;
  const at = (v: Float32Array, j: number) => (v.length === 1 ? v[0] : v[j]);
  const X = x.data,
    y = new Float32Array(X.length);
  const f = Math.fround;
  for (let i = 0; i < X.length; i++) {
    const j = i % c;
    const u = center ? f(X[i] - at(center, j)) : X[i];
    const s = at(scale, j);
    const v = divide ? f(u / s) : f(u * s);
    y[i] = shift ? v + at(shift, j) : v;
  }
  return tensor(x.shape, y);
}
