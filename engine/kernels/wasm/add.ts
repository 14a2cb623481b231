// AssemblyScript. The flat passes of the merge and regularization layers, 4 lanes at a time: Add's sum of two
// tensors of one shape (f32 addition, as the reference's float64 sum rounded to float32 is), products by a mask
// (Dropout's gradient), and copies of runs of floats (Concatenate and its gradient, Add's gradient). Threads claim
// spans of values (or of runs); every value is computed alone, so any split gives the same bits.
import { claim } from './claim';

/** Values per claimed span at least (a few KB: claims stay cheap). */
const SPAN: i32 = 4096;

// @ts-ignore: decorator
@inline export function spanOf(n: i32): i32 {
  return max<i32>(SPAN, (((n + 63) / 64 + 3) >> 2) << 2);
}

/** out[i] = a[i] + b[i] (mul: a[i] · b[i]) for i < n. */
export function addRows(a: usize, b: usize, out: usize, n: i32, mul: i32, ctx: usize): void {
  const span = spanOf(n);
  for (let i0 = claim(ctx, span, n); i0 < n; i0 = claim(ctx, span, n)) {
    const i1 = min(n, i0 + span);
    const end4 = i0 + ((i1 - i0) & ~3);
    let i = i0;
    for (; i < end4; i += 4) {
      const o = <usize>i << 2;
      const x = v128.load(a + o), y = v128.load(b + o);
      v128.store(out + o, mul ? f32x4.mul(x, y) : f32x4.add(x, y));
    }
    for (; i < i1; i++) {
      const o = <usize>i << 2;
      const x = load<f32>(a + o), y = load<f32>(b + o);
      store<f32>(out + o, mul ? x * y : x + y);
    }
  }
}

/**
 * `count` runs of `run` floats: run o from src + o·srcStride floats to dst + o·dstStride floats. A single run is
 * split into spans, so one long copy is shared too.
 */
export function copyRuns(src: usize, srcStride: i32, dst: usize, dstStride: i32, run: i32, count: i32, ctx: usize): void {
  if (count == 1) {
    const span = spanOf(run);
    for (let i0 = claim(ctx, span, run); i0 < run; i0 = claim(ctx, span, run))
      memory.copy(dst + (<usize>i0 << 2), src + (<usize>i0 << 2), <usize>(min(run, i0 + span) - i0) << 2);
    return;
  }
  const step = max<i32>(1, SPAN / max<i32>(run, 1));
  for (let o0 = claim(ctx, step, count); o0 < count; o0 = claim(ctx, step, count))
    for (let o = o0, end = min(count, o0 + step); o < end; o++)
      memory.copy(dst + (<usize>o * <usize>dstStride << 2), src + (<usize>o * <usize>srcStride << 2), <usize>run << 2);
}
