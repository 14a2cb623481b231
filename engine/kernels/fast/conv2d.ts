import { tensor, type Tensor } from '../../core/tensor';
import { convGeometry, type WindowGeometry } from '../geometry';
import type { ConvEpilogue, ConvParams } from '../types';
import { ACTIVATION_CODE, fastBiasActivation } from './bias-add';
import { convFlops, writeGeometry } from './conv-block';
import { PARALLEL_FILTER_FLOATS, packFilterPanels, runWinograd, winogradApplies } from './conv2d-winograd';
import { runShared, threadsFor, type WasmRuntime } from './runtime';

/**
 * From this many input channels a tap's channels are a long enough contiguous run for the direct kernel to read the
 * input in place; below it the per-tap overhead outweighs the packing it saves (measured on 3×3 filters, 32 output
 * channels: im2col + GEMM ahead up to 8 channels, even at 16–24, the direct kernel 10% ahead from 32).
 */
export const DIRECT_MIN_CHANNELS = 32;

/**
 * Up to this many input channels (grey and RGB images, a network's first layer) the pixel-by-pixel kernel
 * (wasm/conv-small.ts) runs ahead of im2col + GEMM, whose packing of such short rows costs more than the multiplies.
 */
export const SMALL_MAX_CHANNELS = 4;

export type ForwardPath = 'winograd' | 'small' | 'direct' | 'im2col';

export function forwardPath(g: WindowGeometry, outC: number): ForwardPath {
  if (winogradApplies(g, outC)) return 'winograd';
  if (g.inC <= SMALL_MAX_CHANNELS && outC % 4 === 0) return 'small';
  return g.inC >= DIRECT_MIN_CHANNELS ? 'direct' : 'im2col';
}

/**
 * Conv2D forward. 3×3 at stride 1 (channels in whole vectors): Winograd F(4×4, 3×3), 4× fewer multiplies (F(2×2, 3×3),
 * 2.25×, on small outputs). Up to 4 input channels: tap by tap per pixel with the bias and activation fused. Other
 * shapes with many input channels: the direct kernel (register tiles reading NHWC input in place, filter packed once
 * per call); the rest: fused im2col per block of output pixels + the packed GEMM. Threads claim blocks.
 */
export function fastConv2d(rt: WasmRuntime, x: Tensor, filter: Tensor, p: ConvParams, epilogue?: ConvEpilogue): Tensor {
  const g = convGeometry(x.shape, filter.shape, p);
  const outC = filter.shape[3];
  const rows = g.batch * g.outH * g.outW;
  const { arena } = rt;
  arena.reset();
  const py = arena.output(rows * outC);
  const geo = writeGeometry(arena, g, outC);
  const px = arena.copyIn(x.data);
  const threads = threadsFor(rt, convFlops(g, outC));
  const path = forwardPath(g, outC);
  const fused = !epilogue?.bias || epilogue.bias.length === outC;
  // A fused epilogue: the bias and activation go in before the store, no second pass over the output.
  const pb = fused && epilogue?.bias ? arena.copyIn(epilogue.bias) : 0;
  const kind = ACTIVATION_CODE[epilogue?.activation ?? 'linear'] as number;
  if (path === 'winograd' && fused) {
    const applied = runWinograd(rt, g, outC, geo, px, filter.data, py, threads, { bias: pb, kind });
    const y = tensor([g.batch, g.outH, g.outW, outC], arena.result(py, rows * outC));
    return applied ? y : applyEpilogue(rt, y, epilogue);
  }
  if (path === 'small' && fused) {
    const pw = arena.copyIn(filter.data);
    const taps: number[] = [];
    for (let ky = 0; ky < g.kh; ky++)
      for (let kx = 0; kx < g.kw; kx++)
        for (let c = 0; c < g.inC; c++) taps.push(((ky * g.dh * g.inW + kx * g.dw) * g.inC + c) * 4);
    const pt = arena.ints32(taps);
    runShared(rt, threads, (_, ctx) => ({
      fn: 'conv2dSmallC',
      args: [geo, px, pw, pb, py, kind, 0, pt, arena.alloc(outC), ctx],
    }));
    return tensor([g.batch, g.outH, g.outW, outC], arena.result(py, rows * outC));
  }
  return applyEpilogue(rt, convPass(rt, g, outC, path, px, py, filter, threads, geo), epilogue);
}

function applyEpilogue(rt: WasmRuntime, y: Tensor, epilogue: ConvEpilogue | undefined): Tensor {
  return epilogue ? fastBiasActivation(rt, y, epilogue.bias, epilogue.activation) : y;
}

/** The forward pass on the Winograd, direct or im2col kernel, into py. */
function convPass(
  rt: WasmRuntime,
  g: WindowGeometry,
  outC: number,
  path: ForwardPath,
  px: number,
  py: number,
  filter: Tensor,
  threads: number,
  geo: number,
): Tensor {
  const { arena } = rt;
  const rows = g.batch * g.outH * g.outW;
  const k = g.kh * g.kw * g.inC;
  if (path === 'winograd') {
    runWinograd(rt, g, outC, geo, px, filter.data, py, threads);
    return tensor([g.batch, g.outH, g.outW, outC], arena.result(py, rows * outC));
  }
  const pw = arena.copyIn(filter.data);
  const size = rt.call('packedBSize', k, outC);
  const packed = arena.alloc(size);
  const packThreads = size >= PARALLEL_FILTER_FLOATS ? rt.pool.size : 1;
  if (path === 'direct') {
    packFilterPanels(rt, packed, pw, 1, k, outC, false, packThreads);
    const zeros = arena.zeros(g.inC);
    runShared(rt, threads, (_, ctx) => ({
      fn: 'conv2dDirect',
      args: [geo, px, packed, py, ctx, zeros, arena.alloc(32)],
    }));
  } else {
    runShared(rt, packThreads, (_, ctx) => ({ fn: 'packBShared', args: [packed, pw, outC, 1, k, outC, ctx] }));
    // Each thread packs im2col rows straight into its packed-A buffer: BLOCK pixels × KC columns.
    const scratch = rt.constant('BLOCK') * rt.constant('KC');
    runShared(rt, threads, (_, ctx) => ({
      fn: 'conv2dForward',
      args: [geo, px, packed, py, ctx, arena.alloc(scratch), arena.alloc(32)],
    }));
  }
  return tensor([g.batch, g.outH, g.outW, outC], arena.result(py, rows * outC));
}
