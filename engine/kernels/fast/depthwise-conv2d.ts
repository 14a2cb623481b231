import { tensor, type Tensor } from '../../core/tensor';
import { depthwiseGeometry } from '../depthwise-conv2d';
import { checkShape, forEachConvTap, type WindowGeometry } from '../geometry';
import type { ConvParams } from '../types';
import { writeGeometry } from './conv-block';
import { runShared, threadsFor, worthWasm, type WasmRuntime } from './runtime';

/**
 * Depthwise convolution. depth_multiplier 1 (MobileNet's, Xception's, EfficientNet's layers) runs in wasm SIMD on the
 * pool (engine/kernels/wasm/depthwise.ts): channels as lanes, threads claiming rows, the filter gradient in fixed
 * stripes. In the TypeScript loops below a 32×28×28×128 3×3 forward pass took 238 ms on one thread; other multipliers
 * still take them.
 */

/** Below this many input values the copies into wasm memory cost more than the kernel saves. */
const SMALL = 1024;

/** Whether the wasm kernels take this convolution: one output channel per input channel, operands worth copying. */
function inWasm(rt: WasmRuntime, m: number, x: Float32Array): boolean {
  return m === 1 && worthWasm(rt, x, SMALL);
}

const depthwiseFlops = (g: WindowGeometry) => 2 * g.batch * g.outH * g.outW * g.kh * g.kw * g.inC;

/**
 * The TypeScript path (channels innermost, one callback per tap rather than per element as the reference has).
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

/**
 * The forward pass (src x, into the output's h × w pixels) or the input gradient (src dy, into x's): the wasm kernel
 * `fn` gathers each pixel's taps, threads claiming rows.
 */
function gather(
  rt: WasmRuntime,
  g: WindowGeometry,
  fn: 'depthwiseForward' | 'depthwiseBackpropInput',
  src: Tensor,
  filter: Tensor,
  h: number,
  w: number,
): Float32Array {
  const size = g.batch * h * w * g.inC;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(size);
  const geo = writeGeometry(arena, g, g.inC);
  const ps = arena.copyIn(src.data),
    pw = arena.copyIn(filter.data);
  runShared(rt, threadsFor(rt, depthwiseFlops(g)), (_, ctx) => ({
    fn,
    args: [geo, ps, pw, out, arena.alloc(2 * g.kh * g.kw), ctx],
  }));
  return arena.result(out, size);
}

export function fastDepthwiseConv2d(rt: WasmRuntime, x: Tensor, filter: Tensor, p: ConvParams): Tensor {
  const g = depthwiseGeometry(x.shape, filter.shape, p);
  const m = filter.shape[3];
  if (inWasm(rt, m, x.data))
    return tensor([g.batch, g.outH, g.outW, g.inC], gather(rt, g, 'depthwiseForward', x, filter, g.outH, g.outW));
  const out = new Float32Array(g.batch * g.outH * g.outW * g.inC * m);
  traverse(g, m, x.data, filter.data, out, 'forward');
  return tensor([g.batch, g.outH, g.outW, g.inC * m], out);
}

export function fastDepthwiseConv2dBackpropInput(
  rt: WasmRuntime,
  dy: Tensor,
  filter: Tensor,
  xShape: readonly number[],
  p: ConvParams,
): Tensor {
  const g = depthwiseGeometry(xShape, filter.shape, p);
  const m = filter.shape[3];
  checkShape('depthwise dy', dy.shape, [g.batch, g.outH, g.outW, g.inC * m]);
  if (inWasm(rt, m, dy.data))
    return tensor([...xShape], gather(rt, g, 'depthwiseBackpropInput', dy, filter, g.inH, g.inW));
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  traverse(g, m, dy.data, filter.data, dx, 'input');
  return tensor([...xShape], dx);
}

export function fastDepthwiseConv2dBackpropFilter(
  rt: WasmRuntime,
  x: Tensor,
  dy: Tensor,
  filterShape: readonly number[],
  p: ConvParams,
): Tensor {
  const g = depthwiseGeometry(x.shape, filterShape, p);
  const m = filterShape[3];
  checkShape('depthwise dy', dy.shape, [g.batch, g.outH, g.outW, g.inC * m]);
  if (inWasm(rt, m, x.data)) {
    const size = g.kh * g.kw * g.inC;
    // Stripes of output rows, the shape alone deciding how many: the same sums on any thread count.
    const stripes = Math.min(rt.constant('SMALL_STRIPES'), g.batch * g.outH);
    const { arena } = rt;
    arena.reset();
    const out = arena.output(size);
    const geo = writeGeometry(arena, g, g.inC);
    const px = arena.copyIn(x.data),
      pdy = arena.copyIn(dy.data);
    const partials = arena.alloc(size * stripes);
    const threads = Math.min(stripes, threadsFor(rt, depthwiseFlops(g)));
    runShared(rt, threads, (_, ctx) => ({
      fn: 'depthwiseBackpropFilter',
      args: [geo, px, pdy, partials, stripes, ctx],
    }));
    runShared(rt, 1, (_, ctx) => ({ fn: 'addStripes', args: [partials, size, stripes, out, ctx] }));
    return tensor([...filterShape], arena.result(out, size));
  }
  const df = new Float32Array(g.kh * g.kw * g.inC * m);
  traverse(g, m, x.data, dy.data, df, 'filter');
  return tensor([...filterShape], df);
}
