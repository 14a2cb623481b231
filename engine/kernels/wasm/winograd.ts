// AssemblyScript. Conv2D forward for 3×3 filters at stride 1 by Winograd's F(2×2, 3×3) (Lavin & Gray 2016): each
// 2×2 block of outputs costs 16 multiplies per (input, output) channel pair instead of 36. The input tiles (4×4)
// and the filter go through fixed add/subtract transforms, the 16 transformed positions are 16 small GEMMs
// (tiles × inC)·(inC × outC), and an output transform folds each 4×4 result back to 2×2. Channels (NHWC, the
// contiguous axis) are the SIMD lanes of both transforms, so inC and outC are multiples of 4 here.
import { NR, accumulate4x8, accumulateRows4, fma } from './gemm';
import { claim, part } from './claim';

/** Tiles per block: a block's transformed input and GEMM results (16 × WT rows each) stay in L1/L2. */
export const WT: i32 = 32;

// The geometry block written by the host (see conv.ts).
const BATCH = 0, IN_H = 1, IN_W = 2, IN_C = 3, OUT_H = 4, OUT_W = 5, OUT_C = 6, PAD_T = 13, PAD_L = 14;

// @ts-ignore: decorator
@inline function g(p: usize, field: i32): i32 {
  return load<i32>(p + (<usize>field << 2));
}

// @ts-ignore: decorator
@inline export function pixel(img: usize, iy: i32, ix: i32, inH: i32, inW: i32, inC: i32, zeros: usize): usize {
  return iy >= 0 && iy < inH && ix >= 0 && ix < inW ? img + ((<usize>(iy * inW + ix) * inC) << 2) : zeros;
}

/**
 * V[ξ][i] = (Bᵀ d B)[ξ] for the 4×4 input patch d of tile t0 + i, channels as lanes; V[ξ] is WT rows of inC floats.
 * Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]. Patch positions in the padding read as zeros. Two passes through
 * `e` (16 × inC floats, in L1): each patch row's column transform, then the row transform, so that few vectors are
 * live at once (V8 has 15 SIMD registers to give; spilling 16 made this the slowest part).
 */
function transformInput(p: usize, x: usize, t0: i32, nt: i32, v: usize, e: usize, zeros: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const tilesW = (outW + 1) >> 1, perImage = ((outH + 1) >> 1) * tilesW;
  const imageBytes = <usize>(inH * inW * inC) << 2;
  const bytes = <usize>inC << 2;
  const plane = <usize>WT * bytes;
  for (let i = 0; i < nt; i++) {
    const t = t0 + i, b = t / perImage, rem = t % perImage;
    const iy = ((rem / tilesW) << 1) - padT, ix = ((rem % tilesW) << 1) - padL;
    const img = x + <usize>b * imageBytes;
    // e[r][s] = (d B)[r][s]: per patch row r, w = (d_r0 − d_r2, d_r1 + d_r2, d_r2 − d_r1, d_r1 − d_r3).
    for (let r = 0; r < 4; r++) {
      const p0 = pixel(img, iy + r, ix, inH, inW, inC, zeros), p1 = pixel(img, iy + r, ix + 1, inH, inW, inC, zeros);
      const p2 = pixel(img, iy + r, ix + 2, inH, inW, inC, zeros), p3 = pixel(img, iy + r, ix + 3, inH, inW, inC, zeros);
      const er = e + <usize>(4 * r) * bytes;
      for (let c: usize = 0; c < bytes; c += 16) {
        const d0 = v128.load(p0 + c), d1 = v128.load(p1 + c), d2 = v128.load(p2 + c), d3 = v128.load(p3 + c);
        v128.store(er + c, f32x4.sub(d0, d2));
        v128.store(er + bytes + c, f32x4.add(d1, d2));
        v128.store(er + 2 * bytes + c, f32x4.sub(d2, d1));
        v128.store(er + 3 * bytes + c, f32x4.sub(d1, d3));
      }
    }
    // V[4r + s] = (Bᵀ e)[r][s], column s at a time.
    const out = v + <usize>i * bytes;
    for (let s = 0; s < 4; s++) {
      const es = e + <usize>s * bytes, vs = out + <usize>s * plane;
      for (let c: usize = 0; c < bytes; c += 16) {
        const e0 = v128.load(es + c), e1 = v128.load(es + 4 * bytes + c);
        const e2 = v128.load(es + 8 * bytes + c), e3 = v128.load(es + 12 * bytes + c);
        v128.store(vs + c, f32x4.sub(e0, e2));
        v128.store(vs + 4 * plane + c, f32x4.add(e1, e2));
        v128.store(vs + 8 * plane + c, f32x4.sub(e2, e1));
        v128.store(vs + 12 * plane + c, f32x4.sub(e1, e3));
      }
    }
  }
}

/** out[4 rows × NR] = a[4 rows × k] · panel[k × NR]; rows of a are `k` floats apart, rows of out `ldo`. */
// @ts-ignore: decorator
@inline export function rowsTile(a: usize, k: i32, panel: usize, out: usize, ldo: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const bytes = <usize>k << 2;
  const a1 = a + bytes, a2 = a1 + bytes, a3 = a2 + bytes;
  let pb = panel;
  for (let o: usize = 0; o < bytes; o += 4) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let s = v128.load32_splat(a + o);
    c00 = fma(s, b0, c00); c01 = fma(s, b1, c01);
    s = v128.load32_splat(a1 + o);
    c10 = fma(s, b0, c10); c11 = fma(s, b1, c11);
    s = v128.load32_splat(a2 + o);
    c20 = fma(s, b0, c20); c21 = fma(s, b1, c21);
    s = v128.load32_splat(a3 + o);
    c30 = fma(s, b0, c30); c31 = fma(s, b1, c31);
    pb += 32;
  }
  const row = <usize>ldo << 2;
  const r1 = out + row, r2 = r1 + row, r3 = r2 + row;
  v128.store(out, c00); v128.store(out, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

/**
 * y's 2×2 outputs of tiles t0 … t0 + nt − 1 from M[ξ][i] (WT rows of npad floats): Aᵀ M A with
 * Aᵀ = [1 1 1 0; 0 1 −1 −1]; outputs past outH/outW (odd sizes) are dropped.
 */
function transformOutput(p: usize, m: usize, t0: i32, nt: i32, npad: i32, y: usize): void {
  const outH = g(p, OUT_H), outW = g(p, OUT_W), outC = g(p, OUT_C);
  const tilesW = (outW + 1) >> 1, perImage = ((outH + 1) >> 1) * tilesW;
  const plane = <usize>(WT * npad) << 2;
  for (let i = 0; i < nt; i++) {
    const t = t0 + i, b = t / perImage, rem = t % perImage;
    const oy = (rem / tilesW) << 1, ox = (rem % tilesW) << 1;
    const right = ox + 1 < outW, below = oy + 1 < outH;
    const y00 = y + ((<usize>((b * outH + oy) * outW + ox) * outC) << 2);
    const y01 = y00 + (<usize>outC << 2), y10 = y00 + (<usize>(outW * outC) << 2), y11 = y10 + (<usize>outC << 2);
    const src = m + ((<usize>(i * npad)) << 2);
    for (let c: usize = 0; c < (<usize>outC << 2); c += 16) {
      const s = src + c;
      // Row transform (Aᵀ over ξ's row index) for each of the 4 columns, then the column transform.
      const n00 = f32x4.add(f32x4.add(v128.load(s), v128.load(s + 4 * plane)), v128.load(s + 8 * plane));
      const n01 = f32x4.add(f32x4.add(v128.load(s + plane), v128.load(s + 5 * plane)), v128.load(s + 9 * plane));
      const n02 = f32x4.add(f32x4.add(v128.load(s + 2 * plane), v128.load(s + 6 * plane)), v128.load(s + 10 * plane));
      const n03 = f32x4.add(f32x4.add(v128.load(s + 3 * plane), v128.load(s + 7 * plane)), v128.load(s + 11 * plane));
      const n10 = f32x4.sub(f32x4.sub(v128.load(s + 4 * plane), v128.load(s + 8 * plane)), v128.load(s + 12 * plane));
      const n11 = f32x4.sub(f32x4.sub(v128.load(s + 5 * plane), v128.load(s + 9 * plane)), v128.load(s + 13 * plane));
      const n12 = f32x4.sub(f32x4.sub(v128.load(s + 6 * plane), v128.load(s + 10 * plane)), v128.load(s + 14 * plane));
      const n13 = f32x4.sub(f32x4.sub(v128.load(s + 7 * plane), v128.load(s + 11 * plane)), v128.load(s + 15 * plane));
      v128.store(y00 + c, f32x4.add(f32x4.add(n00, n01), n02));
      if (right) v128.store(y01 + c, f32x4.sub(f32x4.sub(n01, n02), n03));
      if (below) {
        v128.store(y10 + c, f32x4.add(f32x4.add(n10, n11), n12));
        if (right) v128.store(y11 + c, f32x4.sub(f32x4.sub(n11, n12), n13));
      }
    }
  }
}


/**
 * U[ξ = 4r + s] = (G w Gᵀ)[r][s] for every 3×3 slice w of the filter (3 × 3 × inC × outC), output channels as lanes;
 * U is 16 matrices of inC × outC floats. G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], applied down the columns, then along
 * the rows. `turned`: of the filter turned 180° (tap 3·ky + kx read from 8 − 3·ky − kx), for the input gradient.
 * Threads claim `unit` floats of the plane at a time (a multiple of 4, sized by the host for the thread count:
 * fast/conv2d-winograd.ts filterUnit); each value is the same whatever the split.
 */
export function winogradFilterShared(u: usize, w: usize, inC: i32, outC: i32, turned: i32, ctx: usize, unit: i32): void {
  const floats = inC * outC;
  const plane = <usize>floats << 2;
  const half = f32x4.splat(0.5);
  for (let f = claim(ctx, unit, floats); f < floats; f = claim(ctx, unit, floats)) {
    const end = <usize>min(floats, f + unit) << 2;
    for (let i = <usize>f << 2; i < end; i += 16) {
      for (let kx = 0; kx < 3; kx++) {
        const w0 = v128.load(w + tap(kx, turned) * plane + i), w1 = v128.load(w + tap(3 + kx, turned) * plane + i);
        const w2 = v128.load(w + tap(6 + kx, turned) * plane + i);
        const sum = f32x4.add(w0, w2);
        // T[r][kx] = (G w)[r][kx], kept in U's last row-block positions 4r + kx until the row pass below.
        v128.store(u + <usize>kx * plane + i, w0);
        v128.store(u + <usize>(4 + kx) * plane + i, f32x4.mul(f32x4.add(sum, w1), half));
        v128.store(u + <usize>(8 + kx) * plane + i, f32x4.mul(f32x4.sub(sum, w1), half));
        v128.store(u + <usize>(12 + kx) * plane + i, w2);
      }
      for (let r = 0; r < 4; r++) {
        const row = u + <usize>(4 * r) * plane + i;
        const t0 = v128.load(row), t1 = v128.load(row + plane), t2 = v128.load(row + 2 * plane);
        const sum = f32x4.add(t0, t2);
        v128.store(row + plane, f32x4.mul(f32x4.add(sum, t1), half));
        v128.store(row + 2 * plane, f32x4.mul(f32x4.sub(sum, t1), half));
        v128.store(row + 3 * plane, t2);
      }
    }
  }
}

/** Which of the 9 taps' planes holds tap `i` (3·ky + kx): itself, or for the turned filter 8 − i. */
// @ts-ignore: decorator
@inline export function tap(i: i32, turned: i32): usize {
  return <usize>(turned ? 8 - i : i);
}

/**
 * y = conv(x, W) for a 3×3 filter at stride 1, threads claiming WT tiles at a time. `u` holds the transformed filter
 * (G W Gᵀ, 16 matrices inC × outC) packed as NR-column panels, each ξ's panels inC × npad floats; per thread, `v`
 * holds 16·(WT + 1)·inC floats (the transformed block, then transformInput's scratch), `m` 16·WT·npad; `zeros` inC zero
 * floats. A tile's result doesn't depend on the thread.
 */
export function conv2dWinograd(p: usize, x: usize, u: usize, y: usize, ctx: usize, zeros: usize, v: usize, m: usize): void {
  const inC = g(p, IN_C), outC = g(p, OUT_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const npad = (outC + NR - 1) & ~(NR - 1);
  const tiles = g(p, BATCH) * ((outH + 1) >> 1) * ((outW + 1) >> 1);
  for (let t0 = claim(ctx, WT, tiles); t0 < tiles; t0 = claim(ctx, WT, tiles)) {
    const nt = min(WT, tiles - t0);
    transformInput(p, x, t0, nt, v, v + ((<usize>(16 * WT * inC)) << 2), zeros);
    for (let xi = 0; xi < 16; xi++) {
      const vx = v + ((<usize>(xi * WT * inC)) << 2);
      const ux = u + ((<usize>(xi * inC * npad)) << 2);
      const mx = m + ((<usize>(xi * WT * npad)) << 2);
      // Rows past nt (the last block) hold stale values; their results are computed but never read.
      for (let i = 0; i < nt; i += 4) {
        for (let j = 0; j < npad; j += NR) {
          rowsTile(vx + ((<usize>(i * inC)) << 2), inC, ux + ((<usize>(j * inC)) << 2), mx + ((<usize>(i * npad + j)) << 2), npad);
        }
      }
    }
    transformOutput(p, m, t0, nt, npad, y);
  }
}

// ---- the filter gradient by F(3×3, 2×2) ------------------------------------------------------------------------
// dW[ky][kx] = Σ over output pixels of x[oy + ky − padT][ox + kx − padL] · dy[oy][ox]. Grouped by 2×2 output tiles
// this is, per tile, a 3×3 "output" from a 4×4 input patch (the forward's patches) and a 2×2 "filter" (the tile of
// dy): Winograd F(3×3, 2×2) with the same Bᵀ as the forward, G' = [1 0; ½ ½; ½ −½; 0 −1] (the last row's sign
// matches Bᵀ's last row) and Aᵀ = [1 1 1 0; 0 1 −1 0; 0 1 1 1]. The output transform is linear, so the sum over
// tiles is taken first: M[ξ] = Σ over tiles of V[ξ]ᵀ·U[ξ] (16 GEMMs inC × outC deep in tiles), and dW = Aᵀ M A once
// at the end (by the host). 16 multiplies per (input, output) channel pair and tile instead of 36.

/** U[ξ][i] = (G' g G'ᵀ)[ξ] for the 2×2 tile of dy of tile t0 + i (zeros past outH/outW), channels as lanes; U[ξ] is WT rows of outC floats. */
function transformDy(p: usize, dy: usize, t0: i32, nt: i32, u: usize, c0: usize, c1: usize): void {
  const outH = g(p, OUT_H), outW = g(p, OUT_W), outC = g(p, OUT_C);
  const tilesW = (outW + 1) >> 1, perImage = ((outH + 1) >> 1) * tilesW;
  const bytes = <usize>outC << 2;
  const plane = <usize>WT * bytes;
  const half = f32x4.splat(0.5), zero = f32x4.splat(0);
  for (let i = 0; i < nt; i++) {
    const t = t0 + i, b = t / perImage, rem = t % perImage;
    const oy = (rem / tilesW) << 1, ox = (rem % tilesW) << 1;
    const right = ox + 1 < outW, below = oy + 1 < outH;
    const p00 = dy + ((<usize>((b * outH + oy) * outW + ox) * outC) << 2);
    const p01 = p00 + bytes, p10 = p00 + <usize>outW * bytes, p11 = p10 + bytes;
    const out = u + <usize>i * bytes;
    for (let c: usize = c0; c < c1; c += 16) {
      const g00 = v128.load(p00 + c), g01 = right ? v128.load(p01 + c) : zero;
      const g10 = below ? v128.load(p10 + c) : zero, g11 = right && below ? v128.load(p11 + c) : zero;
      // Down the columns: T[r][s] for r = 0..3, s = 0..1.
      const t00 = g00, t01 = g01;
      const t10 = f32x4.mul(f32x4.add(g00, g10), half), t11 = f32x4.mul(f32x4.add(g01, g11), half);
      const t20 = f32x4.mul(f32x4.sub(g00, g10), half), t21 = f32x4.mul(f32x4.sub(g01, g11), half);
      const t30 = f32x4.neg(g10), t31 = f32x4.neg(g11);
      // Along the rows: U[4r + s].
      rowDy(out + c, plane, 0, t00, t01, half);
      rowDy(out + c, plane, 4, t10, t11, half);
      rowDy(out + c, plane, 8, t20, t21, half);
      rowDy(out + c, plane, 12, t30, t31, half);
    }
  }
}

// @ts-ignore: decorator
@inline function rowDy(out: usize, plane: usize, xi: i32, t0: v128, t1: v128, half: v128): void {
  v128.store(out + <usize>xi * plane, t0);
  v128.store(out + <usize>(xi + 1) * plane, f32x4.mul(f32x4.add(t0, t1), half));
  v128.store(out + <usize>(xi + 2) * plane, f32x4.mul(f32x4.sub(t0, t1), half));
  v128.store(out + <usize>(xi + 3) * plane, f32x4.neg(t1));
}

/**
 * m (inC × outC, row-major) += vᵀ · u over k rows: v is k × inC, u is k × outC (outC a multiple of 4); only columns
 * j0..j1 (j0 a multiple of 8, j1 one too or outC), each summed by the same code in the same order as a full call.
 */
export function accumulateTransposed(v: usize, u: usize, k: i32, inC: i32, outC: i32, m: usize, j0: i32 = 0, j1: i32 = outC): void {
  const vRow = <usize>inC << 2, uRow = <usize>outC << 2;
  for (let i = 0; i < inC; i += 4) {
    const mi = m + ((<usize>i * outC) << 2), vi = v + (<usize>i << 2);
    let j = j0;
    for (; j + 8 <= j1; j += 8) accumulate4x8(mi + (<usize>j << 2), uRow, vi, vRow, u + (<usize>j << 2), uRow, k);
    if (j < j1) accumulateRows4(mi + (<usize>j << 2), uRow, vi, vRow, u + (<usize>j << 2), uRow, k, 4);
  }
}

/**
 * M for dW of a 3×3 stride-1 conv (see above) as `stripes` partial sums: stripe s sums the s-th of `stripes` contiguous runs
 * of the blocks of WT tiles, in order, into partials + s·16·inC·outC floats, whichever thread claims it; the host adds the
 * stripes in order, so the result doesn't depend on the thread count. With fewer stripes than threads, threads claim a
 * stripe's `colBlocks` runs of output channels apart (winograd4.ts conv2dWinograd4Filter: no bit changes). Per
 * thread, `v` holds 16·(WT + 1)·inC floats and `u` 16·WT·outC; `zeros` inC zero floats. inC and outC are multiples
 * of 4.
 */
export function conv2dWinogradFilter(
  p: usize, x: usize, dy: usize, partials: usize, stripes: i32, ctx: usize, zeros: usize, v: usize, u: usize,
  colBlocks: i32,
): void {
  const inC = g(p, IN_C), outC = g(p, OUT_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const tiles = g(p, BATCH) * ((outH + 1) >> 1) * ((outW + 1) >> 1);
  const blocks = (tiles + WT - 1) / WT;
  const size = <usize>(inC * outC) << 2;
  const columns = (((outC + colBlocks - 1) / colBlocks + 7) >> 3) << 3;
  const units = stripes * colBlocks;
  for (let unit = claim(ctx, 1, units); unit < units; unit = claim(ctx, 1, units)) {
    const s = unit / colBlocks, j0 = (unit % colBlocks) * columns, j1 = min(outC, j0 + columns);
    if (j0 >= j1) continue;
    const m = partials + <usize>s * 16 * size;
    const rowBytes = <usize>outC << 2, width = <usize>(j1 - j0) << 2;
    for (let r: usize = 0; r < <usize>(16 * inC); r++) memory.fill(m + r * rowBytes + (<usize>j0 << 2), 0, width);
    for (let blk = part(blocks, s, stripes), end = part(blocks, s + 1, stripes); blk < end; blk++) {
      const t0 = blk * WT, nt = min(WT, tiles - t0);
      transformInput(p, x, t0, nt, v, v + ((<usize>(16 * WT * inC)) << 2), zeros);
      transformDy(p, dy, t0, nt, u, <usize>j0 << 2, <usize>j1 << 2);
      for (let xi = 0; xi < 16; xi++) {
        accumulateTransposed(v + ((<usize>(xi * WT * inC)) << 2), u + ((<usize>(xi * WT * outC)) << 2), nt, inC, outC, m + <usize>xi * size, j0, j1);
      }
    }
  }
}
