import { tensor, type Tensor } from '../../core/tensor';
import { convGeometry, type WindowGeometry } from '../geometry';
import type { ConvParams } from '../types';
import { convFlops, writeGeometry } from './conv-block';
import { runWinograd, winogradApplies } from './conv2d-winograd';
import { runShared, threadsFor, type WasmRuntime } from './runtime';

/**
 * From this many input channels a tap's channels are a long enough contiguous run for the direct kernel to read the
 * input in place; below it the per-tap overhead outweighs the packing it saves (measured on 3×3 filters, 32 output
 * channels: im2col + GEMM ahead up to 8 channels, even at 16–24, the direct kernel 10% ahead from 32).
 */
export const DIRECT_MIN_CHANNELS = 32;

export type ForwardPath = 'winograd' | 'direct' | 'im2col';

export function forwardPath(g: WindowGeometry, outC: number): ForwardPath {
  return winogradApplies(g, outC) ? 'winograd' : g.inC >= DIRECT_MIN_CHANNELS ? 'direct' : 'im2col';
}

/**
 * Conv2D forward. 3×3 at stride 1 (channels in whole vectors): Winograd F(4×4, 3×3), 4× fewer multiplies (F(2×2, 3×3),
 * 2.25×, on small outputs). Other shapes with many input channels: the direct kernel (register tiles reading NHWC
 * input in place, filter packed once per call). Few input channels: fused im2col per block of output pixels + the
 * packed GEMM. Threads claim blocks.
 */
export function fastConv2d(rt: WasmRuntime, x: Tensor, filter: Tensor, p: ConvParams): Tensor {
  const g = convGeometry(x.shape, filter.shape, p);
  const outC = filter.shape[3];
  const k = g.kh * g.kw * g.inC;
  const rows = g.batch * g.outH * g.outW;
  const { arena } = rt;
  arena.reset();
  const py = arena.output(rows * outC);
  const geo = writeGeometry(arena, g, outC);
  const px = arena.copyIn(x.data);
  const threads = threadsFor(rt, convFlops(g, outC));
  const path = forwardPath(g, outC);
  if (path === 'winograd') {
    runWinograd(rt, g, outC, geo, px, filter.data, py, threads);
    return tensor([g.batch, g.outH, g.outW, outC], arena.result(py, rows * outC));
  }
  const pw = arena.copyIn(filter.data);
  const packed = arena.alloc(rt.call('packedBSize', k, outC));
  const counter = arena.alloc(1);
  if (path === 'direct') {
    rt.call('packFilterPanels', packed, pw, k, outC);
    const zeros = arena.zeros(g.inC);
    runShared(rt, threads, counter, () => ({
      fn: 'conv2dDirect',
      args: [geo, px, packed, py, counter, zeros, arena.alloc(32)],
    }));
  } else {
    rt.call('packBFull', packed, pw, outC, 1, k, outC);
    // Each thread packs im2col rows straight into its packed-A buffer: BLOCK pixels × KC columns.
    const scratch = rt.constant('BLOCK') * rt.constant('KC');
    runShared(rt, threads, counter, () => ({
      fn: 'conv2dForward',
      args: [geo, px, packed, py, counter, arena.alloc(scratch), arena.alloc(32)],
    }));
  }
  return tensor([g.batch, g.outH, g.outW, outC], arena.result(py, rows * outC));
}
