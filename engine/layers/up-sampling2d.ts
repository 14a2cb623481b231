import { defineLayer } from './define';
import { expectImage } from './spatial';
import { joinArgs, pair, tupleText } from './fields';
import type { Tensor } from '../core/tensor';

export const UpSampling2D = defineLayer({
  className: 'UpSampling2D',
  group: 'Reshaping',
  description: 'Repeats rows and columns to enlarge each image by an integer factor.',
  arity: 'one',
  keras: {
    args: ['size', 'data_format', 'interpolation'],
  },
  fields: {
    size: pair([2, 2], 'Factor along height and width.'),
    interpolation: {
      type: 'enum',
      options: ['nearest', 'bilinear'],
      default: 'nearest',
      doc: 'How new pixels are filled.',
    },
  },
  outputShape(config, [input]) {
    const bad = expectImage('UpSampling2D', input);
    if (bad) return bad;
    const [sh, sw] = config.size;
    return [input[0], input[1] === null ? null : input[1] * sh, input[2] === null ? null : input[2] * sw, input[3]];
  },
  keyArgs: (config) =>
    joinArgs(tupleText(config.size), config.interpolation !== 'nearest' && String(config.interpolation)),
  // 'nearest' (the default) on the backend's kernels (wasm, threaded); bilinear here.
  forward(ctx, config, [x]) {
    if (config.interpolation === 'nearest') return { output: ctx.backend.upSampleNearest(x, size(config.size)) };
    return { output: resize(x, config.size, config.interpolation, null) };
  },
  backward(ctx, config, dy, { inputs: [x] }) {
    if (config.interpolation === 'nearest') return { inputs: [ctx.backend.upSampleNearestGrad(dy, size(config.size))] };
    return { inputs: [resize(x, config.size, config.interpolation, dy)] };
  },
});

const size = (s: readonly number[]): [number, number] => [s[0], s[1]];

/** For one output row/column: the two source indices and the weight of the second (TF's half-pixel bilinear). */
function taps(outSize: number, inSize: number, factor: number, nearest: boolean) {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    if (nearest) {
      lo[o] = hi[o] = Math.floor(o / factor);
      continue;
    }
    const src = (o + 0.5) / factor - 0.5;
    const f = Math.floor(src);
    lo[o] = Math.max(f, 0);
    hi[o] = Math.min(Math.ceil(src), inSize - 1);
    frac[o] = src - f;
  }
  return { lo, hi, frac };
}

/**
 * Forward (dy null): the enlarged image. Backward (dy given): each output gradient spread back onto the source
 * pixels with the same weights.
 */
function resize(x: Tensor, [sh, sw]: number[], interpolation: string, dy: Tensor | null): Tensor {
  const [n, h, w, c] = x.shape;
  const oh = h * sh;
  const ow = w * sw;
  const nearest = interpolation === 'nearest';
  const rows = taps(oh, h, sh, nearest);
  const cols = taps(ow, w, sw, nearest);
  const out = new Float32Array(dy ? x.data.length : n * oh * ow * c);
  const src = x.data;
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
          if (dy) for (let t = 0; t < 4; t++) out[at[t] + ch] += weights[t] * dy.data[o + ch];
          else
            out[o + ch] =
              weights[0] * src[at[0] + ch] +
              weights[1] * src[at[1] + ch] +
              weights[2] * src[at[2] + ch] +
              weights[3] * src[at[3] + ch];
        }
      }
    }
  return { shape: dy ? [...x.shape] : [n, oh, ow, c], data: out };
}
