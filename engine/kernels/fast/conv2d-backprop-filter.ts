import { tensor, type Tensor } from '../../core/tensor';
import { checkShape, convGeometry } from '../geometry';
import type { ConvParams } from '../types';
import { convFlops, writeGeometry } from './conv-block';
import { runShared, threadsFor, type WasmRuntime } from './runtime';

/**
 * Partial sums over a fixed number of stripes of blocks (not one per thread), added up in stripe order: floating-point
 * addition isn't associative, and a thread-dependent split would make two runs with the same seed differ.
 */
export const FILTER_GRAD_STRIPES = 4;

/** dW = Σ over blocks of im2col(x)ᵀ · dy, in FILTER_GRAD_STRIPES deterministic partial sums. */
export function fastConv2dBackpropFilter(rt: WasmRuntime, x: Tensor, dy: Tensor, filterShape: readonly number[], p: ConvParams): Tensor {
  const g = convGeometry(x.shape, filterShape, p);
  const outC = filterShape[3];
  checkShape('conv2d dy', dy.shape, [g.batch, g.outH, g.outW, outC]);
  const k = g.kh * g.kw * g.inC;
  const { arena } = rt;
  arena.reset();
  const geo = writeGeometry(arena, g, outC);
  const px = arena.copyIn(x.data);
  const pdy = arena.copyIn(dy.data);
  const block = rt.constant('BLOCK'), scratch = rt.constant('MC') * rt.constant('KC');
  const packedDy = rt.call('packedBSize', block, outC);
  const size = k * outC;
  const stripes = FILTER_GRAD_STRIPES;
  const partials = arena.alloc(size * stripes);
  const counter = arena.alloc(1);
  runShared(rt, Math.min(stripes, threadsFor(rt, convFlops(g, outC))), counter, () => ({
    fn: 'conv2dBackpropFilter',
    args: [geo, px, pdy, partials, stripes, counter, arena.alloc(block * k), arena.alloc(scratch), arena.alloc(packedDy), arena.alloc(32)],
  }));
  const dw = arena.copyOut(partials, size);
  const mem = arena.f32();
  for (let s = 1; s < stripes; s++) {
    const base = (partials >> 2) + s * size;
    for (let i = 0; i < size; i++) dw[i] += mem[base + i];
  }
  return tensor([...filterShape], dw);
}
