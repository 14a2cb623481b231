// AssemblyScript. Single-precision GEMM over packed panels: C (m×n) (+)= A (m×k) · B (k×n), with A and B addressed
// through element strides so transposed operands need no copy. Register tile 4×8 (MR×NR), k blocked by KC,
// m blocked by MC so the packed A block stays in L2 while the packed B panels stream through L1.
// Every pointer is a byte address in the shared memory; all scratch belongs to the calling thread.

import { claim } from './claim';

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 64;

// RELAXED is an integer constant given by the build (`--use RELAXED=0|1`): one source, two binaries.
// @ts-ignore: decorator
@inline export function fma(a: v128, b: v128, acc: v128): v128 {
  // @ts-ignore: compile-time constant from the build
  if (RELAXED) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(f32x4.mul(a, b), acc);
}

// @ts-ignore: decorator
@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Writes 4 rows of 4 values (a, b, c, d) as 4 columns: a0 b0 c0 d0, a1 b1 c1 d1, … — one packed-A step each. */
// @ts-ignore: decorator
@inline export function storeTransposed4(dst: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), t1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(c, d, 0, 4, 1, 5), t3 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7), 16);
  v128.store(dst, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5), 32);
  v128.store(dst, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7), 48);
}

/**
 * C (4 rows × 8 columns, rows cRow bytes apart) += Σ over k steps of a ⊗ b: at each step the 4 values at `a` (one
 * per row) times the 8 at `b`; a and b advance by aStep and bStep bytes. For products whose A is read in place
 * (transposed), e.g. filter gradients summed over pixels.
 */
// @ts-ignore: decorator
@inline export function accumulate4x8(
  c: usize, cRow: usize, a: usize, aStep: usize, b: usize, bStep: usize, k: i32,
): void {
  const r1 = c + cRow, r2 = r1 + cRow, r3 = r2 + cRow;
  let c00 = v128.load(c), c01 = v128.load(c, 16), c10 = v128.load(r1), c11 = v128.load(r1, 16);
  let c20 = v128.load(r2), c21 = v128.load(r2, 16), c30 = v128.load(r3), c31 = v128.load(r3, 16);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    c00 = fma(s, b0, c00); c01 = fma(s, b1, c01);
    s = v128.load32_splat(a, 4);
    c10 = fma(s, b0, c10); c11 = fma(s, b1, c11);
    s = v128.load32_splat(a, 8);
    c20 = fma(s, b0, c20); c21 = fma(s, b1, c21);
    s = v128.load32_splat(a, 12);
    c30 = fma(s, b0, c30); c31 = fma(s, b1, c31);
    a += aStep;
    b += bStep;
  }
  v128.store(c, c00); v128.store(c, c01, 16); v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16); v128.store(r3, c30); v128.store(r3, c31, 16);
}

/** accumulate4x8 for `rows` (1–4) rows × 4 columns: the tails. */
// @ts-ignore: decorator
@inline export function accumulateRows4(
  c: usize, cRow: usize, a: usize, aStep: usize, b: usize, bStep: usize, k: i32, rows: i32,
): void {
  for (let q = 0; q < rows; q++) {
    const cq = c + <usize>q * cRow;
    let acc = v128.load(cq);
    let pa = a + (<usize>q << 2), pb = b;
    for (let p = 0; p < k; p++) {
      acc = fma(v128.load32_splat(pa), v128.load(pb), acc);
      pa += aStep;
      pb += bStep;
    }
    v128.store(cq, acc);
  }
}

/** Packs the mc×kc block of A into MR-row panels, each kc columns of MR consecutive values; missing rows are 0. */
export function packA(dst: usize, a: usize, ars: i32, acs: i32, mc: i32, kc: i32): void {
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const row0 = at(a, i * ars);
    if (rows == MR && ars == 1) {
      // A stored column-major here (e.g. the transposed im2col block): each step of p is one vector load.
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(at(row0, p * acs)));
        dst += 16;
      }
    } else if (rows == MR) {
      const r1 = at(row0, ars), r2 = at(row0, 2 * ars), r3 = at(row0, 3 * ars);
      let p = 0;
      if (acs == 1) {
        // Row-major A: four steps of p at a time through a 4×4 transpose.
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          storeTransposed4(dst, v128.load(row0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o));
          dst += 64;
        }
      }
      for (; p < kc; p++) {
        const o = <usize>(p * acs) << 2;
        store<f32>(dst, load<f32>(row0 + o));
        store<f32>(dst, load<f32>(r1 + o), 4);
        store<f32>(dst, load<f32>(r2 + o), 8);
        store<f32>(dst, load<f32>(r3 + o), 12);
        dst += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(dst, r < rows ? load<f32>(at(row0, r * ars + p * acs)) : 0);
          dst += 4;
        }
      }
    }
  }
}

/** Packs the kc×nc block of B into NR-column panels, each kc rows of NR consecutive values; missing columns are 0. */
export function packB(dst: usize, b: usize, brs: i32, bcs: i32, kc: i32, nc: i32): void {
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const col0 = at(b, j * bcs);
    if (cols == NR && bcs == 1) {
      for (let p = 0; p < kc; p++) {
        const src = at(col0, p * brs);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < NR; c++) {
          store<f32>(dst, c < cols ? load<f32>(at(col0, p * brs + c * bcs)) : 0);
          dst += 4;
        }
      }
    }
  }
}

/** Floats needed by packBFull for a k×n operand. */
export function packedBSize(k: i32, n: i32): i32 {
  return k * ((n + NR - 1) & ~(NR - 1));
}

/** Packs all of B once (KC-row chunks one after another), for reuse by many gemmPrepacked calls. */
export function packBFull(dst: usize, b: usize, brs: i32, bcs: i32, k: i32, n: i32): void {
  const npad = (n + NR - 1) & ~(NR - 1);
  for (let pc = 0; pc < k; pc += KC) {
    packB(at(dst, pc * npad), at(b, pc * brs), brs, bcs, min(KC, k - pc), n);
  }
}

// @ts-ignore: decorator
@inline function micro(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  const row = <usize>ldc << 2;
  const r1 = c + row, r2 = r1 + row, r3 = r2 + row;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(r1)); c11 = f32x4.add(c11, v128.load(r1, 16));
    c20 = f32x4.add(c20, v128.load(r2)); c21 = f32x4.add(c21, v128.load(r2, 16));
    c30 = f32x4.add(c30, v128.load(r3)); c31 = f32x4.add(c31, v128.load(r3, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

// @ts-ignore: decorator
@inline function tile(kc: i32, pai: usize, pbj: usize, cij: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, edge: usize): void {
  if (rows == MR && cols == NR) {
    micro(kc, pai, pbj, cij, ldc, accumulate);
    return;
  }
  micro(kc, pai, pbj, edge, NR, false);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const dst = at(cij, r * ldc + q);
      const v = load<f32>(at(edge, r * NR + q));
      store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
    }
  }
}

/** B chunks up to this many bytes stay in L1/L2 while every A panel sweeps them (narrow outputs, e.g. conv). */
const SMALL_B_BYTES: i32 = 48 * 1024;

/**
 * C block (mc×nc) (+)= packed A block · packed B chunk; partial edge tiles go through `edge` (MR×NR floats).
 * Loop order keeps the smaller operand hot: a narrow B is swept by each A panel; otherwise each B panel (in L1)
 * is swept by the whole A block (in L2).
 */
export function macro(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, accumulate: bool, edge: usize): void {
  const npad = (nc + NR - 1) & ~(NR - 1);
  if (npad * kc * 4 <= SMALL_B_BYTES) {
    for (let i = 0; i < mc; i += MR) {
      const rows = min(MR, mc - i);
      const pai = at(pa, i * kc);
      for (let j = 0; j < nc; j += NR) {
        tile(kc, pai, at(pb, j * kc), at(c, i * ldc + j), ldc, rows, min(NR, nc - j), accumulate, edge);
      }
    }
    return;
  }
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const pbj = at(pb, j * kc);
    for (let i = 0; i < mc; i += MR) {
      tile(kc, at(pa, i * kc), pbj, at(c, i * ldc + j), ldc, min(MR, mc - i), cols, accumulate, edge);
    }
  }
}

/** C (m×n, row stride ldc) (+)= A · B where B was packed by packBFull. scratchA holds MC×KC floats. */
export function gemmPrepacked(
  m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, pb: usize,
  c: usize, ldc: i32, accumulate: bool, scratchA: usize, edge: usize,
): void {
  const npad = (n + NR - 1) & ~(NR - 1);
  if (k == 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(at(c, i * ldc), 0, <usize>n << 2);
    return;
  }
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const pbc = at(pb, pc * npad);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = min(MC, m - ic);
      packA(scratchA, at(a, ic * ars + pc * acs), ars, acs, mc, kc);
      macro(mc, n, kc, scratchA, pbc, at(c, ic * ldc), ldc, accumulate || pc > 0, edge);
    }
  }
}

/** C (+)= A · B, packing B into scratchB (packedBSize(k, n) floats) first. */
export function gemm(
  m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32, accumulate: bool, scratchA: usize, scratchB: usize, edge: usize,
): void {
  packBFull(scratchB, b, brs, bcs, k, n);
  gemmPrepacked(m, n, k, a, ars, acs, scratchB, c, ldc, accumulate, scratchA, edge);
}

/** NR-column panels per claimed packing unit (64 columns). */
const PACK_PANELS: i32 = 8;

/**
 * packBFull's result, threads claiming units of PACK_PANELS panels of one KC chunk through claim.ts: the packing
 * of a large B is no longer a serial prologue to the threaded GEMM.
 */
export function packBShared(dst: usize, b: usize, brs: i32, bcs: i32, k: i32, n: i32, ctx: usize): void {
  const npad = (n + NR - 1) & ~(NR - 1);
  const groups = (npad / NR + PACK_PANELS - 1) / PACK_PANELS;
  const units = ((k + KC - 1) / KC) * groups;
  for (let u = claim(ctx, 1, units); u < units; u = claim(ctx, 1, units)) {
    const pc = (u / groups) * KC, j0 = (u % groups) * PACK_PANELS * NR;
    const kc = min(KC, k - pc);
    packB(at(dst, pc * npad + j0 * kc), at(b, pc * brs + j0 * bcs), brs, bcs, kc, min(PACK_PANELS * NR, n - j0));
  }
}

/**
 * C = A · B (B packed by packBFull or packBShared) over blocks of mcStep rows × ncStep columns (ncStep a multiple of
 * NR) claimed through claim.ts, so that there are enough blocks for every thread (the host sizes them from the
 * thread count). Each C value is computed by one block in the same order whatever the split: the same bits on any
 * number of threads.
 */
export function gemmShared(
  m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, pb: usize,
  c: usize, ldc: i32, ctx: usize, scratchA: usize, edge: usize, mcStep: i32, ncStep: i32,
): void {
  const npad = (n + NR - 1) & ~(NR - 1);
  const colBlocks = (n + ncStep - 1) / ncStep;
  const blocks = ((m + mcStep - 1) / mcStep) * colBlocks;
  for (let u = claim(ctx, 1, blocks); u < blocks; u = claim(ctx, 1, blocks)) {
    const i = (u / colBlocks) * mcStep, j = (u % colBlocks) * ncStep;
    const mb = min(mcStep, m - i), nb = min(ncStep, n - j);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      for (let ic = 0; ic < mb; ic += MC) {
        const mc = min(MC, mb - ic);
        packA(scratchA, at(a, (i + ic) * ars + pc * acs), ars, acs, mc, kc);
        macro(mc, nb, kc, scratchA, at(pb, pc * npad + j * kc), at(c, (i + ic) * ldc + j), ldc, pc > 0, edge);
      }
    }
  }
}
