// AssemblyScript. Depthwise convolution over NHWC with depth_multiplier 1 (MobileNet's, Xception's and EfficientNet's
// layers): output channel c sees only input channel c, so the channels are the SIMD lanes throughout, 16 at a time
// (4 vectors), then 4, then one by one. The forward pass and the input gradient gather: threads claim rows of output
// (forward) or input (gradient) pixels and each value sums its taps in tap order, the same on any thread count. The
// filter gradient sums over every pixel: SMALL_STRIPES fixed stripes of rows, each into its own partial sum, added in
// stripe order by the host (elementwise.ts addStripes). The geometry block is conv.ts's (outC = inC).
import { claim, part } from './claim';
import { fma } from './gemm';

const BATCH = 0, IN_H = 1, IN_W = 2, IN_C = 3, OUT_H = 4, OUT_W = 5, KH = 7, KW = 8;
const SH = 9, SW = 10, DH = 11, DW = 12, PAD_T = 13, PAD_L = 14;

// @ts-ignore: decorator
@inline function g(p: usize, field: i32): i32 {
  return load<i32>(p + (<usize>field << 2));
}

// @ts-ignore: decorator
@inline function at(base: usize, floats: i32): usize {
  return base + (<usize>floats << 2);
}

/**
 * out[c] = Σ over the taps of src[tap][c] · w[tap][c] for channels [0, n): the `taps` pairs of byte addresses are in
 * `list` (src, w), in tap order. add: out[c] += that sum, else out[c] = it.
 */
// @ts-ignore: decorator
@inline function tapSum(list: usize, taps: i32, out: usize, n: i32): void {
  let c = 0;
  for (; c + 16 <= n; c += 16) {
    const o = <usize>c << 2;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (let t = 0; t < taps; t++) {
      const s = load<usize>(list + (<usize>t << 3)) + o, w = load<usize>(list + (<usize>t << 3) + 4) + o;
      a0 = fma(v128.load(s), v128.load(w), a0);
      a1 = fma(v128.load(s, 16), v128.load(w, 16), a1);
      a2 = fma(v128.load(s, 32), v128.load(w, 32), a2);
      a3 = fma(v128.load(s, 48), v128.load(w, 48), a3);
    }
    v128.store(out + o, a0);
    v128.store(out + o, a1, 16);
    v128.store(out + o, a2, 32);
    v128.store(out + o, a3, 48);
  }
  for (; c + 4 <= n; c += 4) {
    const o = <usize>c << 2;
    let a = f32x4.splat(0);
    for (let t = 0; t < taps; t++)
      a = fma(v128.load(load<usize>(list + (<usize>t << 3)) + o), v128.load(load<usize>(list + (<usize>t << 3) + 4) + o), a);
    v128.store(out + o, a);
  }
  for (; c < n; c++) {
    const o = <usize>c << 2;
    let a: f32 = 0;
    for (let t = 0; t < taps; t++) a += load<f32>(load<usize>(list + (<usize>t << 3)) + o) * load<f32>(load<usize>(list + (<usize>t << 3) + 4) + o);
    store<f32>(out + o, a);
  }
}

/**
 * y = depthwise(x, w) (w: kh × kw × C), threads claiming rows of output pixels. `list`: this thread's scratch for
 * kh·kw (source, weight) address pairs.
 */
export function depthwiseForward(p: usize, x: usize, w: usize, y: usize, list: usize, ctx: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), c = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const kh = g(p, KH), kw = g(p, KW), sh = g(p, SH), sw = g(p, SW), dh = g(p, DH), dw = g(p, DW);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const rows = g(p, BATCH) * outH;
  for (let r = claim(ctx, 1, rows); r < rows; r = claim(ctx, 1, rows)) {
    const b = r / outH, oy = r % outH;
    for (let ox = 0; ox < outW; ox++) {
      let taps = 0;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - padT + ky * dh;
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - padL + kx * dw;
          if (ix < 0 || ix >= inW) continue;
          const e = list + (<usize>taps << 3);
          store<usize>(e, at(x, ((b * inH + iy) * inW + ix) * c));
          store<usize>(e + 4, at(w, (ky * kw + kx) * c));
          taps++;
        }
      }
      tapSum(list, taps, at(y, (r * outW + ox) * c), c);
    }
  }
}

/**
 * dx = the depthwise input gradient, gathered: each input pixel sums dy · w over the (output pixel, tap) pairs that
 * read it, in tap order. Threads claim rows of input pixels.
 */
export function depthwiseBackpropInput(p: usize, dy: usize, w: usize, dx: usize, list: usize, ctx: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), c = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const kh = g(p, KH), kw = g(p, KW), sh = g(p, SH), sw = g(p, SW), dh = g(p, DH), dw = g(p, DW);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const rows = g(p, BATCH) * inH;
  for (let r = claim(ctx, 1, rows); r < rows; r = claim(ctx, 1, rows)) {
    const b = r / inH, iy = r % inH;
    for (let ix = 0; ix < inW; ix++) {
      let taps = 0;
      for (let ky = 0; ky < kh; ky++) {
        const ty = iy + padT - ky * dh;
        if (ty < 0 || ty % sh != 0) continue;
        const oy = ty / sh;
        if (oy >= outH) continue;
        for (let kx = 0; kx < kw; kx++) {
          const tx = ix + padL - kx * dw;
          if (tx < 0 || tx % sw != 0) continue;
          const ox = tx / sw;
          if (ox >= outW) continue;
          const e = list + (<usize>taps << 3);
          store<usize>(e, at(dy, ((b * outH + oy) * outW + ox) * c));
          store<usize>(e + 4, at(w, (ky * kw + kx) * c));
          taps++;
        }
      }
      tapSum(list, taps, at(dx, (r * inW + ix) * c), c);
    }
  }
}

/**
 * dW partials: stripe s of `stripes` (claimed one at a time) sums x · dy over its contiguous run of output rows into
 * partials + s · kh·kw·C floats. The stripes depend on the shape only, so the host's in-order sum of them is the same
 * on any thread count.
 */
export function depthwiseBackpropFilter(p: usize, x: usize, dy: usize, partials: usize, stripes: i32, ctx: usize): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), c = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const kh = g(p, KH), kw = g(p, KW), sh = g(p, SH), sw = g(p, SW), dh = g(p, DH), dw = g(p, DW);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const rows = g(p, BATCH) * outH;
  const size = kh * kw * c;
  for (let s = claim(ctx, 1, stripes); s < stripes; s = claim(ctx, 1, stripes)) {
    const dw0 = at(partials, s * size);
    memory.fill(dw0, 0, <usize>size << 2);
    if (kw == 3) {
      filterRowsKw3(p, x, dy, dw0, part(rows, s, stripes), part(rows, s + 1, stripes));
      continue;
    }
    for (let r = part(rows, s, stripes), end = part(rows, s + 1, stripes); r < end; r++) {
      const b = r / outH, oy = r % outH;
      for (let ox = 0; ox < outW; ox++) {
        const d = at(dy, (r * outW + ox) * c);
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padT + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - padL + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            accumulate(at(dw0, (ky * kw + kx) * c), at(x, ((b * inH + iy) * inW + ix) * c), d, c);
          }
        }
      }
    }
  }
}

/**
 * depthwiseBackpropFilter's stripe for filters 3 wide (3×3, the usual depthwise size): output rows [r0, r1), filter
 * row by filter row, each of its three taps' sums for 4 channels kept in registers across the output row's pixels
 * (loaded and stored once a row, not once a pixel). Each sum takes its pixels in the same order as the pixel-by-pixel
 * loop, so the same bits: row by row, left to right.
 */
function filterRowsKw3(p: usize, x: usize, dy: usize, dw0: usize, r0: i32, r1: i32): void {
  const inH = g(p, IN_H), inW = g(p, IN_W), c = g(p, IN_C), outH = g(p, OUT_H), outW = g(p, OUT_W);
  const kh = g(p, KH), sh = g(p, SH), sw = g(p, SW), dh = g(p, DH), dw = g(p, DW);
  const padT = g(p, PAD_T), padL = g(p, PAD_L);
  const cs = <usize>c << 2;
  for (let r = r0; r < r1; r++) {
    const b = r / outH, oy = r % outH;
    const dRow = at(dy, r * outW * c);
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - padT + ky * dh;
      if (iy < 0 || iy >= inH) continue;
      const xRow = at(x, (b * inH + iy) * inW * c);
      const w0 = at(dw0, ky * 3 * c), w1 = w0 + cs, w2 = w1 + cs;
      let j = 0;
      // 8 channels at a time: six independent sums, enough to cover the latency of each one's chain of fmas.
      for (; j + 8 <= c; j += 8) {
        const o = <usize>j << 2;
        let a0 = v128.load(w0 + o), a1 = v128.load(w1 + o), a2 = v128.load(w2 + o);
        let b0 = v128.load(w0 + o, 16), b1 = v128.load(w1 + o, 16), b2 = v128.load(w2 + o, 16);
        for (let ox = 0; ox < outW; ox++) {
          const q = dRow + <usize>ox * cs + o;
          const d = v128.load(q), e = v128.load(q, 16);
          const ix0 = ox * sw - padL, ix1 = ix0 + dw, ix2 = ix1 + dw;
          if (ix0 >= 0 && ix0 < inW) {
            const t = xRow + <usize>ix0 * cs + o;
            a0 = fma(v128.load(t), d, a0);
            b0 = fma(v128.load(t, 16), e, b0);
          }
          if (ix1 >= 0 && ix1 < inW) {
            const t = xRow + <usize>ix1 * cs + o;
            a1 = fma(v128.load(t), d, a1);
            b1 = fma(v128.load(t, 16), e, b1);
          }
          if (ix2 >= 0 && ix2 < inW) {
            const t = xRow + <usize>ix2 * cs + o;
            a2 = fma(v128.load(t), d, a2);
            b2 = fma(v128.load(t, 16), e, b2);
          }
        }
        v128.store(w0 + o, a0);
        v128.store(w1 + o, a1);
        v128.store(w2 + o, a2);
        v128.store(w0 + o, b0, 16);
        v128.store(w1 + o, b1, 16);
        v128.store(w2 + o, b2, 16);
      }
      for (; j + 4 <= c; j += 4) {
        const o = <usize>j << 2;
        let a0 = v128.load(w0 + o), a1 = v128.load(w1 + o), a2 = v128.load(w2 + o);
        for (let ox = 0; ox < outW; ox++) {
          const d = v128.load(dRow + <usize>ox * cs + o);
          const ix0 = ox * sw - padL, ix1 = ix0 + dw, ix2 = ix1 + dw;
          if (ix0 >= 0 && ix0 < inW) a0 = fma(v128.load(xRow + <usize>ix0 * cs + o), d, a0);
          if (ix1 >= 0 && ix1 < inW) a1 = fma(v128.load(xRow + <usize>ix1 * cs + o), d, a1);
          if (ix2 >= 0 && ix2 < inW) a2 = fma(v128.load(xRow + <usize>ix2 * cs + o), d, a2);
        }
        v128.store(w0 + o, a0);
        v128.store(w1 + o, a1);
        v128.store(w2 + o, a2);
      }
      for (; j < c; j++) {
        const o = <usize>j << 2;
        let a0 = load<f32>(w0 + o), a1 = load<f32>(w1 + o), a2 = load<f32>(w2 + o);
        for (let ox = 0; ox < outW; ox++) {
          const d = load<f32>(dRow + <usize>ox * cs + o);
          const ix0 = ox * sw - padL, ix1 = ix0 + dw, ix2 = ix1 + dw;
          if (ix0 >= 0 && ix0 < inW) a0 = a0 + load<f32>(xRow + <usize>ix0 * cs + o) * d;
          if (ix1 >= 0 && ix1 < inW) a1 = a1 + load<f32>(xRow + <usize>ix1 * cs + o) * d;
          if (ix2 >= 0 && ix2 < inW) a2 = a2 + load<f32>(xRow + <usize>ix2 * cs + o) * d;
        }
        store<f32>(w0 + o, a0);
        store<f32>(w1 + o, a1);
        store<f32>(w2 + o, a2);
      }
    }
  }
}

/** out[c] += a[c] · b[c] for channels [0, n). */
// @ts-ignore: decorator
@inline function accumulate(out: usize, a: usize, b: usize, n: i32): void {
  let c = 0;
  for (; c + 4 <= n; c += 4) {
    const o = <usize>c << 2;
    v128.store(out + o, fma(v128.load(a + o), v128.load(b + o), v128.load(out + o)));
  }
  for (; c < n; c++) {
    const o = <usize>c << 2;
    store<f32>(out + o, load<f32>(out + o) + load<f32>(a + o) * load<f32>(b + o));
  }
}

/**
 * depth_multiplier m > 1 as the m = 1 kernels on channels repeated: out[p][c·m + j] = src[p][c] for `pixels` pixels
 * of c channels (threads claim rows of 64 pixels). The filter [kh, kw, C, m] read flat is already [kh, kw, C·m].
 */
export function repeatChannels(src: usize, out: usize, pixels: i32, c: i32, m: i32, ctx: usize): void {
  for (let p0 = claim(ctx, 64, pixels); p0 < pixels; p0 = claim(ctx, 64, pixels)) {
    const p1 = min(pixels, p0 + 64);
    let s = at(src, p0 * c), o = at(out, p0 * c * m);
    for (let i = p0 * c, end = p1 * c; i < end; i++, s += 4) {
      const v = load<f32>(s);
      for (let j = 0; j < m; j++, o += 4) store<f32>(o, v);
    }
  }
}

/** The input gradient back from repeated channels: out[p][c] = Σ_j src[p][c·m + j], in j order. */
export function sumChannelGroups(src: usize, out: usize, pixels: i32, c: i32, m: i32, ctx: usize): void {
  for (let p0 = claim(ctx, 64, pixels); p0 < pixels; p0 = claim(ctx, 64, pixels)) {
    const p1 = min(pixels, p0 + 64);
    let s = at(src, p0 * c * m), o = at(out, p0 * c);
    for (let i = p0 * c, end = p1 * c; i < end; i++, o += 4) {
      let acc: f32 = 0;
      for (let j = 0; j < m; j++, s += 4) acc += load<f32>(s);
      store<f32>(o, acc);
    }
  }
}
