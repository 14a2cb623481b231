import { tensor, type Tensor } from '../../core/tensor';
import { depthwiseGeometry } from '../depthwise-conv2d';
import { checkShape, forEachConvTap, type WindowGeometry } from '../geometry';
import type { ConvParams } from '../types';

/**
 * Depthwise convolution in tight TypeScript loops (channels innermost, one callback per tap rather than per element
 * as the reference has). Work per output is only kh·kw·m multiply-adds, so wasm would spend as long copying as computing.
 * mode 'forward': out[o] += x·f; 'input': dx += dy·f; 'filter': df += x·dy — the same traversal for all three.
 */
function traverse(
  g: WindowGeometry,
  m: number,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  mode: 'forward' | 'input' | 'filter',
): void {
  const C = g.inC,
    cout = C * m;
  forEachConvTap(g, cout, cout, (xi, fi, o) => {
    if (m === 1) {
      // The common case (depth_multiplier 1): input channel k feeds output channel k.
      if (mode === 'forward') for (let k = 0; k < C; k++) out[o + k] += a[xi + k] * b[fi + k];
      else if (mode === 'input') for (let k = 0; k < C; k++) out[xi + k] += a[o + k] * b[fi + k];
      else for (let k = 0; k < C; k++) out[fi + k] += a[xi + k] * b[o + k];
    } else if (mode === 'forward') for (let k = 0; k < cout; k++) out[o + k] += a[xi + ((k / m) | 0)] * b[fi + k];
    else if (mode === 'input') for (let k = 0; k < cout; k++) out[xi + ((k / m) | 0)] += a[o + k] * b[fi + k];
    else for (let k = 0; k < cout; k++) out[fi + k] += a[xi + ((k / m) | 0)] * b[o + k];
  });
}

export function fastDepthwiseConv2d(x: Tensor, filter: Tensor, p: ConvParams): Tensor {
  const g = depthwiseGeometry(x.shape, filter.shape, p);
  const m = filter.shape[3];
  const out = new Float32Array(g.batch * g.outH * g.outW * g.inC * m);
  traverse(g, m, x.data, filter.data, out, 'forward');
  return tensor([g.batch, g.outH, g.outW, g.inC * m], out);
}

export function fastDepthwiseConv2dBackpropInput(
  dy: Tensor,
  filter: Tensor,
  xShape: readonly number[],
  p: ConvParams,
): Tensor {
  const g = depthwiseGeometry(xShape, filter.shape, p);
  const m = filter.shape[3];
  checkShape('depthwise dy', dy.shape, [g.batch, g.outH, g.outW, g.inC * m]);
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  traverse(g, m, dy.data, filter.data, dx, 'input');
  return tensor([...xShape], dx);
}

export function fastDepthwiseConv2dBackpropFilter(
  x: Tensor,
  dy: Tensor,
  filterShape: readonly number[],
  p: ConvParams,
): Tensor {
  const g = depthwiseGeometry(x.shape, filterShape, p);
  const m = filterShape[3];
  checkShape('depthwise dy', dy.shape, [g.batch, g.outH, g.outW, g.inC * m]);
  const df = new Float32Array(g.kh * g.kw * g.inC * m);
  traverse(g, m, x.data, dy.data, df, 'filter');
  return tensor([...filterShape], df);
}
