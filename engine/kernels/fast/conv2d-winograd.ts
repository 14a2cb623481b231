import type { WindowGeometry } from '../geometry';
import { ACTIVATION_CODE } from './bias-add';
import { runShared, type WasmRuntime } from './runtime';

/**
 * When the forward conv takes a Winograd kernel (engine/kernels/wasm/winograd.ts, winograd4.ts): 3×3 filters at
 * stride 1 without dilation (the common CNN layer), channel counts in whole SIMD vectors. Measured ahead of the
 * other kernels from 4 input channels up (1.25× at 4, 1.4× at 32 and 2× at 128 channels, one thread).
 */
export function winogradApplies(g: WindowGeometry, outC: number): boolean {
  return (
    g.kh === 3 &&
    g.kw === 3 &&
    g.sh === 1 &&
    g.sw === 1 &&
    g.dh === 1 &&
    g.dw === 1 &&
    g.inC % 4 === 0 &&
    outC % 4 === 0
  );
}

/**
 * Which Winograd tiling: F(4×4, 3×3), 36 multiplies per 4×4 outputs (1.78× fewer than F(2×2, 3×3)) with heavier
 * transforms, measured 1.3–2.5× faster from 4 channels up (one thread, 26×26 outputs), and even at 8×8 outputs; below
 * 6×6 outputs its 4×4 tiles waste as much as they save, so F(2×2, 3×3) there.
 */
export function winogradTile(g: WindowGeometry): 2 | 4 {
  return g.outH >= 6 && g.outW >= 6 ? 4 : 2;
}

/** A bias (its address in wasm memory, 0: none) and an activation code (ACT_* of wasm/elementwise.ts). */
export interface WasmEpilogue {
  bias: number;
  kind: number;
}

/**
 * Runs the Winograd forward kernel for geometry `g` (3×3, stride 1; see winogradApplies) over the input at `px`
 * into `py`: transforms and packs the filter, hands each thread its scratch and lets them claim blocks of tiles.
 * F(4×4, 3×3) applies the epilogue as it stores; returns whether it did (F(2×2, 3×3) leaves it to the caller).
 * `turned`: `filter` is the forward filter of the input gradient (3 × 3 × g.outC' × g.inC', see backpropInputAsConv),
 * which the transform reads turned 180° and the packing transposed.
 */
export function runWinograd(
  rt: WasmRuntime,
  g: WindowGeometry,
  outC: number,
  geo: number,
  px: number,
  filter: Float32Array,
  py: number,
  threads: number,
  epilogue: WasmEpilogue = { bias: 0, kind: ACTIVATION_CODE.linear as number },
  turned = false,
): boolean {
  const { arena } = rt;
  const npad = Math.ceil(outC / rt.constant('NR')) * rt.constant('NR');
  const zeros = arena.zeros(g.inC);
  const tile = winogradTile(g);
  const u = packWinogradFilter(rt, filter, g.inC, outC, tile, turned);
  if (tile === 4) {
    const wt = rt.constant('WT4');
    runShared(rt, threads, (_, ctx) => ({
      fn: 'conv2dWinograd4',
      args: [
        geo,
        px,
        u,
        py,
        ctx,
        zeros,
        arena.alloc(36 * wt * g.inC),
        arena.alloc(Math.max(36 * g.inC, 96)),
        arena.alloc(36 * wt * npad),
        epilogue.bias,
        epilogue.kind,
      ],
    }));
    return true;
  }
  const { v, m } = winogradScratch(rt.constant('WT'), g.inC, npad);
  runShared(rt, threads, (_, ctx) => ({
    fn: 'conv2dWinograd',
    args: [geo, px, u, py, ctx, zeros, arena.alloc(v), arena.alloc(m)],
  }));
  return false;
}

/**
 * The filter work of a convolution (transform, packing) shares the threads from this many floats written: a serial
 * transform and packing of 3×3×256×256 took 5.9 ms of a 53 ms forward pass on two threads (and 9.1 of 50 with the
 * JavaScript turn of the input gradient), which 16 threads would have made a third of the pass.
 */
export const PARALLEL_FILTER_FLOATS = 1 << 15;

/** Scratch floats one thread needs: the transformed input block (+ the transform's own 16 rows), the GEMM results. */
export function winogradScratch(wt: number, inC: number, npad: number): { v: number; m: number } {
  return { v: 16 * wt * inC + 16 * inC, m: 16 * wt * npad };
}

/**
 * Floats of the filter plane (inC · outC) per claimed unit of the filter transform: about 4 units per thread, from
 * 64 floats (a few microseconds) up to 1024. With a fixed 1024 a 32 → 32 filter was one unit, all of it on one of
 * 16 threads (the partition study's balance: 7%).
 */
export function filterUnit(floats: number, threads: number): number {
  return Math.min(1024, Math.max(64, Math.ceil(floats / (4 * threads) / 4) * 4));
}

/**
 * Copies the filter in, transforms it (G W Gᵀ: 16 or 36 matrices of inC × outC) and packs each ξ's matrix as GEMM
 * panels (`turned`: the filter turned 180°, each matrix transposed); returns their address. Threaded when large.
 */
function packWinogradFilter(
  rt: WasmRuntime,
  filter: Float32Array,
  inC: number,
  outC: number,
  tile: 2 | 4,
  turned: boolean,
): number {
  const { arena } = rt;
  const positions = tile === 4 ? 36 : 16;
  const size = inC * outC;
  const npad = Math.ceil(outC / rt.constant('NR')) * rt.constant('NR');
  const threads = positions * inC * npad >= PARALLEL_FILTER_FLOATS ? rt.pool.size : 1;
  const w = arena.copyIn(filter);
  const u = arena.alloc(positions * size);
  const flag = turned ? 1 : 0;
  const unit = filterUnit(size, threads);
  if (tile === 4) {
    const t = arena.alloc(18 * size);
    runShared(rt, threads, (_, ctx) => ({ fn: 'winogradFilter4Shared', args: [u, w, inC, outC, t, flag, ctx, unit] }));
  } else runShared(rt, threads, (_, ctx) => ({ fn: 'winogradFilterShared', args: [u, w, inC, outC, flag, ctx, unit] }));
  const packed = arena.alloc(positions * inC * npad);
  packFilterPanels(rt, packed, u, positions, inC, outC, turned, threads);
  return packed;
}

/**
 * `positions` k × n matrices at `u` as NR-column panels of all k rows (conv2dDirect's and the Winograd kernels'
 * layout), on `threads` threads (`transposed`: element (p, j) at u[j · k + p]).
 */
export function packFilterPanels(
  rt: WasmRuntime,
  packed: number,
  u: number,
  positions: number,
  k: number,
  n: number,
  transposed: boolean,
  threads: number,
): void {
  runShared(rt, threads, (_, ctx) => ({
    fn: 'packFilterPanelsShared',
    args: [packed, u, positions, k, n, transposed ? 1 : 0, ctx],
  }));
}

/**
 * The 3×3 stride-1 input gradient as a forward conv the Winograd kernel can run: dx is dy correlated with the filter
 * turned 180° and transposed (W'[ky][kx][o][c] = W[2 − ky][2 − kx][c][o]), padded by 2 − pad before. The kernel
 * reads W itself that way (runWinograd's `turned`): no turned copy is made.
 */
export function backpropInputAsConv(g: WindowGeometry, outC: number): WindowGeometry {
  return {
    ...g,
    inH: g.outH,
    inW: g.outW,
    inC: outC,
    outH: g.inH,
    outW: g.inW,
    padT: 2 - g.padT,
    padL: 2 - g.padL,
  };
}
