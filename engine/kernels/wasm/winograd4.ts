// AssemblyScript. Conv2D forward for 3×3 filters at stride 1 by Winograd's F(4×4, 3×3) (Lavin & Gray 2016): each
// 4×4 block of outputs costs 36 multiplies per (input, output) channel pair instead of 144 (F(2×2, 3×3): 64), at the
// price of heavier transforms (6×6 input patches, interpolation points 0, ±1, ±2, ∞). Same plan as winograd.ts:
// channels are the SIMD lanes of the transforms, the 36 transformed positions are 36 small GEMMs, and threads claim
// WT4 tiles at a time, so a tile's result doesn't depend on the thread.
import { act4 } from './elementwise';
import { NR, fma } from './gemm';
import { accumulateTransposed, pixel, rowsTile, tap } from './winograd';
import { claim, part } from './claim';

/**
 * Tiles per block: the block's transformed input and GEMM results (36 × WT4 rows each) stay in L1/L2. 8 measured 8%
 * ahead of 16 on the filter gradient and level on the forward; 32 behind on both.
 */
export const WT4: i32 = 8;

const BATCH = 0, IN_H = 1, IN_W = 2, IN_C = 3, OUT_H = 4, OUT_W = 5, OUT_C = 6, PAD_T = 13, PAD_L = 14;

// @ts-ignore: decorator
@inline function g(p: usize, field: i32): i32 {
  return load<i32>(p + (<usize>field << 2));
}

/**
 * Bᵀ d for 6 values at d0 … d5 (each `step` bytes apart) into out0 … out5 (`ostep` apart), c bytes in; Bᵀ =
 * [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1].
 */
// @ts-ignore: decorator
@inline function inputRow(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, out: usize, ostep: usize): void {
  const four = f32x4.splat(4), minusFour = f32x4.splat(-4), minusFive = f32x4.splat(-5), two = f32x4.splat(2);
  const a = fma(minusFour, d2, d4), b = fma(minusFour, d1, d3);
  const c = f32x4.sub(d4, d2), e = f32x4.mul(two, f32x4.sub(d3, d1));
  v128.store(out, fma(minusFive, d2, fma(four, d0, d4)));
  v128.store(out + ostep, f32x4.add(a, b));
  v128.store(out + 2 * ostep, f32x4.sub(a, b));
  v128.store(out + 3 * ostep, f32x4.add(c, e));
  v128.store(out + 4 * ostep, f32x4.sub(c, e));
  v128.store(out + 5 * ostep, fma(minusFive, d3, fma(four, d1, d5)));
}

/** V[ξ][i] = (Bᵀ d B)[ξ] for the 6×6 input patch d of tile t0 + i; V[ξ] is WT4 rows of inC floats; `e` 36 × inC floats. */
function transformInput4(p: usize, x: usize, t0: i32, nt: i32, v: usize, e: usize, zeros: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const tilesW = (outW + 3) >> 2, perImage = ((outH + 3) >> 2) * tilesW;
  const imageBytes = <usize>(inH * inW * inC) << 2;
  const bytes = <usize>inC << 2;
  const plane = <usize>WT4 * bytes;
  for (let i = 0; i < nt; i++) {
    const t = t0 + i, b = t / perImage, rem = t % perImage;
    const iy = ((rem / tilesW) << 2) - padT, ix = ((rem % tilesW) << 2) - padL;
    const img = x + <usize>b * imageBytes;
    // e[6r + s] = (d B)[r][s], patch row by patch row.
    for (let r = 0; r < 6; r++) {
      const y = iy + r;
      const p0 = pixel(img, y, ix, inH, inW, inC, zeros), p1 = pixel(img, y, ix + 1, inH, inW, inC, zeros);
      const p2 = pixel(img, y, ix + 2, inH, inW, inC, zeros), p3 = pixel(img, y, ix + 3, inH, inW, inC, zeros);
      const p4 = pixel(img, y, ix + 4, inH, inW, inC, zeros), p5 = pixel(img, y, ix + 5, inH, inW, inC, zeros);
      const er = e + <usize>(6 * r) * bytes;
      for (let c: usize = 0; c < bytes; c += 16) {
        inputRow(
          v128.load(p0 + c), v128.load(p1 + c), v128.load(p2 + c),
          v128.load(p3 + c), v128.load(p4 + c), v128.load(p5 + c), er + c, bytes,
        );
      }
    }
    // V[6r + s] = (Bᵀ e)[r][s], column s at a time.
    const out = v + <usize>i * bytes;
    for (let s = 0; s < 6; s++) {
      const es = e + <usize>s * bytes, vs = out + <usize>s * plane;
      const row = 6 * bytes;
      for (let c: usize = 0; c < bytes; c += 16) {
        const q = es + c;
        inputRow(
          v128.load(q), v128.load(q + row), v128.load(q + 2 * row),
          v128.load(q + 3 * row), v128.load(q + 4 * row), v128.load(q + 5 * row), vs + c, 6 * plane,
        );
      }
    }
  }
}

/** An output vector at byte offset c of its pixel: + bias (when ≠ 0), then the activation, as biasActivation. */
// @ts-ignore: decorator
@inline function epilogue(r: v128, bias: usize, c: usize, kind: i32): v128 {
  return act4(bias ? f32x4.add(r, v128.load(bias + c)) : r, kind, f32x4.splat(0));
}

/**
 * y's 4×4 outputs of tiles t0 … t0 + nt − 1 from M[ξ][i] (WT4 rows of npad floats): Aᵀ M A with Aᵀ =
 * [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]; outputs past outH/outW are dropped. `e` holds the 24
 * vectors of the first pass. Each output gets the epilogue (bias when ≠ 0, then activation `kind`) before its store.
 */
function transformOutput4(p: usize, m: usize, t0: i32, nt: i32, npad: i32, y: usize, e: usize, bias: usize, kind: i32): void {
  const outH = g(p, OUT_H), outW = g(p, OUT_W), outC = g(p, OUT_C);
  const tilesW = (outW + 3) >> 2, perImage = ((outH + 3) >> 2) * tilesW;
  const plane = <usize>(WT4 * npad) << 2;
  const two = f32x4.splat(2), four = f32x4.splat(4), eight = f32x4.splat(8);
  const pixelBytes = <usize>outC << 2, rowBytes = <usize>(outW * outC) << 2;
  for (let i = 0; i < nt; i++) {
    const t = t0 + i, b = t / perImage, rem = t % perImage;
    const oy = (rem / tilesW) << 2, ox = (rem % tilesW) << 2;
    const rows = min(4, outH - oy), cols = min(4, outW - ox);
    const y0 = y + ((<usize>((b * outH + oy) * outW + ox) * outC) << 2);
    const src = m + ((<usize>(i * npad)) << 2);
    for (let c: usize = 0; c < pixelBytes; c += 16) {
      // First pass, down each column s: e[4k + … ] laid out as e[k][s] (k = 0..3, s = 0..5), 16 bytes each.
      for (let s = 0; s < 6; s++) {
        const q = src + c + <usize>s * plane;
        const m0 = v128.load(q), m1 = v128.load(q + 6 * plane), m2 = v128.load(q + 12 * plane);
        const m3 = v128.load(q + 18 * plane), m4 = v128.load(q + 24 * plane), m5 = v128.load(q + 30 * plane);
        const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
        const es = e + (<usize>s << 4);
        v128.store(es, f32x4.add(m0, f32x4.add(s12, s34)));
        v128.store(es + 96, fma(two, d34, d12));
        v128.store(es + 192, fma(four, s34, s12));
        v128.store(es + 288, f32x4.add(fma(eight, d34, d12), m5));
      }
      // Second pass, along each row k: the 4 outputs of output row oy + k.
      for (let k = 0; k < rows; k++) {
        const ek = e + <usize>k * 96;
        const m0 = v128.load(ek), m1 = v128.load(ek, 16), m2 = v128.load(ek, 32);
        const m3 = v128.load(ek, 48), m4 = v128.load(ek, 64), m5 = v128.load(ek, 80);
        const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
        const yk = y0 + <usize>k * rowBytes + c;
        v128.store(yk, epilogue(f32x4.add(m0, f32x4.add(s12, s34)), bias, c, kind));
        if (cols > 1) v128.store(yk + pixelBytes, epilogue(fma(two, d34, d12), bias, c, kind));
        if (cols > 2) v128.store(yk + 2 * pixelBytes, epilogue(fma(four, s34, s12), bias, c, kind));
        if (cols > 3) v128.store(yk + 3 * pixelBytes, epilogue(f32x4.add(fma(eight, d34, d12), m5), bias, c, kind));
      }
    }
  }
}

/**
 * U[ξ = 6r + s] = (G w Gᵀ)[r][s] for every 3×3 slice w of the filter (3 × 3 × inC × outC), output channels as lanes;
 * U is 36 matrices of inC × outC floats. G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1], down the
 * columns into `t` (18 matrices), then along the rows. `turned`: of the filter turned 180° (winograd.ts tap). Threads
 * claim `unit` floats of the plane at a time (both passes of a float stay in its unit; winograd.ts
 * winogradFilterShared).
 */
export function winogradFilter4Shared(
  u: usize, w: usize, inC: i32, outC: i32, t: usize, turned: i32, ctx: usize, unit: i32,
): void {
  const floats = inC * outC;
  const plane = <usize>floats << 2;
  for (let f = claim(ctx, unit, floats); f < floats; f = claim(ctx, unit, floats)) {
    const end = <usize>min(floats, f + unit) << 2;
    for (let i = <usize>f << 2; i < end; i += 16) {
      for (let kx = 0; kx < 3; kx++) {
        const w0 = v128.load(w + tap(kx, turned) * plane + i), w1 = v128.load(w + tap(3 + kx, turned) * plane + i);
        const w2 = v128.load(w + tap(6 + kx, turned) * plane + i);
        filterColumn(w0, w1, w2, t + <usize>kx * plane + i, 3 * plane);
      }
      for (let r = 0; r < 6; r++) {
        const row = t + <usize>(3 * r) * plane + i;
        filterColumn(v128.load(row), v128.load(row + plane), v128.load(row + 2 * plane), u + <usize>(6 * r) * plane + i, plane);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function filterColumn(w0: v128, w1: v128, w2: v128, out: usize, step: usize): void {
  const sum = f32x4.add(w0, w2);
  const sixth = f32x4.splat(<f32>(1.0 / 6.0));
  const a = f32x4.add(f32x4.mul(w0, f32x4.splat(<f32>(1.0 / 24.0))), f32x4.mul(w2, f32x4.splat(<f32>(1.0 / 6.0))));
  const b = f32x4.mul(w1, f32x4.splat(<f32>(1.0 / 12.0)));
  v128.store(out, f32x4.mul(w0, f32x4.splat(0.25)));
  v128.store(out + step, f32x4.neg(f32x4.mul(f32x4.add(sum, w1), sixth)));
  v128.store(out + 2 * step, f32x4.neg(f32x4.mul(f32x4.sub(sum, w1), sixth)));
  v128.store(out + 3 * step, f32x4.add(a, b));
  v128.store(out + 4 * step, f32x4.sub(a, b));
  v128.store(out + 5 * step, w2);
}

/**
 * y = conv(x, W) for a 3×3 filter at stride 1 by F(4×4, 3×3), threads claiming WT4 tiles at a time. `u` holds the
 * transformed filter packed as NR-column panels, each ξ's panels inC × npad floats; per thread, `v` holds 36·WT4·inC
 * floats (the transformed block), `e` max(36·inC, 24·4) floats of transform scratch, `m` 36·WT4·npad; `zeros` inC
 * zero floats; `bias` (0: none) and `kind` (biasActivation's codes, not leaky relu) the epilogue applied before the
 * store.
 */
export function conv2dWinograd4(p: usize, x: usize, u: usize, y: usize, ctx: usize, zeros: usize, v: usize, e: usize, m: usize, bias: usize, kind: i32): void {
  const inC = g(p, IN_C), outC = g(p, OUT_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const npad = (outC + NR - 1) & ~(NR - 1);
  const tiles = g(p, BATCH) * ((outH + 3) >> 2) * ((outW + 3) >> 2);
  for (let t0 = claim(ctx, WT4, tiles); t0 < tiles; t0 = claim(ctx, WT4, tiles)) {
    const nt = min(WT4, tiles - t0);
    transformInput4(p, x, t0, nt, v, e, zeros);
    for (let xi = 0; xi < 36; xi++) {
      const vx = v + ((<usize>(xi * WT4 * inC)) << 2);
      const ux = u + ((<usize>(xi * inC * npad)) << 2);
      const mx = m + ((<usize>(xi * WT4 * npad)) << 2);
      // Rows past nt (the last block) hold stale values; their results are computed but never read.
      for (let i = 0; i < nt; i += 4) {
        for (let j = 0; j < npad; j += NR) {
          rowsTile(vx + ((<usize>(i * inC)) << 2), inC, ux + ((<usize>(j * inC)) << 2), mx + ((<usize>(i * npad + j)) << 2), npad);
        }
      }
    }
    transformOutput4(p, m, t0, nt, npad, y, e, bias, kind);
  }
}

// ---- the filter gradient by F(3×3, 4×4) ------------------------------------------------------------------------
// As winograd.ts's F(3×3, 2×2), with 4×4 tiles of dy as the "filter" and the forward's 6×6 input patches: the same
// Bᵀ as above, G' = [¼ 0 0 0; −⅙ −⅙ −⅙ −⅙; −⅙ ⅙ −⅙ ⅙; 1/24 1/12 ⅙ ⅓; 1/24 −1/12 ⅙ −⅓; 0 0 0 1] and
// Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 1], applied by the host once to the sum over tiles. 36 multiplies per
// (input, output) channel pair and 4×4 tile instead of 64.

// @ts-ignore: decorator
@inline function dyColumn(g0: v128, g1: v128, g2: v128, g3: v128, out: usize, step: usize): void {
  const sixth = f32x4.splat(<f32>(1.0 / 6.0));
  const even = f32x4.add(g0, g2), odd = f32x4.add(g1, g3);
  // (g0 + 4 g2)/24 and (2 g1 + 8 g3)/24 = (g1 + 4 g3)/12.
  const a = f32x4.mul(fma(f32x4.splat(4), g2, g0), f32x4.splat(<f32>(1.0 / 24.0)));
  const b = f32x4.mul(fma(f32x4.splat(4), g3, g1), f32x4.splat(<f32>(1.0 / 12.0)));
  v128.store(out, f32x4.mul(g0, f32x4.splat(0.25)));
  v128.store(out + step, f32x4.neg(f32x4.mul(f32x4.add(even, odd), sixth)));
  v128.store(out + 2 * step, f32x4.neg(f32x4.mul(f32x4.sub(even, odd), sixth)));
  v128.store(out + 3 * step, f32x4.add(a, b));
  v128.store(out + 4 * step, f32x4.sub(a, b));
  v128.store(out + 5 * step, g3);
}

/** U[ξ][i] = (G' g G'ᵀ)[ξ] for the 4×4 tile g of dy of tile t0 + i (zeros past outH/outW); U[ξ] is WT4 rows of outC floats; `e` 24 vectors. */
function transformDy4(p: usize, dy: usize, t0: i32, nt: i32, u: usize, e: usize, c0: usize, c1: usize): void {
  const outH = g(p, OUT_H), outW = g(p, OUT_W), outC = g(p, OUT_C);
  const tilesW = (outW + 3) >> 2, perImage = ((outH + 3) >> 2) * tilesW;
  const bytes = <usize>outC << 2, rowBytes = <usize>outW * bytes;
  const plane = <usize>WT4 * bytes;
  const zero = f32x4.splat(0);
  for (let i = 0; i < nt; i++) {
    const t = t0 + i, b = t / perImage, rem = t % perImage;
    const oy = (rem / tilesW) << 2, ox = (rem % tilesW) << 2;
    const rows = min(4, outH - oy), cols = min(4, outW - ox);
    const p0 = dy + ((<usize>((b * outH + oy) * outW + ox) * outC) << 2);
    const out = u + <usize>i * bytes;
    for (let c: usize = c0; c < c1; c += 16) {
      // Down each column s of the tile: e[r][s] (r = 0..5), 16 bytes each, rows 64 bytes apart.
      for (let s = 0; s < 4; s++) {
        if (s >= cols) {
          for (let r = 0; r < 6; r++) v128.store(e + (<usize>(4 * r + s) << 4), zero);
          continue;
        }
        const q = p0 + <usize>s * bytes + c;
        const g0 = v128.load(q), g1 = rows > 1 ? v128.load(q + rowBytes) : zero;
        const g2 = rows > 2 ? v128.load(q + 2 * rowBytes) : zero, g3 = rows > 3 ? v128.load(q + 3 * rowBytes) : zero;
        dyColumn(g0, g1, g2, g3, e + (<usize>s << 4), 64);
      }
      // Along each row r: U[6r + q].
      for (let r = 0; r < 6; r++) {
        const er = e + (<usize>r << 6);
        dyColumn(v128.load(er), v128.load(er, 16), v128.load(er, 32), v128.load(er, 48), out + c + <usize>(6 * r) * plane, plane);
      }
    }
  }
}

/**
 * M (36 matrices inC × outC) for dW of a 3×3 stride-1 conv by F(3×3, 4×4) as `stripes` partial sums, as
 * conv2dWinogradFilter: stripe s sums its contiguous run of the blocks of WT4 tiles in order, whichever thread claims
 * it. Threads claim a stripe's `colBlocks` runs of output channels apart (unit = stripe · colBlocks + block, columns
 * in multiples of 8) when there are fewer stripes than threads: each block transforms the input tiles again, but
 * every M value is still summed by one unit over the same tiles in the same order, so the split changes no bit.
 * Per thread, `v` holds 36·WT4·inC floats, `e` max(36·inC, 96), `u` 36·WT4·outC; `zeros` inC zero floats.
 */
export function conv2dWinograd4Filter(
  p: usize, x: usize, dy: usize, partials: usize, stripes: i32, ctx: usize, zeros: usize, v: usize, e: usize, u: usize,
  colBlocks: i32,
): void {
  const inC = g(p, IN_C), outC = g(p, OUT_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const tiles = g(p, BATCH) * ((outH + 3) >> 2) * ((outW + 3) >> 2);
  const blocks = (tiles + WT4 - 1) / WT4;
  const size = <usize>(inC * outC) << 2;
  const columns = (((outC + colBlocks - 1) / colBlocks + 7) >> 3) << 3;
  const units = stripes * colBlocks;
  for (let unit = claim(ctx, 1, units); unit < units; unit = claim(ctx, 1, units)) {
    const s = unit / colBlocks, j0 = (unit % colBlocks) * columns, j1 = min(outC, j0 + columns);
    if (j0 >= j1) continue;
    const m = partials + <usize>s * 36 * size;
    const rowBytes = <usize>outC << 2, width = <usize>(j1 - j0) << 2;
    for (let r: usize = 0; r < <usize>(36 * inC); r++) memory.fill(m + r * rowBytes + (<usize>j0 << 2), 0, width);
    for (let blk = part(blocks, s, stripes), end = part(blocks, s + 1, stripes); blk < end; blk++) {
      const t0 = blk * WT4, nt = min(WT4, tiles - t0);
      transformInput4(p, x, t0, nt, v, e, zeros);
      transformDy4(p, dy, t0, nt, u, e, <usize>j0 << 2, <usize>j1 << 2);
      for (let xi = 0; xi < 36; xi++) {
        accumulateTransposed(v + ((<usize>(xi * WT4 * inC)) << 2), u + ((<usize>(xi * WT4 * outC)) << 2), nt, inC, outC, m + <usize>xi * size, j0, j1);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function filterOutputColumn(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, out: usize, step: usize): void {
  const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
  v128.store(out, f32x4.add(m0, f32x4.add(s12, s34)));
  v128.store(out + step, fma(f32x4.splat(2), d34, d12));
  v128.store(out + 2 * step, f32x4.add(fma(f32x4.splat(4), s34, s12), m5));
}

/**
 * dW = Aᵀ M A of F(3×3, 4×4) for the summed M (36 matrices of `size` = inC·outC floats) into dw (9 matrices), `t`
 * 18 matrices of scratch: down the columns, then along the rows. On the host this took 0.5–1.2 ms a call.
 */
export function winogradFilterOutput4(m: usize, size: i32, dw: usize, t: usize): void {
  const plane = <usize>size << 2;
  for (let i: usize = 0; i < plane; i += 16) {
    for (let q = 0; q < 6; q++) {
      const c = m + <usize>q * plane + i;
      filterOutputColumn(
        v128.load(c), v128.load(c + 6 * plane), v128.load(c + 12 * plane),
        v128.load(c + 18 * plane), v128.load(c + 24 * plane), v128.load(c + 30 * plane), t + <usize>q * plane + i, 6 * plane,
      );
    }
    for (let ky = 0; ky < 3; ky++) {
      const r = t + <usize>(6 * ky) * plane + i;
      filterOutputColumn(
        v128.load(r), v128.load(r + plane), v128.load(r + 2 * plane),
        v128.load(r + 3 * plane), v128.load(r + 4 * plane), v128.load(r + 5 * plane), dw + <usize>(3 * ky) * plane + i, plane,
      );
    }
  }
}
