import { convOutputLength, samePadding } from '../core/shape';
import type { ConvParams, Padding, PoolParams } from './types';

/** Everything a windowed NHWC kernel needs, computed once per call. */
export interface WindowGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  /** Padding before the first row/column; TensorFlow puts the odd extra one after (bottom/right). */
  padT: number;
  padL: number;
}

export function windowGeometry(
  xShape: readonly number[],
  kh: number,
  kw: number,
  strides: readonly [number, number],
  padding: Padding,
  dilations: readonly [number, number] = [1, 1],
): WindowGeometry {
  if (xShape.length !== 4) throw new RangeError(`expected an NHWC tensor of rank 4, got shape [${xShape}]`);
  const [batch, inH, inW, inC] = xShape;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const outH = convOutputLength(inH, kh, sh, padding, dh) as number;
  const outW = convOutputLength(inW, kw, sw, padding, dw) as number;
  if (outH <= 0 || outW <= 0)
    throw new RangeError(
      `window (${kh}, ${kw}) with dilation (${dh}, ${dw}) is larger than the input (${inH}, ${inW})`,
    );
  const padT = padding === 'same' ? samePadding(inH, kh, sh, dh)[0] : 0;
  const padL = padding === 'same' ? samePadding(inW, kw, sw, dw)[0] : 0;
  return { batch, inH, inW, inC, outH, outW, kh, kw, sh, sw, dh, dw, padT, padL };
}

export function convGeometry(xShape: readonly number[], filterShape: readonly number[], p: ConvParams): WindowGeometry {
  if (filterShape.length !== 4)
    throw new RangeError(`expected a filter [kh, kw, c_in, c_out], got shape [${filterShape}]`);
  if (filterShape[2] !== xShape[3])
    throw new RangeError(
      `filter [${filterShape}] expects ${filterShape[2]} input channels but x [${xShape}] has ${xShape[3]}`,
    );
  return windowGeometry(xShape, filterShape[0], filterShape[1], p.strides, p.padding, p.dilations);
}

export function poolGeometry(xShape: readonly number[], p: PoolParams): WindowGeometry {
  return windowGeometry(xShape, p.poolSize[0], p.poolSize[1], p.strides, p.padding);
}

export function checkShape(what: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i]))
    throw new RangeError(`${what} has shape [${actual}] but [${expected}] was expected`);
}

/**
 * Calls visit(xBase, fBase, outBase) for every (output pixel, kernel tap) pair of a 2-D convolution whose tap falls
 * inside the input: xBase indexes the input pixel's channels, fBase the tap's slice of the filter (`tapSize` values:
 * c_in × c_out for Conv2D, c_in × depth_multiplier for a depthwise one), outBase the output pixel's `cout` channels.
 * Every convolution kernel, forward and both gradients, walks its taps through this one loop.
 */
export function forEachConvTap(
  g: WindowGeometry,
  cout: number,
  tapSize: number,
  visit: (xBase: number, fBase: number, outBase: number) => void,
): void {
  let o = 0;
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++, o += cout)
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = oy * g.sh - g.padT + ky * g.dh;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = ox * g.sw - g.padL + kx * g.dw;
            if (ix < 0 || ix >= g.inW) continue;
            visit(((b * g.inH + iy) * g.inW + ix) * g.inC, (ky * g.kw + kx) * tapSize, o);
          }
        }
}
