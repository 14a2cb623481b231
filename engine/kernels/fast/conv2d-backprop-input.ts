import { tensor, type Tensor } from '../../core/tensor';
import { checkShape, convGeometry, type WindowGeometry } from '../geometry';
import type { ConvParams } from '../types';
import { convFlops, writeGeometry } from './conv-block';
import { backpropInputAsConv, PARALLEL_FILTER_FLOATS, runWinograd, winogradApplies } from './conv2d-winograd';
import { runShared, threadsFor, type WasmRuntime } from './runtime';

/**
 * dx for 3×3 stride-1 filters: the Winograd forward kernel over dy with the turned filter; otherwise col2im(dy · Wᵀ)
 * block by block, threads claiming whole images, whose input positions don't overlap.
 */
export function fastConv2dBackpropInput(
  rt: WasmRuntime,
  dy: Tensor,
  filter: Tensor,
  xShape: readonly number[],
  p: ConvParams,
): Tensor {
  const g = convGeometry(xShape, filter.shape, p);
  const outC = filter.shape[3];
  checkShape('conv2d dy', dy.shape, [g.batch, g.outH, g.outW, outC]);
  if (winogradApplies(g, outC)) return winogradBackpropInput(rt, dy, filter, g, outC, xShape);
  const k = g.kh * g.kw * g.inC;
  const { arena } = rt;
  arena.reset();
  const size = g.batch * g.inH * g.inW * g.inC;
  const pdx = arena.output(size);
  const geo = writeGeometry(arena, g, outC);
  const pdy = arena.copyIn(dy.data);
  const pw = arena.copyIn(filter.data);
  // Wᵀ as the k×n operand (outC × K): element (o, j) of Wᵀ is w[j·outC + o].
  const packedSize = rt.call('packedBSize', outC, k);
  const packed = arena.alloc(packedSize);
  const packThreads = packedSize >= PARALLEL_FILTER_FLOATS ? rt.pool.size : 1;
  runShared(rt, packThreads, (_, ctx) => ({ fn: 'packBShared', args: [packed, pw, 1, outC, outC, k, ctx] }));
  const block = rt.constant('BLOCK'),
    scratch = rt.constant('MC') * rt.constant('KC');
  runShared(rt, Math.min(g.batch, threadsFor(rt, convFlops(g, outC))), (_, ctx) => ({
    fn: 'conv2dBackpropInput',
    args: [geo, pdy, packed, pdx, ctx, arena.alloc(block * k), arena.alloc(scratch), arena.alloc(32)],
  }));
  return tensor([...xShape], arena.result(pdx, size));
}

function winogradBackpropInput(
  rt: WasmRuntime,
  dy: Tensor,
  filter: Tensor,
  g: WindowGeometry,
  outC: number,
  xShape: readonly number[],
): Tensor {
  const geometry = backpropInputAsConv(g, outC);
  const { arena } = rt;
  arena.reset();
  const size = g.batch * g.inH * g.inW * g.inC;
  const pdx = arena.output(size);
  const geo = writeGeometry(arena, geometry, g.inC);
  const pdy = arena.copyIn(dy.data);
  const threads = threadsFor(rt, convFlops(g, outC));
  runWinograd(rt, geometry, g.inC, geo, pdy, filter.data, pdx, threads, undefined, true);
  return tensor([...xShape], arena.result(pdx, size));
}
