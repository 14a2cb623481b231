import type { WindowGeometry } from '../geometry';
import type { Arena } from './arena';

/**
 * When the forward conv takes the Winograd F(2×2, 3×3) kernel (engine/kernels/wasm/winograd.ts): 3×3 filters at
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
