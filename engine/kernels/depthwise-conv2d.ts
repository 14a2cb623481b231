import { tensor, type Tensor } from '../core/tensor';
import { checkShape, forEachConvTap, windowGeometry, type WindowGeometry } from './geometry';
import type { ConvParams } from './types';

export function depthwiseGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  p: ConvParams,
): WindowGeometry {
  if (filterShape.length !== 4 || filterShape[2] !== xShape[3])
    throw new RangeError(
      `depthwise filter [${filterShape}] does not match x [${xShape}]: expected [kh, kw, ${xShape[3]}, depth_multiplier]`,
    );
  return windowGeometry(xShape, filterShape[0], filterShape[1], p.strides, p.padding, p.dilations);
}

/**
 * Calls visit(xIndex, fIndex, outIndex) for every (input, tap, output) triple of a depthwise convolution, with
 * output channel c·m + j and filter [ky, kx, c, j], as TensorFlow lays them out. Forward and both gradients share it.
 */
export function forEachDepthwiseTap(
  g: WindowGeometry,
  m: number,
  visit: (xi: number, fi: number, oi: number) => void,
): void {
  const cout = g.inC * m;
  forEachConvTap(g, cout, cout, (xBase, fBase, o) => {
    for (let c = 0; c < g.inC; c++) for (let j = 0; j < m; j++) visit(xBase + c, fBase + c * m + j, o + c * m + j);
  });
}

export function depthwiseConv2d(x: Tensor, filter: Tensor, p: ConvParams): Tensor {
  const g = depthwiseGeometry(x.shape, filter.shape, p);
  const m = filter.shape[3];
  const out = new Float32Array(g.batch * g.outH * g.outW * g.inC * m);
  const X = x.data,
    F = filter.data;
  forEachDepthwiseTap(g, m, (xi, fi, oi) => {
    out[oi] += X[xi] * F[fi];
  });
  return tensor([g.batch, g.outH, g.outW, g.inC * m], out);
}

export function depthwiseConv2dBackpropInput(
  dy: Tensor,
  filter: Tensor,
  xShape: readonly number[],
  p: ConvParams,
): Tensor {
  const g = depthwiseGeometry(xShape, filter.shape, p);
  const m = filter.shape[3];
  checkShape('depthwise dy', dy.shape, [g.batch, g.outH, g.outW, g.inC * m]);
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  const D = dy.data,
    F = filter.data;
  forEachDepthwiseTap(g, m, (xi, fi, oi) => {
    dx[xi] += D[oi] * F[fi];
  });
  return tensor([...xShape], dx);
}

export function depthwiseConv2dBackpropFilter(
  x: Tensor,
  dy: Tensor,
  filterShape: readonly number[],
  p: ConvParams,
): Tensor {
  const g = depthwiseGeometry(x.shape, filterShape, p);
  const m = filterShape[3];
  checkShape('depthwise dy', dy.shape, [g.batch, g.outH, g.outW, g.inC * m]);
  const df = new Float32Array(g.kh * g.kw * g.inC * m);
  const X = x.data,
    D = dy.data;
  forEachDepthwiseTap(g, m, (xi, fi, oi) => {
    df[fi] += X[xi] * D[oi];
  });
  return tensor([...filterShape], df);
}
