// AssemblyScript. Conv2D (NHWC, filter kh×kw×inC×outC) as GEMM over im2col blocks built on the fly, so the full
// im2col matrix (K = kh·kw·inC columns per output pixel) is never materialized: the forward pass packs each block
// of BLOCK output pixels straight into the GEMM's packed-A panels; the backward passes unroll a BLOCK×K buffer that
// stays in cache. With many input channels the forward pass skips even that (conv2dDirect reads each tap's channels
// in place); 3×3 stride-1 filters take winograd.ts instead. Rows are output pixels numbered over batch·outH·outW,
// and threads share them out in chunks.
import { claim, part } from './claim';
import { KC, MR, NR, fma, gemm, gemmPrepacked, macro, packB, storeTransposed4 } from './gemm';

/** Output pixels per conv2dDirect tile. */
export const DR: i32 = 4;

export const BLOCK: i32 = 128;

// The geometry block written by the host as 15 consecutive i32.
const BATCH = 0, IN_H = 1, IN_W = 2, IN_C = 3, OUT_H = 4, OUT_W = 5, OUT_C = 6, KH = 7, KW = 8;
const SH = 9, SW = 10, DH = 11, DW = 12, PAD_T = 13, PAD_L = 14;

// @ts-ignore: decorator
@inline function g(p: usize, field: i32): i32 {
  return load<i32>(p + (<usize>field << 2));
}

/** Writes the im2col rows of output pixels [r0, r0 + mb) to col (mb × K, row-major). */
export function im2colBlock(p: usize, x: usize, r0: i32, mb: i32, col: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const kh = g(p, KH), kw = g(p, KW), sh = g(p, SH), sw = g(p, SW), dh = g(p, DH), dw = g(p, DW);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const bytes = <usize>inC << 2;
  const perImage = outH * outW;
  let dst = col;
  for (let r = r0; r < r0 + mb; r++) {
    const b = r / perImage, rem = r % perImage;
    const oy = rem / outW, ox = rem % outW;
    const image = x + ((<usize>b * inH * inW * inC) << 2);
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - padT + ky * dh;
      if (iy < 0 || iy >= inH) {
        memory.fill(dst, 0, bytes * kw);
        dst += bytes * kw;
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - padL + kx * dw;
        if (ix < 0 || ix >= inW) memory.fill(dst, 0, bytes);
        // One channel (a first layer): memory.copy's call costs more than the 4 bytes it would move.
        else if (inC == 1) store<f32>(dst, load<f32>(image + ((<usize>(iy * inW + ix)) << 2)));
        else memory.copy(dst, image + ((<usize>(iy * inW + ix) * inC) << 2), bytes);
        dst += bytes;
      }
    }
  }
}

/**
 * im2col and GEMM packing fused: writes columns [pc, pc + kc) of the im2col rows of output pixels [r0, r0 + mb)
 * straight into packed-A panels (MR pixels interleaved), four channels at a time through a 4×4 transpose.
 */
export function packIm2col(p: usize, x: usize, r0: i32, mb: i32, pc: i32, kc: i32, dst: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const kw = g(p, KW), sh = g(p, SH), sw = g(p, SW), dh = g(p, DH), dw = g(p, DW);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const perImage = outH * outW;
  const t0 = pc / inC, t1 = (pc + kc - 1) / inC;
  for (let i = 0; i < mb; i += MR) {
    // Per lane: the pixel's image base and top-left input position; lanes past mb read as padding.
    let img0: usize = 0, img1: usize = 0, img2: usize = 0, img3: usize = 0;
    let y0 = 0, y1 = 0, y2 = 0, y3 = 0, x0 = 0, x1 = 0, x2 = 0, x3 = 0;
    for (let lane = 0; lane < MR; lane++) {
      const r = r0 + i + lane;
      const b = r / perImage, rem = r % perImage;
      const valid = i + lane < mb;
      const img = x + ((<usize>b * inH * inW * inC) << 2);
      const iy = valid ? (rem / outW) * sh - padT : -1000000, ix = (rem % outW) * sw - padL;
      if (lane == 0) { img0 = img; y0 = iy; x0 = ix; }
      else if (lane == 1) { img1 = img; y1 = iy; x1 = ix; }
      else if (lane == 2) { img2 = img; y2 = iy; x2 = ix; }
      else { img3 = img; y3 = iy; x3 = ix; }
    }
    let out = dst + ((<usize>i * kc) << 2);
    for (let t = t0; t <= t1; t++) {
      const ky = t / kw, kx = t % kw;
      const c0 = max(pc - t * inC, 0), c1 = min(pc + kc - t * inC, inC);
      const s0 = source(img0, y0 + ky * dh, x0 + kx * dw, inH, inW, inC);
      const s1 = source(img1, y1 + ky * dh, x1 + kx * dw, inH, inW, inC);
      const s2 = source(img2, y2 + ky * dh, x2 + kx * dw, inH, inW, inC);
      const s3 = source(img3, y3 + ky * dh, x3 + kx * dw, inH, inW, inC);
      let c = c0;
      if (s0 && s1 && s2 && s3) {
        for (; c + 4 <= c1; c += 4) {
          const o = <usize>c << 2;
          storeTransposed4(out, v128.load(s0 + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o));
          out += 64;
        }
      }
      for (; c < c1; c++) {
        const o = <usize>c << 2;
        store<f32>(out, s0 ? load<f32>(s0 + o) : 0);
        store<f32>(out, s1 ? load<f32>(s1 + o) : 0, 4);
        store<f32>(out, s2 ? load<f32>(s2 + o) : 0, 8);
        store<f32>(out, s3 ? load<f32>(s3 + o) : 0, 12);
        out += 16;
      }
    }
  }
}

/** Address of input pixel (iy, ix)'s channels, or 0 when it lies in the padding. */
// @ts-ignore: decorator
@inline function source(img: usize, iy: i32, ix: i32, inH: i32, inW: i32, inC: i32): usize {
  return iy >= 0 && iy < inH && ix >= 0 && ix < inW ? img + ((<usize>(iy * inW + ix) * inC) << 2) : 0;
}

/** Adds the mb × K block dcol back onto the input positions it was gathered from (the adjoint of im2colBlock). */
export function col2imBlock(p: usize, dcol: usize, r0: i32, mb: i32, dx: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const kh = g(p, KH), kw = g(p, KW), sh = g(p, SH), sw = g(p, SW), dh = g(p, DH), dw = g(p, DW);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const perImage = outH * outW;
  const vecEnd = inC & ~3;
  let src = dcol;
  for (let r = r0; r < r0 + mb; r++) {
    const b = r / perImage, rem = r % perImage;
    const oy = rem / outW, ox = rem % outW;
    const image = dx + ((<usize>b * inH * inW * inC) << 2);
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - padT + ky * dh;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - padL + kx * dw;
        if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
          const dst = image + ((<usize>(iy * inW + ix) * inC) << 2);
          let c = 0;
          for (; c < vecEnd; c += 4) {
            const o = <usize>c << 2;
            v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
          }
          for (; c < inC; c++) {
            const o = <usize>c << 2;
            store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
          }
        }
        src += <usize>inC << 2;
      }
    }
  }
}

// @ts-ignore: decorator
@inline function patch(p: usize): i32 {
  return g(p, KH) * g(p, KW) * g(p, IN_C);
}

// Threads share the work through claim contexts (claim.ts): each takes the next chunk, its home range first, until
// none is left, so a thread the OS delays (the machine is shared) just takes fewer chunks.

/** y = im2col(x) · W over chunks of BLOCK output pixels, with W packed once by packBFull (K × outC); scratchA holds BLOCK × KC. */
export function conv2dForward(p: usize, x: usize, packedW: usize, y: usize, ctx: usize, scratchA: usize, edge: usize): void {
  const k = patch(p), outC = g(p, OUT_C);
  const rows = g(p, BATCH) * g(p, OUT_H) * g(p, OUT_W);
  const npad = (outC + NR - 1) & ~(NR - 1);
  for (let r = claim(ctx, BLOCK, rows); r < rows; r = claim(ctx, BLOCK, rows)) {
    const mb = min(BLOCK, rows - r);
    const yr = y + ((<usize>r * outC) << 2);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packIm2col(p, x, r, mb, pc, kc, scratchA);
      macro(mb, outC, kc, scratchA, packedW + ((<usize>pc * npad) << 2), yr, outC, pc > 0, edge);
    }
  }
}

/** Panels of NR columns per claimed unit of packFilterPanelsShared. */
const PACK_UNIT_PANELS: i32 = 8;

/**
 * Packs `positions` k × n matrices, one after another in `u` (k · n floats each), as NR-column panels of all k rows
 * each (no KC chunks), as conv2dDirect and the Winograd kernels read them: matrix ξ's panels at dst + ξ · k · npad
 * floats. `transposed`: element (p, j) of a matrix is u's [j · k + p] (the input gradient's turned filter, whose
 * channels swap), read 4 × 8 at a time through lane shuffles. Threads claim PACK_UNIT_PANELS panels of one matrix.
 */
export function packFilterPanelsShared(dst: usize, u: usize, positions: i32, k: i32, n: i32, transposed: i32, ctx: usize): void {
  const npad = (n + NR - 1) & ~(NR - 1);
  const groups = (npad / NR + PACK_UNIT_PANELS - 1) / PACK_UNIT_PANELS;
  const units = positions * groups;
  const plane = <usize>(k * n) << 2;
  for (let unit = claim(ctx, 1, units); unit < units; unit = claim(ctx, 1, units)) {
    const xi = unit / groups, j0 = (unit % groups) * PACK_UNIT_PANELS * NR;
    const cols = min(PACK_UNIT_PANELS * NR, n - j0);
    const out = dst + ((<usize>xi * k * npad + <usize>j0 * k) << 2);
    const src = u + <usize>xi * plane;
    if (!transposed) packB(out, src + (<usize>j0 << 2), n, 1, k, cols);
    else packTransposed(out, src + ((<usize>j0 * k) << 2), k, cols);
  }
}

/**
 * NR-column panels of the k × cols matrix whose element (p, j) is at src[j · k + p]: where a panel is whole and k a
 * multiple of 4, 4 rows of its 8 columns come from 8 loads and two 4 × 4 lane transposes.
 */
// @ts-ignore: decorator
@inline function packTransposed(dst: usize, src: usize, k: i32, cols: i32): void {
  const col = <usize>k << 2;
  for (let j = 0; j < cols; j += NR) {
    const c = min(NR, cols - j);
    const s = src + <usize>j * col;
    if (c == NR && (k & 3) == 0) {
      for (let p = 0; p < k; p += 4) {
        const q = s + (<usize>p << 2);
        const a0 = v128.load(q), a1 = v128.load(q + col), a2 = v128.load(q + 2 * col), a3 = v128.load(q + 3 * col);
        const a4 = v128.load(q + 4 * col), a5 = v128.load(q + 5 * col), a6 = v128.load(q + 6 * col);
        const a7 = v128.load(q + 7 * col);
        storeRows4(dst, a0, a1, a2, a3);
        storeRows4(dst + 16, a4, a5, a6, a7);
        dst += 4 * NR * 4;
      }
    } else {
      for (let p = 0; p < k; p++) {
        for (let l = 0; l < NR; l++) {
          store<f32>(dst, l < c ? load<f32>(s + <usize>l * col + (<usize>p << 2)) : 0);
          dst += 4;
        }
      }
    }
  }
}

/** Columns a, b, c, d (4 rows each) as 4 rows of a panel (NR floats apart): row r gets a[r] b[r] c[r] d[r]. */
// @ts-ignore: decorator
@inline function storeRows4(dst: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), t1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(c, d, 0, 4, 1, 5), t3 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7), NR * 4);
  v128.store(dst, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5), 2 * NR * 4);
  v128.store(dst, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7), 3 * NR * 4);
}

/** Lane l's first input channel for tap (ky, kx), or the zero row when that tap falls in the padding. */
// @ts-ignore: decorator
@inline function tapSource(img: usize, iy: i32, ix: i32, inH: i32, inW: i32, inC: i32, zeros: usize): usize {
  return iy >= 0 && iy < inH && ix >= 0 && ix < inW ? img + ((<usize>(iy * inW + ix) * inC) << 2) : zeros;
}

/**
 * One DR×NR tile of y (DR output pixels × NR output channels) summed over every tap and input channel, reading the
 * input straight from x: for NHWC data a tap's inC values are contiguous, so the im2col row is never written out.
 */
// @ts-ignore: decorator
@inline function directTile(
  img0: usize, img1: usize, img2: usize, img3: usize, y0: i32, y1: i32, y2: i32, y3: i32, x0: i32, x1: i32, x2: i32, x3: i32,
  p: usize, panel: usize, out: usize, ldo: i32, zeros: usize,
): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), kh = g(p, KH), kw = g(p, KW), dh = g(p, DH), dw = g(p, DW);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let pb = panel;
  const bytes = <usize>inC << 2;
  for (let ky = 0; ky < kh; ky++) {
    const oy = ky * dh;
    for (let kx = 0; kx < kw; kx++) {
      const ox = kx * dw;
      const s0 = tapSource(img0, y0 + oy, x0 + ox, inH, inW, inC, zeros);
      const s1 = tapSource(img1, y1 + oy, x1 + ox, inH, inW, inC, zeros);
      const s2 = tapSource(img2, y2 + oy, x2 + ox, inH, inW, inC, zeros);
      const s3 = tapSource(img3, y3 + oy, x3 + ox, inH, inW, inC, zeros);
      for (let o: usize = 0; o < bytes; o += 4) {
        const b0 = v128.load(pb), b1 = v128.load(pb, 16);
        let a = v128.load32_splat(s0 + o);
        c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
        a = v128.load32_splat(s1 + o);
        c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
        a = v128.load32_splat(s2 + o);
        c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
        a = v128.load32_splat(s3 + o);
        c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
        pb += 32;
      }
    }
  }
  const row = <usize>ldo << 2;
  const r1 = out + row, r2 = r1 + row, r3 = r2 + row;
  v128.store(out, c00); v128.store(out, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

/**
 * y = conv(x, W) without im2col: threads claim BLOCK output pixels at a time; each DR-pixel group is swept by every
 * NR-channel panel of W (packed once by packFilterPanels; all of it stays in L1/L2 for small outC), each tile summing
 * taps then channels in order, so a pixel's result doesn't depend on how the rows were shared out. `zeros` holds
 * inC zero floats (the padding), `edge` DR×NR floats (partial tiles).
 */
export function conv2dDirect(p: usize, x: usize, panels: usize, y: usize, ctx: usize, zeros: usize, edge: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W), outC = g(p, OUT_C);
  const sh = g(p, SH), sw = g(p, SW), padT = g(p, PAD_T), padL = g(p, PAD_L);
  const k = patch(p);
  const perImage = outH * outW;
  const rows = g(p, BATCH) * perImage;
  const imageBytes = <usize>(inH * inW * inC) << 2;
  for (let r0 = claim(ctx, BLOCK, rows); r0 < rows; r0 = claim(ctx, BLOCK, rows)) {
    const end = min(r0 + BLOCK, rows);
    for (let r = r0; r < end; r += DR) {
      const live = min(DR, end - r);
      // Lanes past the end repeat the last pixel (so every address is valid) and are not stored.
      let img0: usize = 0, img1: usize = 0, img2: usize = 0, img3: usize = 0;
      let y0 = 0, y1 = 0, y2 = 0, y3 = 0, x0 = 0, x1 = 0, x2 = 0, x3 = 0;
      for (let lane = 0; lane < DR; lane++) {
        const q = r + min(lane, live - 1);
        const b = q / perImage, rem = q % perImage;
        const img = x + <usize>b * imageBytes;
        const iy = (rem / outW) * sh - padT, ix = (rem % outW) * sw - padL;
        if (lane == 0) { img0 = img; y0 = iy; x0 = ix; }
        else if (lane == 1) { img1 = img; y1 = iy; x1 = ix; }
        else if (lane == 2) { img2 = img; y2 = iy; x2 = ix; }
        else { img3 = img; y3 = iy; x3 = ix; }
      }
      const yr = y + ((<usize>r * outC) << 2);
      for (let j = 0; j < outC; j += NR) {
        const panel = panels + ((<usize>j * k) << 2);
        const cols = min(NR, outC - j);
        if (live == DR && cols == NR) {
          directTile(img0, img1, img2, img3, y0, y1, y2, y3, x0, x1, x2, x3, p, panel, yr + (<usize>j << 2), outC, zeros);
          continue;
        }
        directTile(img0, img1, img2, img3, y0, y1, y2, y3, x0, x1, x2, x3, p, panel, edge, NR, zeros);
        for (let i = 0; i < live; i++) {
          for (let q = 0; q < cols; q++) store<f32>(yr + ((<usize>(i * outC + j + q)) << 2), load<f32>(edge + ((<usize>(i * NR + q)) << 2)));
        }
      }
    }
  }
}

/**
 * dx = col2im(dy · Wᵀ) one whole image per chunk (pixels of one image write to overlapping input positions, so an
 * image belongs to one thread), with Wᵀ packed once (outC × K).
 */
export function conv2dBackpropInput(p: usize, dy: usize, packedWt: usize, dx: usize, ctx: usize, dcol: usize, scratchA: usize, edge: usize): void {
  const k = patch(p), outC = g(p, OUT_C);
  const perImage = g(p, OUT_H) * g(p, OUT_W);
  const imageBytes = <usize>(g(p, IN_H) * g(p, IN_W) * g(p, IN_C)) << 2;
  const images = g(p, BATCH);
  for (let b = claim(ctx, 1, images); b < images; b = claim(ctx, 1, images)) {
    memory.fill(dx + <usize>b * imageBytes, 0, imageBytes);
    const end = (b + 1) * perImage;
    for (let r = b * perImage; r < end; r += BLOCK) {
      const mb = min(BLOCK, end - r);
      gemmPrepacked(mb, k, outC, dy + ((<usize>r * outC) << 2), outC, 1, packedWt, dcol, k, false, scratchA, edge);
      col2imBlock(p, dcol, r, mb, dx);
    }
  }
}

/**
 * dw (K × outC) = Σ over blocks of im2col(x block)ᵀ · dy block, as `stripes` partial sums: stripe s sums the s-th
 * of `stripes` contiguous runs of blocks, in order, into its own buffer, whichever thread claims it. The caller adds the stripes up in
 * order, so the result doesn't depend on which thread ran what: the same seed trains to the same numbers.
 */
export function conv2dBackpropFilter(p: usize, x: usize, dy: usize, partials: usize, stripes: i32, ctx: usize, col: usize, scratchA: usize, scratchB: usize, edge: usize): void {
  const k = patch(p), outC = g(p, OUT_C);
  const rows = g(p, BATCH) * g(p, OUT_H) * g(p, OUT_W);
  const blocks = (rows + BLOCK - 1) / BLOCK;
  const bytes = <usize>(k * outC) << 2;
  for (let s = claim(ctx, 1, stripes); s < stripes; s = claim(ctx, 1, stripes)) {
    const dw = partials + <usize>s * bytes;
    memory.fill(dw, 0, bytes);
    for (let b = part(blocks, s, stripes), end = part(blocks, s + 1, stripes); b < end; b++) {
      const r = b * BLOCK;
      const mb = min(BLOCK, rows - r);
      im2colBlock(p, x, r, mb, col);
      gemm(k, outC, mb, col, 1, k, dy + ((<usize>r * outC) << 2), outC, 1, dw, outC, true, scratchA, scratchB, edge);
    }
  }
}
