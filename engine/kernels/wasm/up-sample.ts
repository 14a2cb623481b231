// AssemblyScript. UpSampling2D over NHWC, 'nearest' and 'bilinear', and their gradients. 'nearest': forward, each
// output row copies its source row's pixels sw times (threads claim output rows); the gradient gathers each source
// pixel's sh × sw output gradients, summed in float32 in the order the outputs lie (row by row), the reference's
// order, so the same bits on any split (threads claim source rows). 'bilinear': see upSampleBilinearForward.
import { claim } from './claim';

export function upSampleForward(x: usize, out: usize, batch: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32, ctx: usize): void {
  const oh = h * sh, ow = w * sw;
  const rows = batch * oh;
  const pixel = <usize>c << 2;
  for (let r = claim(ctx, 1, rows); r < rows; r = claim(ctx, 1, rows)) {
    const b = r / oh, y = (r % oh) / sh;
    const src = x + <usize>((b * h + y) * w) * pixel;
    let dst = out + <usize>r * <usize>ow * pixel;
    for (let j = 0; j < w; j++)
      for (let t = 0; t < sw; t++, dst += pixel) memory.copy(dst, src + <usize>j * pixel, pixel);
  }
}

export function upSampleBackward(dy: usize, dx: usize, batch: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32, ctx: usize): void {
  const ow = w * sw;
  const rows = batch * h;
  const c4 = c & ~3;
  for (let r = claim(ctx, 1, rows); r < rows; r = claim(ctx, 1, rows)) {
    const b = r / h, y = r % h;
    for (let x = 0; x < w; x++) {
      const to = dx + (<usize>((r * w + x) * c) << 2);
      let k = 0;
      for (; k < c4; k += 4) {
        let acc = f32x4.splat(0);
        for (let di = 0; di < sh; di++)
          for (let dj = 0; dj < sw; dj++)
            acc = f32x4.add(acc, v128.load(dy + (<usize>(((b * h * sh + y * sh + di) * ow + x * sw + dj) * c + k) << 2)));
        v128.store(to + (<usize>k << 2), acc);
      }
      for (; k < c; k++) {
        let acc: f32 = 0;
        for (let di = 0; di < sh; di++)
          for (let dj = 0; dj < sw; dj++) acc += load<f32>(dy + (<usize>(((b * h * sh + y * sh + di) * ow + x * sw + dj) * c + k) << 2));
        store<f32>(to + (<usize>k << 2), acc);
      }
    }
  }
}

/** Bytes of one output row's or column's bilinear taps: lo and hi (i32), then their weights 1 - frac and frac (f64). */
const TAP: usize = 24;

/**
 * The taps of outputs 0..n over `size` sources by `factor`, the reference's bilinearTaps (engine/kernels/up-sample.ts)
 * in the same f64 arithmetic: output o samples s = (o + 0.5) / factor - 0.5 between lo = max(⌊s⌋, 0) and
 * hi = min(⌈s⌉, size - 1), hi weighing f32(s - ⌊s⌋).
 */
function bilinearTaps(table: usize, n: i32, size: i32, factor: i32): void {
  for (let o = 0; o < n; o++) {
    const s = (<f64>o + 0.5) / <f64>factor - 0.5;
    const f = Math.floor(s);
    const frac = <f64><f32>(s - f);
    const t = table + <usize>o * TAP;
    store<i32>(t, max(<i32>f, 0));
    store<i32>(t, min(<i32>Math.ceil(s), size - 1), 4);
    store<f64>(t, 1 - frac, 8);
    store<f64>(t, frac, 16);
  }
}

/** Lanes 2 and 3 of an f32x4 as an f64x2 (promote_low_f32x4 gives lanes 0 and 1). */
// @ts-ignore: decorator
@inline function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
}

/** Two f64x2 rounded to f32 and joined into one f32x4, lo's lanes first. */
// @ts-ignore: decorator
@inline function demoteJoin(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/**
 * 'bilinear' with the reference's arithmetic, so its bits on any thread count: each output value is the f64 sum
 * w0·x0 + w1·x1 + w2·x2 + w3·x3 of its four taps (top left, top right, bottom left, bottom right), each weight the f64
 * product of a row and a column weight, rounded once to f32; 4 channels at a time as two f64x2 (f64 is what keeps the
 * bits: in f32 the sums round differently). Threads claim output rows. taps: this thread's scratch, (oh + ow) · TAP
 * bytes, where each thread lays out the tables itself.
 */
export function upSampleBilinearForward(
  x: usize, out: usize, batch: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32, taps: usize, ctx: usize,
): void {
  const oh = h * sh, ow = w * sw;
  const rowTaps = taps, colTaps = taps + <usize>oh * TAP;
  bilinearTaps(rowTaps, oh, h, sh);
  bilinearTaps(colTaps, ow, w, sw);
  const pixel = <usize>c << 2;
  const c4 = c & ~3;
  const rows = batch * oh;
  for (let r = claim(ctx, 1, rows); r < rows; r = claim(ctx, 1, rows)) {
    const b = r / oh;
    const ty = rowTaps + <usize>(r % oh) * TAP;
    const image = x + <usize>(b * h) * <usize>w * pixel;
    const top = image + <usize>(load<i32>(ty) * w) * pixel, bottom = image + <usize>(load<i32>(ty, 4) * w) * pixel;
    const wyLo = load<f64>(ty, 8), wyHi = load<f64>(ty, 16);
    let dst = out + <usize>r * <usize>ow * pixel;
    for (let j = 0; j < ow; j++, dst += pixel) {
      const tx = colTaps + <usize>j * TAP;
      const left = <usize>load<i32>(tx) * pixel, right = <usize>load<i32>(tx, 4) * pixel;
      const wxLo = load<f64>(tx, 8), wxHi = load<f64>(tx, 16);
      const w0 = wyLo * wxLo, w1 = wyLo * wxHi, w2 = wyHi * wxLo, w3 = wyHi * wxHi;
      const p0 = top + left, p1 = top + right, p2 = bottom + left, p3 = bottom + right;
      const v0 = f64x2.splat(w0), v1 = f64x2.splat(w1), v2 = f64x2.splat(w2), v3 = f64x2.splat(w3);
      let k = 0;
      for (; k < c4; k += 4) {
        const o = <usize>k << 2;
        const a0 = v128.load(p0 + o), a1 = v128.load(p1 + o), a2 = v128.load(p2 + o), a3 = v128.load(p3 + o);
        let lo = f64x2.mul(v0, f64x2.promote_low_f32x4(a0));
        lo = f64x2.add(lo, f64x2.mul(v1, f64x2.promote_low_f32x4(a1)));
        lo = f64x2.add(lo, f64x2.mul(v2, f64x2.promote_low_f32x4(a2)));
        lo = f64x2.add(lo, f64x2.mul(v3, f64x2.promote_low_f32x4(a3)));
        let hi = f64x2.mul(v0, promoteHigh(a0));
        hi = f64x2.add(hi, f64x2.mul(v1, promoteHigh(a1)));
        hi = f64x2.add(hi, f64x2.mul(v2, promoteHigh(a2)));
        hi = f64x2.add(hi, f64x2.mul(v3, promoteHigh(a3)));
        v128.store(dst + o, demoteJoin(lo, hi));
      }
      for (; k < c; k++) {
        const o = <usize>k << 2;
        store<f32>(
          dst + o,
          <f32>(w0 * <f64>load<f32>(p0 + o) + w1 * <f64>load<f32>(p1 + o) + w2 * <f64>load<f32>(p2 + o) + w3 * <f64>load<f32>(p3 + o)),
        );
      }
    }
  }
}

/** dx[k] = f32(dx[k] + weight · g[k]) over c channels, in f64 as the reference's float32 array does it. */
// @ts-ignore: decorator
@inline function accumulate(dx: usize, g: usize, weight: f64, c: i32): void {
  const wv = f64x2.splat(weight);
  const c4 = c & ~3;
  let k = 0;
  for (; k < c4; k += 4) {
    const o = <usize>k << 2;
    const a = v128.load(dx + o), d = v128.load(g + o);
    const lo = f64x2.add(f64x2.promote_low_f32x4(a), f64x2.mul(wv, f64x2.promote_low_f32x4(d)));
    const hi = f64x2.add(promoteHigh(a), f64x2.mul(wv, promoteHigh(d)));
    v128.store(dx + o, demoteJoin(lo, hi));
  }
  for (; k < c; k++) {
    const o = <usize>k << 2;
    store<f32>(dx + o, <f32>(<f64>load<f32>(dx + o) + weight * <f64>load<f32>(g + o)));
  }
}

/**
 * Its gradient: each source pixel gathers weight · dy from the output pixels whose taps hold it, in the reference's
 * scatter order (output row, output column, then tap top left to bottom right), each added into its float32 value
 * in f64: the reference's bits on any thread count. Threads claim source rows; output rows (i) and columns (j)
 * that can reach source row y (column x) lie in [(y - 1)·sh, (y + 2)·sh) ([(x - 1)·sw, (x + 2)·sw)).
 */
export function upSampleBilinearBackward(
  dy: usize, dx: usize, batch: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32, taps: usize, ctx: usize,
): void {
  const oh = h * sh, ow = w * sw;
  const rowTaps = taps, colTaps = taps + <usize>oh * TAP;
  bilinearTaps(rowTaps, oh, h, sh);
  bilinearTaps(colTaps, ow, w, sw);
  const pixel = <usize>c << 2;
  const rows = batch * h;
  for (let r = claim(ctx, 1, rows); r < rows; r = claim(ctx, 1, rows)) {
    const b = r / h, y = r % h;
    const row = dx + <usize>r * <usize>w * pixel;
    memory.fill(row, 0, <usize>w * pixel);
    const i1 = min(oh, (y + 2) * sh);
    for (let i = max(0, (y - 1) * sh); i < i1; i++) {
      const ty = rowTaps + <usize>i * TAP;
      const top = load<i32>(ty) == y, bottom = load<i32>(ty, 4) == y;
      if (!top && !bottom) continue;
      const wyLo = load<f64>(ty, 8), wyHi = load<f64>(ty, 16);
      const grads = dy + <usize>(b * oh + i) * <usize>ow * pixel;
      for (let x = 0; x < w; x++) {
        const to = row + <usize>x * pixel;
        const j1 = min(ow, (x + 2) * sw);
        for (let j = max(0, (x - 1) * sw); j < j1; j++) {
          const tx = colTaps + <usize>j * TAP;
          const left = load<i32>(tx) == x, right = load<i32>(tx, 4) == x;
          if (!left && !right) continue;
          const wxLo = load<f64>(tx, 8), wxHi = load<f64>(tx, 16);
          const g = grads + <usize>j * pixel;
          if (top) {
            if (left) accumulate(to, g, wyLo * wxLo, c);
            if (right) accumulate(to, g, wyLo * wxHi, c);
          }
          if (bottom) {
            if (left) accumulate(to, g, wyHi * wxLo, c);
            if (right) accumulate(to, g, wyHi * wxHi, c);
          }
        }
      }
    }
  }
}
