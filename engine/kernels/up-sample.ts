import { tensor, type Tensor } from '../core/tensor';
import { checkShape } from './geometry';

/** UpSampling2D's 'nearest' on NHWC: each pixel repeated sh × sw times. */
export function upSampleNearest(x: Tensor, [sh, sw]: readonly [number, number]): Tensor {
  const [n, h, w, c] = x.shape;
  const out = new Float32Array(x.data.length * sh * sw);
  const ow = w * sw;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h * sh; i++)
      for (let j = 0; j < ow; j++) {
        const from = ((b * h + Math.floor(i / sh)) * w + Math.floor(j / sw)) * c;
        out.set(x.data.subarray(from, from + c), ((b * h * sh + i) * ow + j) * c);
      }
  return tensor([n, h * sh, ow, c], out);
}

/** Its gradient: each pixel's sh × sw output gradients summed in float32, row by row, as they were produced. */
export function upSampleNearestGrad(dy: Tensor, [sh, sw]: readonly [number, number]): Tensor {
  const [n, oh, ow, c] = dy.shape;
  const h = oh / sh,
    w = ow / sw;
  const dx = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const to = ((b * h + Math.floor(i / sh)) * w + Math.floor(j / sw)) * c,
          from = ((b * oh + i) * ow + j) * c;
        for (let k = 0; k < c; k++) dx[to + k] += dy.data[from + k];
      }
  return tensor([n, h, w, c], dx);
}

/**
 * For each output row (or column) of a bilinear resize by `factor` over `inSize` sources, TF's half-pixel rule
 * (tf.image.resize): output o samples source s = (o + 0.5) / factor - 0.5, between lo = max(floor(s), 0) and
 * hi = min(ceil(s), inSize - 1), hi weighing frac = f32(s - floor(s)).
 */
function bilinearTaps(outSize: number, inSize: number, factor: number) {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = (o + 0.5) / factor - 0.5;
    const f = Math.floor(src);
    lo[o] = Math.max(f, 0);
    hi[o] = Math.min(Math.ceil(src), inSize - 1);
    frac[o] = src - f;
  }
  return { lo, hi, frac };
}

function expectImages(shape: readonly number[]): void {
  if (shape.length !== 4) throw new RangeError(`upSampleBilinear needs an NHWC tensor, got shape [${shape}]`);
}

/**
 * Bilinear over NHWC images of xShape, on `values`: forward (x), each output value the f64 sum of its four taps times
 * their f64 weights ((1 - fy or fy) · (1 - fx or fx)), rounded once to f32; backward (dy), each output gradient times
 * the same weights added into the source pixels' float32 values, in output order (row, column, then the taps top
 * left to bottom right).
 */
function bilinear(
  xShape: readonly number[],
  [sh, sw]: readonly [number, number],
  values: Float32Array,
  backward: boolean,
) {
  const [n, h, w, c] = xShape;
  const oh = h * sh;
  const ow = w * sw;
  const rows = bilinearTaps(oh, h, sh);
  const cols = bilinearTaps(ow, w, sw);
  const out = new Float32Array(backward ? n * h * w * c : n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++) {
      const fy = rows.frac[i];
      for (let j = 0; j < ow; j++) {
        const fx = cols.frac[j];
        const weights = [(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx];
        const at = [
          ((b * h + rows.lo[i]) * w + cols.lo[j]) * c,
          ((b * h + rows.lo[i]) * w + cols.hi[j]) * c,
          ((b * h + rows.hi[i]) * w + cols.lo[j]) * c,
          ((b * h + rows.hi[i]) * w + cols.hi[j]) * c,
        ];
        const o = ((b * oh + i) * ow + j) * c;
        for (let ch = 0; ch < c; ch++) {
          if (backward) for (let t = 0; t < 4; t++) out[at[t] + ch] += weights[t] * values[o + ch];
          else
            out[o + ch] =
              weights[0] * values[at[0] + ch] +
              weights[1] * values[at[1] + ch] +
              weights[2] * values[at[2] + ch] +
              weights[3] * values[at[3] + ch];
        }
      }
    }
  return tensor(backward ? [n, h, w, c] : [n, oh, ow, c], out);
}

/** UpSampling2D's 'bilinear' on NHWC, with TF's half-pixel centres. */
export function upSampleBilinear(x: Tensor, size: readonly [number, number]): Tensor {
  expectImages(x.shape);
  return bilinear(x.shape, size, x.data, false);
}

/** Its gradient with respect to x (of shape xShape): each output gradient spread back with its forward weights. */
export function upSampleBilinearGrad(dy: Tensor, xShape: readonly number[], size: readonly [number, number]): Tensor {
  expectImages(xShape);
  const [n, h, w, c] = xShape;
  checkShape('upSampleBilinear dy', dy.shape, [n, h * size[0], w * size[1], c]);
  return bilinear(xShape, size, dy.data, true);
}
