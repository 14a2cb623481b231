import { tensor, type Tensor } from '../../core/tensor';
import { checkShape, convGeometry, type WindowGeometry } from '../geometry';
import type { ConvParams } from '../types';
import { convFlops, writeGeometry } from './conv-block';
import { SMALL_MAX_CHANNELS } from './conv2d';
import { winogradApplies, winogradTile } from './conv2d-winograd';
import { PARALLEL_FLOATS, runShared, threadsFor, type WasmRuntime } from './runtime';

/**
 * Partial sums over a number of stripes of blocks that the shape alone decides (not one per thread), added up in
 * stripe order: floating-point addition isn't associative, and a thread-dependent split would make two runs with the
 * same seed differ. 16 stripes, enough for a 16-core desktop's threads (with 4, a 1×1, 5×5 or strided convolution's
 * filter gradient used 4 of them), while the partials fit in 4M floats and every stripe has a block of rows (zeroing
 * and adding a stripe's partial costs what 1/64 of a block's products do); never fewer than 4.
 */
export function im2colFilterStripes(k: number, outC: number, blocks: number): number {
  const stripes = Math.min(16, Math.floor(2 ** 22 / (k * outC)), blocks);
  return Math.max(4, stripes);
}

/**
 * Stripes of the Winograd filter gradient (positions·inC·outC floats each, 16 positions for F(3×3, 2×2), 36 for
 * F(3×3, 4×4)): 16 where they fit in 4M floats, which balances up to 16 threads; the shape alone decides, so every
 * thread count sums the same stripes. 0: too many channels, the im2col path then.
 */
export function winogradFilterStripes(inC: number, outC: number, positions: 16 | 36 = 16): number {
  const stripes = Math.min(16, Math.floor(2 ** 22 / (positions * inC * outC)));
  return stripes >= 4 ? stripes : 0;
}

/**
 * Runs of output channels each Winograd filter-gradient stripe is split into, so that `threads` threads have a
 * unit each where the stripes are fewer (the partial sums' 4M floats allow 7 stripes for 128 → 128 channels: 7 of 16
 * threads worked, the partition study's balance 58% on a VGG-style model). Each run transforms the input tiles again
 * (about 10/outC of its products), so runs stay 32 channels wide at least; one thread count or another, every value
 * is summed the same way (wasm/winograd4.ts conv2dWinograd4Filter, wasm/winograd.ts conv2dWinogradFilter).
 */
export function winogradFilterColumnBlocks(stripes: number, outC: number, threads: number): number {
  return Math.max(1, Math.min(Math.floor(threads / stripes), Math.floor(outC / 32)));
}

/**
 * dW. 3×3 stride-1 filters (channels in whole vectors): Winograd F(3×3, 4×4), 4× fewer multiplies (F(3×3, 2×2), 2.25×,
 * below 6×6 outputs); up to 4 input channels: output rows tap by tap; otherwise Σ over blocks of im2col(x)ᵀ · dy. All
 * in a fixed number of deterministic partial sums.
 */
export function fastConv2dBackpropFilter(
  rt: WasmRuntime,
  x: Tensor,
  dy: Tensor,
  filterShape: readonly number[],
  p: ConvParams,
): Tensor {
  const g = convGeometry(x.shape, filterShape, p);
  const outC = filterShape[3];
  checkShape('conv2d dy', dy.shape, [g.batch, g.outH, g.outW, outC]);
  if (winogradApplies(g, outC)) {
    const tile = winogradTile(g);
    const stripes = winogradFilterStripes(g.inC, outC, tile === 4 ? 36 : 16);
    if (stripes) return winogradBackpropFilter(rt, x, dy, g, outC, tile, stripes, filterShape);
  }
  if (g.inC <= SMALL_MAX_CHANNELS && outC % 4 === 0) return smallBackpropFilter(rt, x, dy, g, outC, filterShape);
  return im2colBackpropFilter(rt, x, dy, filterShape, p);
}

/**
 * Few input channels (a first layer): output rows streamed tap by tap with outC in registers
 * (wasm/conv-small.ts), in SMALL_STRIPES fixed stripes of rows added in order: the same bits on any thread count.
 */
function smallBackpropFilter(
  rt: WasmRuntime,
  x: Tensor,
  dy: Tensor,
  g: WindowGeometry,
  outC: number,
  filterShape: readonly number[],
): Tensor {
  const { arena } = rt;
  arena.reset();
  const size = g.kh * g.kw * g.inC * outC;
  const out = arena.output(size);
  const geo = writeGeometry(arena, g, outC);
  const px = arena.copyIn(x.data),
    pdy = arena.copyIn(dy.data);
  const stripes = rt.constant('SMALL_STRIPES');
  const partials = arena.alloc(size * stripes);
  const threads = Math.min(stripes, threadsFor(rt, convFlops(g, outC)));
  runShared(rt, threads, (_, ctx) => ({
    fn: 'conv2dSmallCFilter',
    args: [geo, px, pdy, partials, stripes, ctx],
  }));
  return tensor([...filterShape], sumStripes(rt, partials, size, stripes, out));
}

/** dW = Σ over blocks of im2col(x)ᵀ · dy, any filter. */
export function im2colBackpropFilter(
  rt: WasmRuntime,
  x: Tensor,
  dy: Tensor,
  filterShape: readonly number[],
  p: ConvParams,
): Tensor {
  const g = convGeometry(x.shape, filterShape, p);
  const outC = filterShape[3];
  const k = g.kh * g.kw * g.inC;
  const { arena } = rt;
  arena.reset();
  const size = k * outC;
  const out = arena.output(size);
  const geo = writeGeometry(arena, g, outC);
  const px = arena.copyIn(x.data);
  const pdy = arena.copyIn(dy.data);
  const block = rt.constant('BLOCK'),
    scratch = rt.constant('MC') * rt.constant('KC');
  const stripes = im2colFilterStripes(k, outC, Math.ceil((g.batch * g.outH * g.outW) / block));
  const partials = arena.alloc(size * stripes);
  const threads = Math.min(stripes, threadsFor(rt, convFlops(g, outC)));
  const packedDy = rt.call('packedBSize', block, outC);
  runShared(rt, threads, (_, ctx) => ({
    fn: 'conv2dBackpropFilter',
    args: [
      geo,
      px,
      pdy,
      partials,
      stripes,
      ctx,
      arena.alloc(block * k),
      arena.alloc(scratch),
      arena.alloc(packedDy),
      arena.alloc(32),
    ],
  }));
  return tensor([...filterShape], sumStripes(rt, partials, size, stripes, out));
}

/**
 * The stripes' partial sums added in stripe order (float32, as the kernels sum; SIMD in wasm, where a JavaScript loop
 * over 16 Winograd stripes took 0.3 ms on one thread) into dst: the same bits on any thread count. Threaded from
 * PARALLEL_FLOATS values read (the 32×32 Winograd filter gradient's 16 stripes are 590K), so this serial tail doesn't
 * cap the speed-up on many cores.
 */
function addStripes(rt: WasmRuntime, partials: number, size: number, stripes: number, dst: number): void {
  const threads = size * stripes >= PARALLEL_FLOATS ? rt.pool.size : 1;
  runShared(rt, threads, (_, ctx) => ({ fn: 'addStripes', args: [partials, size, stripes, dst, ctx] }));
}

/**
 * The summed stripes as the filter gradient: in a step a view of its output slot `out` (a copy out of 3×3×256×256
 * floats took 1.9 ms on the caller's thread alone), else a copy.
 */
function sumStripes(rt: WasmRuntime, partials: number, size: number, stripes: number, out: number): Float32Array {
  addStripes(rt, partials, size, stripes, out);
  return rt.arena.result(out, size);
}

/** Aᵀ of F(3×3, 2×2): dW[ky][kx] = Σ Aᵀ[ky][r] · M[4r + q] · Aᵀ[kx][q] (F(3×3, 4×4)'s is in wasm). */
const AT2 = [
  [1, 1, 1, 0],
  [0, 1, -1, 0],
  [0, 1, 1, 1],
];

function winogradBackpropFilter(
  rt: WasmRuntime,
  x: Tensor,
  dy: Tensor,
  g: WindowGeometry,
  outC: number,
  tile: 2 | 4,
  stripes: number,
  filterShape: readonly number[],
): Tensor {
  const { inC } = g;
  const size = inC * outC;
  const n = tile + 2,
    positions = n * n;
  const { arena } = rt;
  arena.reset();
  const out = tile === 4 ? arena.output(9 * size) : 0;
  const geo = writeGeometry(arena, g, outC);
  const px = arena.copyIn(x.data),
    pdy = arena.copyIn(dy.data);
  const partials = arena.alloc(positions * size * stripes);
  const zeros = arena.zeros(inC);
  const parallel = threadsFor(rt, convFlops(g, outC));
  if (tile === 4) {
    const wt = rt.constant('WT4');
    const colBlocks = winogradFilterColumnBlocks(stripes, outC, parallel);
    runShared(rt, Math.min(stripes * colBlocks, parallel), (_, ctx) => ({
      fn: 'conv2dWinograd4Filter',
      args: [
        geo,
        px,
        pdy,
        partials,
        stripes,
        ctx,
        zeros,
        arena.alloc(36 * wt * inC),
        arena.alloc(Math.max(36 * inC, 96)),
        arena.alloc(36 * wt * outC),
        colBlocks,
      ],
    }));
  } else {
    const wt = rt.constant('WT');
    const colBlocks = winogradFilterColumnBlocks(stripes, outC, parallel);
    runShared(rt, Math.min(stripes * colBlocks, parallel), (_, ctx) => ({
      fn: 'conv2dWinogradFilter',
      args: [
        geo,
        px,
        pdy,
        partials,
        stripes,
        ctx,
        zeros,
        arena.alloc(16 * (wt + 1) * inC),
        arena.alloc(16 * wt * outC),
        colBlocks,
      ],
    }));
  }
  // The stripes in order, then the output transform once.
  if (tile === 4) {
    addStripes(rt, partials, positions * size, stripes, partials);
    rt.call('winogradFilterOutput4', partials, size, out, arena.alloc(18 * size));
    return tensor([...filterShape], arena.result(out, 9 * size));
  }
  addStripes(rt, partials, positions * size, stripes, partials);
  // Read in place: nothing touches the arena before the loop below is done with it.
  const m = arena.f32().subarray(partials >> 2, (partials >> 2) + positions * size);
  const at = AT2;
  const dw = new Float32Array(9 * size);
  const rows = new Float64Array(n);
  for (let e = 0; e < size; e++)
    for (let ky = 0; ky < 3; ky++) {
      const a = at[ky];
      for (let q = 0; q < n; q++) {
        let sum = 0;
        for (let r = 0; r < n; r++) if (a[r] !== 0) sum += a[r] * m[(n * r + q) * size + e];
        rows[q] = sum;
      }
      for (let kx = 0; kx < 3; kx++) {
        const b = at[kx];
        let sum = 0;
        for (let q = 0; q < n; q++) sum += b[q] * rows[q];
        dw[(ky * 3 + kx) * size + e] = sum;
      }
    }
  return tensor([...filterShape], dw);
}
