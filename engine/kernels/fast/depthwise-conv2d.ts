import { tensor, type Tensor } from '../../core/tensor';
import {
  depthwiseConv2d as referenceDepthwise,
  depthwiseConv2dBackpropFilter as referenceBackpropFilter,
  depthwiseConv2dBackpropInput as referenceBackpropInput,
  depthwiseGeometry,
} from '../depthwise-conv2d';
import { checkShape, type WindowGeometry } from '../geometry';
import type { ConvParams } from '../types';
import { writeGeometry } from './conv-block';
import { runRows, runShared, threadsFor, worthWasm, type WasmRuntime } from './runtime';

/**
 * Depthwise convolution in wasm SIMD on the pool (engine/kernels/wasm/depthwise.ts): channels as lanes, threads
 * claiming rows, the filter gradient in fixed stripes. A depth_multiplier m > 1 runs as m = 1 on the input's channels
 * repeated m times (output channel c·m + j reads input channel c, and the filter [kh, kw, C, m] read flat is
 * [kh, kw, C·m]); its input gradient sums each channel's m repeats back. In TypeScript loops a 32×28×28×128 3×3
 * forward pass took 238 ms on one thread, and m = 2 on 64×28×28×32 158 ms per pass.
 */

/** Below this many input values the copies into wasm memory cost more than the kernel saves. */
const SMALL = 1024;

const depthwiseFlops = (g: WindowGeometry, m: number) => 2 * g.batch * g.outH * g.outW * g.kh * g.kw * g.inC * m;

/** The geometry of the m = 1 convolution over the repeated channels. */
const repeated = (g: WindowGeometry, m: number): WindowGeometry => ({ ...g, inC: g.inC * m });

/** Address of x's channels repeated m times (x's own address for m = 1), in this call's scratch. */
function repeatIn(rt: WasmRuntime, x: Float32Array, pixels: number, c: number, m: number): number {
  const px = rt.arena.copyIn(x);
  if (m === 1) return px;
  const out = rt.arena.alloc(pixels * c * m);
  runRows(rt, pixels * c * m, 'repeatChannels', (ctx) => [px, out, pixels, c, m, ctx]);
  return out;
}

export function fastDepthwiseConv2d(rt: WasmRuntime, x: Tensor, filter: Tensor, p: ConvParams): Tensor {
  if (!worthWasm(rt, x.data, SMALL)) return referenceDepthwise(x, filter, p);
  const g = depthwiseGeometry(x.shape, filter.shape, p);
  const m = filter.shape[3];
  const gm = repeated(g, m);
  const size = g.batch * g.outH * g.outW * gm.inC;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(size);
  const geo = writeGeometry(arena, gm, gm.inC);
  const pw = arena.copyIn(filter.data);
  const px = repeatIn(rt, x.data, g.batch * g.inH * g.inW, g.inC, m);
  runShared(rt, threadsFor(rt, depthwiseFlops(g, m)), (_, ctx) => ({
    fn: 'depthwiseForward',
    args: [geo, px, pw, out, arena.alloc(2 * g.kh * g.kw), ctx],
  }));
  return tensor([g.batch, g.outH, g.outW, gm.inC], arena.result(out, size));
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
  if (!worthWasm(rt, dy.data, SMALL)) return referenceBackpropInput(dy, filter, xShape, p);
  const gm = repeated(g, m);
  const pixels = g.batch * g.inH * g.inW;
  const size = pixels * g.inC;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(size);
  const geo = writeGeometry(arena, gm, gm.inC);
  const pdy = arena.copyIn(dy.data),
    pw = arena.copyIn(filter.data);
  // m > 1: the gradient of the repeated input first, then each channel's m repeats summed.
  const dxr = m === 1 ? out : arena.alloc(size * m);
  runShared(rt, threadsFor(rt, depthwiseFlops(g, m)), (_, ctx) => ({
    fn: 'depthwiseBackpropInput',
    args: [geo, pdy, pw, dxr, arena.alloc(2 * g.kh * g.kw), ctx],
  }));
  if (m > 1) runRows(rt, size * m, 'sumChannelGroups', (ctx) => [dxr, out, pixels, g.inC, m, ctx]);
  return tensor([...xShape], arena.result(out, size));
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
  if (!worthWasm(rt, x.data, SMALL)) return referenceBackpropFilter(x, dy, filterShape, p);
  const gm = repeated(g, m);
  const size = g.kh * g.kw * gm.inC;
  // Stripes of output rows, the shape alone deciding how many: the same sums on any thread count.
  const stripes = Math.min(rt.constant('SMALL_STRIPES'), g.batch * g.outH);
  const { arena } = rt;
  arena.reset();
  const out = arena.output(size);
  const geo = writeGeometry(arena, gm, gm.inC);
  const pdy = arena.copyIn(dy.data);
  const px = repeatIn(rt, x.data, g.batch * g.inH * g.inW, g.inC, m);
  const partials = arena.alloc(size * stripes);
  const threads = Math.min(stripes, threadsFor(rt, depthwiseFlops(g, m)));
  runShared(rt, threads, (_, ctx) => ({
    fn: 'depthwiseBackpropFilter',
    args: [geo, px, pdy, partials, stripes, ctx],
  }));
  runShared(rt, 1, (_, ctx) => ({ fn: 'addStripes', args: [partials, size, stripes, out, ctx] }));
  return tensor([...filterShape], arena.result(out, size));
}
