import type { WindowGeometry } from '../geometry';
import type { Arena } from './arena';
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
 * into `py`: packs the filter, hands each thread its scratch and lets them claim blocks of tiles. F(4×4, 3×3) applies
 * the epilogue as it stores; returns whether it did (F(2×2, 3×3) leaves it to the caller).
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
): boolean {
  const { arena } = rt;
  const npad = Math.ceil(outC / rt.constant('NR')) * rt.constant('NR');
  const zeros = arena.zeros(g.inC);
  if (winogradTile(g) === 4) {
    const u = packWinograd4Filter(arena, rt.call, filter, g.inC, outC, npad);
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
  const u = packWinogradFilter(arena, rt.call, filter, g.inC, outC, npad);
  const { v, m } = winogradScratch(rt.constant('WT'), g.inC, npad);
  runShared(rt, threads, (_, ctx) => ({
    fn: 'conv2dWinograd',
    args: [geo, px, u, py, ctx, zeros, arena.alloc(v), arena.alloc(m)],
  }));
  return false;
}

/** F(4×4, 3×3)'s filter: G W Gᵀ (36 matrices inC × outC), each packed as GEMM panels; returns their address. */
function packWinograd4Filter(
  arena: Arena,
  call: (fn: string, ...args: number[]) => number,
  filter: Float32Array,
  inC: number,
  outC: number,
  npad: number,
): number {
  const u = arena.alloc(36 * inC * outC);
  call('winogradFilter4', u, arena.copyIn(filter), inC, outC, arena.alloc(18 * inC * outC));
  const packed = arena.alloc(36 * inC * npad);
  for (let xi = 0; xi < 36; xi++)
    call('packFilterPanels', packed + xi * inC * npad * 4, u + xi * inC * outC * 4, inC, outC);
  return packed;
}

/** Scratch floats one thread needs: the transformed input block (+ the transform's own 16 rows), the GEMM results. */
export function winogradScratch(wt: number, inC: number, npad: number): { v: number; m: number } {
  return { v: 16 * wt * inC + 16 * inC, m: 16 * wt * npad };
}

/** Copies the filter in, transforms it (G W Gᵀ) and packs each ξ's inC × outC matrix as GEMM panels; returns their address. */
export function packWinogradFilter(
  arena: Arena,
  call: (fn: string, ...args: number[]) => number,
  filter: Float32Array,
  inC: number,
  outC: number,
  npad: number,
): number {
  const u = arena.alloc(16 * inC * outC);
  call('winogradFilter', u, arena.copyIn(filter), inC, outC);
  const packed = arena.alloc(16 * inC * npad);
  for (let xi = 0; xi < 16; xi++)
    call('packFilterPanels', packed + xi * inC * npad * 4, u + xi * inC * outC * 4, inC, outC);
  return packed;
}

/**
 * The 3×3 stride-1 input gradient as a forward conv the Winograd kernel can run: dx is dy correlated with the filter
 * turned 180° and transposed (W'[ky][kx][o][c] = W[2 − ky][2 − kx][c][o]), padded by 2 − pad before.
 */
export function backpropInputAsConv(
  g: WindowGeometry,
  outC: number,
  filter: Float32Array,
): { geometry: WindowGeometry; filter: Float32Array } {
  const { inC } = g;
  const flipped = new Float32Array(filter.length);
  for (let t = 0; t < 9; t++) {
    const src = (8 - t) * inC * outC,
      dst = t * outC * inC;
    for (let c = 0; c < inC; c++)
      for (let o = 0; o < outC; o++) flipped[dst + o * inC + c] = filter[src + c * outC + o];
  }
  const geometry: WindowGeometry = {
    ...g,
    inH: g.outH,
    inW: g.outW,
    inC: outC,
    outH: g.inH,
    outW: g.inW,
    padT: 2 - g.padT,
    padL: 2 - g.padL,
  };
  return { geometry, filter: flipped };
}
