// AssemblyScript. Max pooling over NHWC: each output value and (for the gradient) the element index of the first
// maximum of its window, as TensorFlow routes gradients. 4 channels at a time when C is a multiple of 4. The first
// in-bounds tap seeds the maximum and later taps replace it only when strictly greater (padding never wins, and a
// NaN never replaces nor is replaced), exactly the reference's rule. Threads claim output rows (forward) or whole
// images (gradient: an image's windows only touch that image's dx, so the scatter order is the one-thread order);
// windows that tile the input (stride = size, no padding: 2×2 pooling) take a straight path that writes dx once.
import { claim } from './claim';

/** The fewest output rows a thread claims at once. */
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

/**
 * Whether the windows tile the input without overlap or padding (stride = pool size, the common 2×2 pooling) and C is
 * whole vectors: then every input value lies in at most one window, and tiledRow handles a row of windows at once.
 */
// @ts-ignore: decorator
@inline function tiles(inH: i32, inW: i32, c: i32, outH: i32, outW: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32): bool {
  return (c & 3) == 0 && kh == sh && kw == sw && padT == 0 && padL == 0 && outH * kh <= inH && outW * kw <= inW;
}

/**
 * Output row r (over batch · outH) when the windows tile the input: out gets each window's maximum (out ≠ 0), or dx
 * gets dy at each window's first maximum and 0 at its other taps and at the input values no window covers (dx ≠ 0).
 * window()'s rule in fewer instructions: pmax(best, v) is `best < v ? v : best` (a NaN never replaces nor is
 * replaced); the maximum is then the first tap where it is reached, or tap 0 when the maximum is tap 0's NaN.
 * dx is 0 + dy, as the reference adds, so a −0 lands as +0.
 */
function tiledRow(x: usize, r: i32, outH: i32, inH: i32, inW: i32, c: i32, outW: i32, kh: i32, kw: i32, out: usize, dy: usize, dx: usize): void {
  const b = r / outH, oy = r % outH;
  const rowBytes = <usize>(inW * c) << 2;
  const top = <usize>(b * inH + oy * kh) * rowBytes;
  const tapBytes = <usize>(kw * c) << 2, cBytes = <usize>c << 2;
  const zero = f32x4.splat(0);
  let o = <usize>(r * outW * c) << 2;
  for (let ox = 0; ox < outW; ox++) {
    const first = top + <usize>ox * tapBytes;
    for (let j: usize = 0; j < cBytes; j += 16) {
      const e0 = first + j;
      const v0 = v128.load(x + e0);
      let best = v0;
      for (let iy = 0; iy < kh; iy++) {
        const row = x + e0 + <usize>iy * rowBytes;
        for (let ix = iy == 0 ? 1 : 0; ix < kw; ix++) best = f32x4.pmax(best, v128.load(row + <usize>ix * cBytes));
      }
      if (out) v128.store(out + o + j, best);
      if (dx) {
        const g = v128.load(dy + o + j);
        let open = f32x4.lt(v0, best); // lanes whose maximum is past tap 0
        v128.store(dx + e0, f32x4.add(zero, v128.andnot(g, open)));
        for (let iy = 0; iy < kh; iy++) {
          const at = e0 + <usize>iy * rowBytes;
          for (let ix = iy == 0 ? 1 : 0; ix < kw; ix++) {
            const tap = at + <usize>ix * cBytes;
            const hit = v128.and(open, f32x4.eq(v128.load(x + tap), best));
            open = v128.andnot(open, hit);
            v128.store(dx + tap, f32x4.add(zero, v128.and(g, hit)));
          }
        }
      }
    }
    o += cBytes;
  }
  if (!dx) return;
  // Columns right of the last window, and, below the last row of windows, whole rows.
  const covered = <usize>(outW * kw * c) << 2;
  if (covered < rowBytes)
    for (let iy = 0; iy < kh; iy++) memory.fill(dx + top + <usize>iy * rowBytes + covered, 0, rowBytes - covered);
  if (oy == outH - 1 && outH * kh < inH) {
    const below = <usize>(b * inH + outH * kh) * rowBytes;
    memory.fill(dx + below, 0, <usize>(inH - outH * kh) * rowBytes);
  }
}

/** out = the maximum of every window, threads claiming output rows (over batch · outH), about 64 claims per op. */
export function maxPoolForward(
  x: usize, out: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32, ctx: usize,
): void {
  const rows = batch * outH;
  const span = max<i32>(ROWS, (rows + 63) / 64);
  const tiled = tiles(inH, inW, c, outH, outW, kh, kw, sh, sw, padT, padL);
  for (let r0 = claim(ctx, span, rows); r0 < rows; r0 = claim(ctx, span, rows)) {
    for (let r = r0; r < min(rows, r0 + span); r++) {
      const b = r / outH, oy = r % outH;
      if (tiled) {
        tiledRow(x, r, outH, inH, inW, c, outW, kh, kw, out, 0, 0);
        continue;
      }
      for (let ox = 0; ox < outW; ox++) window(x, b, oy, ox, (r * outW + ox) * c, inH, inW, c, kh, kw, sh, sw, padT, padL, out, 0, 0);
    }
  }
}

/**
 * dx (zeroed here) gets each dy added at its window's first maximum, threads claiming whole images; windows that tile
 * the input (tiles()) write dx once, output rows claimed as in the forward pass.
 */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32, ctx: usize,
): void {
  if (tiles(inH, inW, c, outH, outW, kh, kw, sh, sw, padT, padL)) {
    const rows = batch * outH;
    const span = max<i32>(ROWS, (rows + 63) / 64);
    for (let r0 = claim(ctx, span, rows); r0 < rows; r0 = claim(ctx, span, rows))
      for (let r = r0; r < min(rows, r0 + span); r++) tiledRow(x, r, outH, inH, inW, c, outW, kh, kw, 0, dy, dx);
    return;
  }
  const image = <usize>(inH * inW * c) << 2;
  for (let b = claim(ctx, 1, batch); b < batch; b = claim(ctx, 1, batch)) {
    memory.fill(dx + <usize>b * image, 0, image);
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        window(x, b, oy, ox, ((b * outH + oy) * outW + ox) * c, inH, inW, c, kh, kw, sh, sw, padT, padL, 0, dy, dx);
  }
}
