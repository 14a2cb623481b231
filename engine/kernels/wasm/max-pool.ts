// AssemblyScript. Max pooling over NHWC: each output value and (for the gradient) the element index of the first
// maximum of its window, as TensorFlow routes gradients. 4 channels at a time when C is a multiple of 4. The first
// in-bounds tap seeds the maximum and later taps replace it only when strictly greater (padding never wins, and a
// NaN never replaces nor is replaced), exactly the reference's rule. Threads claim output rows (forward) or whole
// images (gradient: an image's windows only touch that image's dx, so the scatter order is the one-thread order).
import { claim } from './elementwise';

const ROWS: i32 = 4;

/**
 * Window (b, oy, ox) over channels [j, j + 4) (or channel j alone when !simd): the maximum goes to out (when ≠ 0),
 * dy at o is added to dx at the maximum's index (when dx ≠ 0).
 */
// @ts-ignore: decorator
@inline function window(
  x: usize, b: i32, oy: i32, ox: i32, o: i32, inH: i32, inW: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
  out: usize, dy: usize, dx: usize,
): void {
  const y0 = max(0, oy * sh - padT), y1 = min(inH, oy * sh - padT + kh);
  const x0 = max(0, ox * sw - padL), x1 = min(inW, ox * sw - padL + kw);
  const first = ((b * inH + y0) * inW + x0) * c;
  const lanes = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0);
  let j = 0;
  if ((c & 3) == 0) {
    for (; j < c; j += 4) {
      let best = v128.load(x + (<usize>(first + j) << 2));
      let at = i32x4.add(i32x4.splat(first + j), lanes);
      for (let iy = y0; iy < y1; iy++)
        for (let ix = x0; ix < x1; ix++) {
          const e = ((b * inH + iy) * inW + ix) * c + j;
          const v = v128.load(x + (<usize>e << 2));
          const wins = f32x4.gt(v, best);
          best = v128.bitselect(v, best, wins);
          at = v128.bitselect(i32x4.add(i32x4.splat(e), lanes), at, wins);
        }
      if (out) v128.store(out + (<usize>(o + j) << 2), best);
      if (dx) {
        const g = dy + (<usize>(o + j) << 2);
        for (let l = 0; l < 4; l++) {
          const p = dx + (<usize>i32x4.extract_lane(at, 0) << 2);
          at = i32x4.shuffle(at, at, 1, 2, 3, 0);
          store<f32>(p, load<f32>(p) + load<f32>(g + (<usize>l << 2)));
        }
      }
    }
    return;
  }
  for (; j < c; j++) {
    let bestAt = first + j;
    let best = load<f32>(x + (<usize>bestAt << 2));
    for (let iy = y0; iy < y1; iy++)
      for (let ix = x0; ix < x1; ix++) {
        const e = ((b * inH + iy) * inW + ix) * c + j;
        const v = load<f32>(x + (<usize>e << 2));
        if (v > best) {
          best = v;
          bestAt = e;
        }
      }
    if (out) store<f32>(out + (<usize>(o + j) << 2), best);
    if (dx) {
      const p = dx + (<usize>bestAt << 2);
      store<f32>(p, load<f32>(p) + load<f32>(dy + (<usize>(o + j) << 2)));
    }
  }
}

/** out = the maximum of every window, threads claiming ROWS output rows (over batch · outH) at a time. */
export function maxPoolForward(
  x: usize, out: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32, counter: usize,
): void {
  const rows = batch * outH;
  for (let r0 = claim(counter, ROWS); r0 < rows; r0 = claim(counter, ROWS)) {
    for (let r = r0; r < min(rows, r0 + ROWS); r++) {
      const b = r / outH, oy = r % outH;
      for (let ox = 0; ox < outW; ox++) window(x, b, oy, ox, (r * outW + ox) * c, inH, inW, c, kh, kw, sh, sw, padT, padL, out, 0, 0);
    }
  }
}

/** dx (zeroed here) gets each dy added at its window's first maximum, threads claiming whole images. */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32, counter: usize,
): void {
  const image = <usize>(inH * inW * c) << 2;
  for (let b = claim(counter, 1); b < batch; b = claim(counter, 1)) {
    memory.fill(dx + <usize>b * image, 0, image);
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        window(x, b, oy, ox, ((b * outH + oy) * outW + ox) * c, inH, inW, c, kh, kw, sh, sw, padT, padL, 0, dy, dx);
  }
}
