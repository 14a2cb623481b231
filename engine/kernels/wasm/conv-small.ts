// AssemblyScript. Conv2D with few input channels (a network's first layer: 1 for grey images, 3 for RGB), where
// K = kh·kw·inC is a handful of taps. im2col + GEMM spends more on packing those short rows than on the multiplies;
// here each output pixel is swept tap by tap straight from NHWC memory, outC in vectors held in registers: forward
// with the bias and activation applied before the store, and the filter gradient. Any geometry (strides, dilation,
// padding); outC a multiple of 4. Rows are (image, output row) pairs, numbered over batch·outH.
import { fma } from './gemm';
import { act4 } from './elementwise';
import { claim, part } from './claim';

// The geometry block written by the host (see conv.ts).
const BATCH = 0, IN_H = 1, IN_W = 2, IN_C = 3, OUT_H = 4, OUT_W = 5, OUT_C = 6, KH = 7, KW = 8;
const SH = 9, SW = 10, DH = 11, DW = 12, PAD_T = 13, PAD_L = 14;

// @ts-ignore: decorator
@inline function g(p: usize, field: i32): i32 {
  return load<i32>(p + (<usize>field << 2));
}

/** Output rows per claim: about 64 claims per op (claim.ts). */
// @ts-ignore: decorator
@inline function span(rows: i32): i32 {
  return max<i32>(1, (rows + 63) / 64);
}

/**
 * Stripes of the filter gradient: stripe s sums the s-th of `stripes` contiguous runs of output rows, in order, whichever thread claims it,
 * so the result is the same on any thread count (the host adds the stripes in order).
 */
export const SMALL_STRIPES: i32 = 16;

/**
 * y = act(conv(x, W) + bias) for output rows claimed ~64 at a time. W is the Keras filter (kh·kw·inC rows of outC);
 * bias 0: none; kind/slope as biasActivation's. `taps` holds each tap's (ky, kx, c) byte offset from the window's
 * top-left input value; `acc` is this thread's outC floats for the pixels whose window the padding cuts. Each pixel sums its taps in order, 8 vectors of outC
 * at a time, then adds the bias, as the separate passes would: the same bits on any thread count.
 */
export function conv2dSmallC(p: usize, x: usize, w: usize, bias: usize, y: usize, kind: i32, slope: f32, taps: usize, acc: usize, ctx: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W), outC = g(p, OUT_C);
  const kh = g(p, KH), kw = g(p, KW), sh = g(p, SH), sw = g(p, SW), dh = g(p, DH), dw = g(p, DW);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const rows = g(p, BATCH) * outH;
  const step = span(rows);
  const rowBytes = <usize>outC << 2;
  const k = kh * kw * inC;
  const s = f32x4.splat(slope);
  for (let r0 = claim(ctx, step, rows); r0 < rows; r0 = claim(ctx, step, rows)) {
    for (let r = r0; r < min(rows, r0 + step); r++) {
      const b = r / outH, oy = r % outH;
      const image = x + ((<usize>b * inH * inW * inC) << 2);
      const iy0 = oy * sh - padT;
      let out = y + <usize>r * outW * rowBytes;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padL;
        if (iy0 < 0 || iy0 + (kh - 1) * dh >= inH || ix0 < 0 || ix0 + (kw - 1) * dw >= inW) {
          // The padding cuts this window: its taps inside the image, summed in memory.
          edgePixel(image, iy0, ix0, p, w, bias, out, kind, s, acc);
          out += rowBytes;
          continue;
        }
        const src = image + ((<usize>(iy0 * inW + ix0) * inC) << 2);
        let j = 0;
        for (; j + 32 <= outC; j += 32) {
          let wt = w + (<usize>j << 2);
          let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
          for (let t = 0; t < k; t++) {
            const v = v128.load32_splat(src + <usize>load<i32>(taps + (<usize>t << 2)));
            a0 = fma(v, v128.load(wt), a0);
            a1 = fma(v, v128.load(wt, 16), a1);
            a2 = fma(v, v128.load(wt, 32), a2);
            a3 = fma(v, v128.load(wt, 48), a3);
            a4 = fma(v, v128.load(wt, 64), a4);
            a5 = fma(v, v128.load(wt, 80), a5);
            a6 = fma(v, v128.load(wt, 96), a6);
            a7 = fma(v, v128.load(wt, 112), a7);
            wt += rowBytes;
          }
          const o = out + (<usize>j << 2);
          v128.store(o, epilogue(a0, bias, j, kind, s));
          v128.store(o, epilogue(a1, bias, j + 4, kind, s), 16);
          v128.store(o, epilogue(a2, bias, j + 8, kind, s), 32);
          v128.store(o, epilogue(a3, bias, j + 12, kind, s), 48);
          v128.store(o, epilogue(a4, bias, j + 16, kind, s), 64);
          v128.store(o, epilogue(a5, bias, j + 20, kind, s), 80);
          v128.store(o, epilogue(a6, bias, j + 24, kind, s), 96);
          v128.store(o, epilogue(a7, bias, j + 28, kind, s), 112);
        }
        // Fewer than 32 channels left: one vector at a time.
        for (; j < outC; j += 4) {
          let wt = w + (<usize>j << 2);
          let a = f32x4.splat(0);
          for (let t = 0; t < k; t++) {
            a = fma(v128.load32_splat(src + <usize>load<i32>(taps + (<usize>t << 2))), v128.load(wt), a);
            wt += rowBytes;
          }
          v128.store(out + (<usize>j << 2), epilogue(a, bias, j, kind, s));
        }
        out += rowBytes;
      }
    }
  }
}

/** A pixel's 4 channels from j: + bias (when there is one), then the activation, as biasActivation computes them. */
// @ts-ignore: decorator
@inline function epilogue(a: v128, bias: usize, j: i32, kind: i32, s: v128): v128 {
  return act4(bias ? f32x4.add(a, v128.load(bias + (<usize>j << 2))) : a, kind, s);
}

/**
 * One output pixel whose window the padding cuts: its taps inside the image in order (ky, kx, c), accumulated in
 * `acc` (outC floats), then the epilogue, into out.
 */
function edgePixel(image: usize, iy0: i32, ix0: i32, p: usize, w: usize, bias: usize, out: usize, kind: i32, s: v128, acc: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), outC = g(p, OUT_C);
  const kh = g(p, KH), kw = g(p, KW), dh = g(p, DH), dw = g(p, DW);
  const rowBytes = <usize>outC << 2;
  memory.fill(acc, 0, rowBytes);
  for (let ky = 0; ky < kh; ky++) {
    const iy = iy0 + ky * dh;
    if (iy < 0 || iy >= inH) continue;
    for (let kx = 0; kx < kw; kx++) {
      const ix = ix0 + kx * dw;
      if (ix < 0 || ix >= inW) continue;
      for (let c = 0; c < inC; c++) {
        const v = v128.load32_splat(image + ((<usize>((iy * inW + ix) * inC + c)) << 2));
        const wt = w + <usize>((ky * kw + kx) * inC + c) * rowBytes;
        for (let q: usize = 0; q < rowBytes; q += 16) v128.store(acc + q, fma(v, v128.load(wt + q), v128.load(acc + q)));
      }
    }
  }
  for (let j = 0; j < outC; j += 4) v128.store(out + (<usize>j << 2), epilogue(v128.load(acc + (<usize>j << 2)), bias, j, kind, s));
}

/**
 * dW partials: stripe s (claimed one at a time; SMALL_STRIPES of them) gets Σ over its contiguous run of output rows,
 * in order, of x[tap] · dy for every tap (ky, kx, c), in `partials + s · K · outC`. Per row and tap, 8 vectors of outC
 * stay in registers while the row's pixels stream by.
 */
export function conv2dSmallCFilter(p: usize, x: usize, dy: usize, partials: usize, stripes: i32, ctx: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), inC = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W), outC = g(p, OUT_C);
  const kh = g(p, KH), kw = g(p, KW), sh = g(p, SH), sw = g(p, SW), dh = g(p, DH), dw = g(p, DW);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const rows = g(p, BATCH) * outH;
  const rowBytes = <usize>outC << 2;
  const size = <usize>(kh * kw * inC) * rowBytes;
  for (let st = claim(ctx, 1, stripes); st < stripes; st = claim(ctx, 1, stripes)) {
    const dwS = partials + <usize>st * size;
    memory.fill(dwS, 0, size);
    for (let r = part(rows, st, stripes), end = part(rows, st + 1, stripes); r < end; r++) {
      const b = r / outH, oy = r % outH;
      const image = x + ((<usize>b * inH * inW * inC) << 2);
      const dyRow = dy + <usize>r * outW * rowBytes;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - padT + ky * dh;
        if (iy < 0 || iy >= inH) continue;
        const xRow = image + ((<usize>(iy * inW) * inC) << 2);
        for (let kx = 0; kx < kw; kx++) {
          // The pixels whose tap lands inside the row: ox*sw − padL + kx*dw in [0, inW).
          const off = kx * dw - padL;
          const ox0 = off >= 0 ? 0 : (-off + sw - 1) / sw;
          const ox1 = min(outW, inW - off > 0 ? (inW - off + sw - 1) / sw : 0);
          if (ox0 >= ox1) continue;
          for (let c = 0; c < inC; c++) {
            const acc = dwS + <usize>((ky * kw + kx) * inC + c) * rowBytes;
            const xs = xRow + ((<usize>c) << 2);
            let j = 0;
            for (; j + 32 <= outC; j += 32) {
              const at = acc + (<usize>j << 2);
              let a0 = v128.load(at), a1 = v128.load(at, 16), a2 = v128.load(at, 32), a3 = v128.load(at, 48);
              let a4 = v128.load(at, 64), a5 = v128.load(at, 80), a6 = v128.load(at, 96), a7 = v128.load(at, 112);
              let d = dyRow + <usize>ox0 * rowBytes + (<usize>j << 2);
              let xp = xs + ((<usize>((ox0 * sw + off) * inC)) << 2);
              const xStep = <usize>(sw * inC) << 2;
              for (let ox = ox0; ox < ox1; ox++) {
                const v = v128.load32_splat(xp);
                a0 = fma(v, v128.load(d), a0);
                a1 = fma(v, v128.load(d, 16), a1);
                a2 = fma(v, v128.load(d, 32), a2);
                a3 = fma(v, v128.load(d, 48), a3);
                a4 = fma(v, v128.load(d, 64), a4);
                a5 = fma(v, v128.load(d, 80), a5);
                a6 = fma(v, v128.load(d, 96), a6);
                a7 = fma(v, v128.load(d, 112), a7);
                d += rowBytes;
                xp += xStep;
              }
              v128.store(at, a0); v128.store(at, a1, 16); v128.store(at, a2, 32); v128.store(at, a3, 48);
              v128.store(at, a4, 64); v128.store(at, a5, 80); v128.store(at, a6, 96); v128.store(at, a7, 112);
            }
            for (; j < outC; j += 4) {
              const at = acc + (<usize>j << 2);
              let a = v128.load(at);
              let d = dyRow + <usize>ox0 * rowBytes + (<usize>j << 2);
              let xp = xs + ((<usize>((ox0 * sw + off) * inC)) << 2);
              const xStep = <usize>(sw * inC) << 2;
              for (let ox = ox0; ox < ox1; ox++) {
                a = fma(v128.load32_splat(xp), v128.load(d), a);
                d += rowBytes;
                xp += xStep;
              }
              v128.store(at, a);
            }
          }
        }
      }
    }
  }
}
