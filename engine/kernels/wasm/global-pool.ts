// AssemblyScript. GlobalAveragePooling2D over NHWC and its gradient, the reference's arithmetic (global-pool.ts): an
// image's mean per channel sums its H·W pixels in f64, pixel by pixel, then divides by H·W and rounds to f32; the
// gradient puts f32(dy / (H·W)) at every pixel. The same bits as the reference on any thread count: threads claim
// whole images, and each sum runs in one thread in pixel order. GlobalMaxPooling2D likewise, by selection alone.
import { claim } from './claim';

/** y[b][k] = f32(Σ_i x[b][i][k] / hw). acc: c f64 of this thread's scratch. */
export function globalAvgPoolForward(x: usize, y: usize, batch: i32, hw: i32, c: i32, acc: usize, ctx: usize): void {
  const rowBytes = <usize>c << 2;
  const vectors = (c & 3) == 0;
  for (let b = claim(ctx, 1, batch); b < batch; b = claim(ctx, 1, batch)) {
    memory.fill(acc, 0, <usize>c << 3);
    let row = x + <usize>b * <usize>hw * rowBytes;
    for (let i = 0; i < hw; i++, row += rowBytes) {
      if (vectors) {
        for (let k = 0; k < c; k += 4) {
          const v = v128.load(row + (<usize>k << 2));
          const a = acc + (<usize>k << 3);
          v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
          v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3))), 16);
        }
      } else {
        for (let k = 0; k < c; k++) {
          const a = acc + (<usize>k << 3);
          store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>k << 2)));
        }
      }
    }
    const out = y + <usize>b * rowBytes;
    for (let k = 0; k < c; k++) store<f32>(out + (<usize>k << 2), <f32>(load<f64>(acc + (<usize>k << 3)) / <f64>hw));
  }
}

/** dx[b][i][k] = f32(dy[b][k] / hw) for every pixel i. */
export function globalAvgPoolBackward(dy: usize, dx: usize, batch: i32, hw: i32, c: i32, ctx: usize): void {
  const rowBytes = <usize>c << 2;
  for (let b = claim(ctx, 1, batch); b < batch; b = claim(ctx, 1, batch)) {
    const first = dx + <usize>b * <usize>hw * rowBytes;
    const g = dy + <usize>b * rowBytes;
    for (let k = 0; k < c; k++) store<f32>(first + (<usize>k << 2), <f32>(<f64>load<f32>(g + (<usize>k << 2)) / <f64>hw));
    for (let i = 1; i < hw; i++) memory.copy(first + <usize>i * rowBytes, first, rowBytes);
  }
}

/**
 * y[b][k] = the first maximum of x[b][·][k]: a later pixel replaces it only when `>` says so (an equal value or a NaN
 * never does, and a NaN first pixel stays), the reference's rule; 4 channels per f32x4.gt + bitselect.
 */
export function globalMaxPoolForward(x: usize, y: usize, batch: i32, hw: i32, c: i32, ctx: usize): void {
  const rowBytes = <usize>c << 2;
  const c4 = c & ~3;
  for (let b = claim(ctx, 1, batch); b < batch; b = claim(ctx, 1, batch)) {
    const best = y + <usize>b * rowBytes;
    let row = x + <usize>b * <usize>hw * rowBytes;
    memory.copy(best, row, rowBytes);
    for (let i = 1; i < hw; i++) {
      row += rowBytes;
      let k = 0;
      for (; k < c4; k += 4) {
        const o = <usize>k << 2;
        const v = v128.load(row + o), m = v128.load(best + o);
        v128.store(best + o, v128.bitselect(v, m, f32x4.gt(v, m)));
      }
      for (; k < c; k++) {
        const o = <usize>k << 2;
        const v = load<f32>(row + o);
        if (v > load<f32>(best + o)) store<f32>(best + o, v);
      }
    }
  }
}

/**
 * dx[b] zero but at each channel's first maximum (found as forward finds it), which takes 0 + dy[b][k]: the
 * reference adds dy into zeros, so a -0 arrives as +0. scratch: 2·c floats of this thread's (maxima, their pixels).
 */
export function globalMaxPoolBackward(x: usize, dy: usize, dx: usize, batch: i32, hw: i32, c: i32, scratch: usize, ctx: usize): void {
  const rowBytes = <usize>c << 2;
  const c4 = c & ~3;
  const best = scratch, at = scratch + rowBytes;
  for (let b = claim(ctx, 1, batch); b < batch; b = claim(ctx, 1, batch)) {
    let row = x + <usize>b * <usize>hw * rowBytes;
    memory.copy(best, row, rowBytes);
    memory.fill(at, 0, rowBytes);
    for (let i = 1; i < hw; i++) {
      row += rowBytes;
      const pixel = i32x4.splat(i);
      let k = 0;
      for (; k < c4; k += 4) {
        const o = <usize>k << 2;
        const v = v128.load(row + o), m = v128.load(best + o);
        const wins = f32x4.gt(v, m);
        v128.store(best + o, v128.bitselect(v, m, wins));
        v128.store(at + o, v128.bitselect(pixel, v128.load(at + o), wins));
      }
      for (; k < c; k++) {
        const o = <usize>k << 2;
        const v = load<f32>(row + o);
        if (v > load<f32>(best + o)) {
          store<f32>(best + o, v);
          store<i32>(at + o, i);
        }
      }
    }
    const image = dx + <usize>b * <usize>hw * rowBytes;
    memory.fill(image, 0, <usize>hw * rowBytes);
    const g = dy + <usize>b * rowBytes;
    for (let k = 0; k < c; k++) {
      const o = <usize>k << 2;
      store<f32>(image + <usize>load<i32>(at + o) * rowBytes + o, <f32>0 + load<f32>(g + o));
    }
  }
}
