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
  xShape: readonly number[], kh: number, kw: number, strides: readonly [number, number], padding: Padding,
  dilations: readonly [number, number] = [1, 1],
): WindowGeometry {
  if (xShape.length !== 4) throw new RangeError(`expected an NHWC tensor of rank 4, got shape [${xShape}]`);
  const [batch, inH, inW, inC] = xShape;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const outH = convOutputLength(inH, kh, sh, padding, dh) as number;
  const outW = convOutputLength(inW, kw, sw, padding, dw) as number;
  if (outH <= 0 || outW <= 0)
    throw new RangeError(`window (${kh}, ${kw}) with dilation (${dh}, ${dw}) is larger than the input (${inH}, ${inW})`);
  const padT = padding === 'same' ? samePadding(inH, kh, sh, dh)[0] : 0;
  const padL = padding === 'same' ? samePadding(inW, kw, sw, dw)[0] : 0;
  return { batch, inH, inW, inC, outH, outW, kh, kw, sh, sw, dh, dw, padT, padL };
}

export function convGeometry(xShape: readonly number[], filterShape: readonly number[], p: ConvParams): WindowGeometry {
  if (filterShape.length !== 4) throw new RangeError(`expected a filter [kh, kw, c_in, c_out], got shape [${filterShape}]`);
  if (filterShape[2] !== xShape[3])
    throw new RangeError(`filter [${filterShape}] expects ${filterShape[2]} input channels but x [${xShape}] has ${xShape[3]}`);
  return windowGeometry(xShape, filterShape[0], filterShape[1], p.strides, p.padding, p.dilations);
}

export function poolGeometry(xShape: readonly number[], p: PoolParams): WindowGeometry {
  return windowGeometry(xShape, p.poolSize[0], p.poolSize[1], p.strides, p.padding);
}

export function checkShape(what: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i]))
    throw new RangeError(`${what} has shape [${actual}] but [${expected}] was expected`);
}
