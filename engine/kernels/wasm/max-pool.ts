// AssemblyScript. Max pooling over NHWC, one thread: each output value and (for the gradient) the element index of
// the first maximum of its window, as TensorFlow routes gradients. 4 channels at a time when C is a multiple of 4.
// The first in-bounds tap seeds the maximum and later taps replace it only when strictly greater (padding never
// wins, and a NaN never replaces nor is replaced), exactly the reference's rule.

/** out[o] = max of window o; idx[o] (i32, when idx ≠ 0) = index into x of that maximum. */
export function maxPoolForward(
  x: usize, out: usize, idx: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
): void {
  const simd = (c & 3) == 0;
  let o: i32 = 0;
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++, o += c) {
        const y0 = max(0, oy * sh - padT), y1 = min(inH, oy * sh - padT + kh);
        const x0 = max(0, ox * sw - padL), x1 = min(inW, ox * sw - padL + kw);
        const first = ((b * inH + y0) * inW + x0) * c;
        if (simd) {
          for (let j = 0; j < c; j += 4) {
            let best = v128.load(x + (<usize>(first + j) << 2));
            let at = i32x4.add(i32x4.splat(first + j), v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0));
            for (let iy = y0; iy < y1; iy++)
              for (let ix = x0; ix < x1; ix++) {
                const e = ((b * inH + iy) * inW + ix) * c + j;
                const v = v128.load(x + (<usize>e << 2));
                const wins = f32x4.gt(v, best);
                best = v128.bitselect(v, best, wins);
                at = v128.bitselect(i32x4.add(i32x4.splat(e), v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0)), at, wins);
              }
            v128.store(out + (<usize>(o + j) << 2), best);
            if (idx) v128.store(idx + (<usize>(o + j) << 2), at);
          }
        } else {
          for (let j = 0; j < c; j++) {
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
            store<f32>(out + (<usize>(o + j) << 2), best);
            if (idx) store<i32>(idx + (<usize>(o + j) << 2), bestAt);
          }
        }
      }
}

/** dx (xCount floats, zeroed here) gets each dy[o] added at idx[o]. */
export function maxPoolScatter(dy: usize, idx: usize, count: i32, dx: usize, xCount: i32): void {
  memory.fill(dx, 0, <usize>xCount << 2);
  for (let o = 0; o < count; o++) {
    const at = dx + (<usize>load<i32>(idx + (<usize>o << 2)) << 2);
    store<f32>(at, load<f32>(at) + load<f32>(dy + (<usize>o << 2)));
  }
}
