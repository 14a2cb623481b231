// AssemblyScript. The flat passes of the merge and regularization layers, 4 lanes at a time: the element-wise merges
// of two tensors of one shape and their gradients (f32 arithmetic, as the reference's float64 results rounded to
// float32 are), products by a mask (Dropout's gradient), and copies of runs of floats (Concatenate and its gradient,
// Add's gradient). Threads claim
// spans of values (or of runs); every value is computed alone, so any split gives the same bits.
import { claim } from './claim';

/** Values per claimed span at least (a few KB: claims stay cheap). */
const SPAN: i32 = 4096;

// @ts-ignore: decorator
@inline export function spanOf(n: i32): i32 {
  return max<i32>(SPAN, (((n + 63) / 64 + 3) >> 2) << 2);
}

// Operations of binaryRows and mergeGradRows (shared with the host, fast/add.ts).
export const OP_ADD: i32 = 0;
export const OP_MUL: i32 = 1;
export const OP_SUB: i32 = 2;
export const OP_AVG: i32 = 3;
export const OP_MAX: i32 = 4;
export const OP_MIN: i32 = 5;

// @ts-ignore: decorator
@inline function binary4(x: v128, y: v128, op: i32): v128 {
  if (op == OP_ADD) return f32x4.add(x, y);
  if (op == OP_MUL) return f32x4.mul(x, y);
  if (op == OP_SUB) return f32x4.sub(x, y);
  if (op == OP_AVG) return f32x4.mul(f32x4.add(x, y), f32x4.splat(0.5));
  // y where it wins, else x: NaN in x stays, NaN in y is never picked (the reference's `y > x ? y : x`).
  return v128.bitselect(y, x, op == OP_MAX ? f32x4.gt(y, x) : f32x4.lt(y, x));
}

/** out[i] = a[i] op b[i] for i < n (a tail through the same four-lane code). */
export function binaryRows(a: usize, b: usize, out: usize, n: i32, op: i32, ctx: usize): void {
  const span = spanOf(n);
  for (let i0 = claim(ctx, span, n); i0 < n; i0 = claim(ctx, span, n)) {
    const i1 = min(n, i0 + span);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, binary4(v128.load(a + o), v128.load(b + o), op));
    }
    for (; i < i1; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, f32x4.extract_lane(binary4(f32x4.splat(load<f32>(a + o)), f32x4.splat(load<f32>(b + o)), op), 0));
    }
  }
}

// @ts-ignore: decorator
@inline function gradA4(d: v128, x: v128, y: v128, op: i32): v128 {
  if (op == OP_SUB) return d;
  if (op == OP_MUL) return f32x4.mul(d, y);
  if (op == OP_AVG) return f32x4.mul(d, f32x4.splat(0.5));
  return v128.andnot(d, op == OP_MAX ? f32x4.gt(y, x) : f32x4.lt(y, x));
}

// @ts-ignore: decorator
@inline function gradB4(d: v128, x: v128, y: v128, op: i32): v128 {
  if (op == OP_SUB) return f32x4.neg(d);
  if (op == OP_MUL) return f32x4.mul(d, x);
  if (op == OP_AVG) return f32x4.mul(d, f32x4.splat(0.5));
  return v128.and(d, op == OP_MAX ? f32x4.gt(y, x) : f32x4.lt(y, x));
}

/** The gradients of binaryRows's a and b (not add's): into da and db. */
export function mergeGradRows(dy: usize, a: usize, b: usize, da: usize, db: usize, n: i32, op: i32, ctx: usize): void {
  const span = spanOf(n);
  for (let i0 = claim(ctx, span, n); i0 < n; i0 = claim(ctx, span, n)) {
    const i1 = min(n, i0 + span);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const o = <usize>i << 2;
      const d = v128.load(dy + o), x = v128.load(a + o), y = v128.load(b + o);
      v128.store(da + o, gradA4(d, x, y, op));
      v128.store(db + o, gradB4(d, x, y, op));
    }
    for (; i < i1; i++) {
      const o = <usize>i << 2;
      const d = f32x4.splat(load<f32>(dy + o)), x = f32x4.splat(load<f32>(a + o)), y = f32x4.splat(load<f32>(b + o));
      store<f32>(da + o, f32x4.extract_lane(gradA4(d, x, y, op), 0));
      store<f32>(db + o, f32x4.extract_lane(gradB4(d, x, y, op), 0));
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

/** out[b][p][k] = x[b][p][k] · s[b][k] over batch images of `pixels` rows of c channels; threads claim rows. */
export function scaleChannelsRows(x: usize, s: usize, out: usize, batch: i32, pixels: i32, c: i32, ctx: usize): void {
  const rows = batch * pixels;
  const c4 = c & ~3;
  const step = max<i32>(1, SPAN / max<i32>(c, 1));
  for (let r0 = claim(ctx, step, rows); r0 < rows; r0 = claim(ctx, step, rows))
    for (let r = r0, end = min(rows, r0 + step); r < end; r++) {
      const row = <usize>r * <usize>c << 2, scale = s + (<usize>(r / pixels) * <usize>c << 2);
      let k = 0;
      for (; k < c4; k += 4) {
        const o = <usize>k << 2;
        v128.store(out + row + o, f32x4.mul(v128.load(x + row + o), v128.load(scale + o)));
      }
      for (; k < c; k++) {
        const o = <usize>k << 2;
        store<f32>(out + row + o, load<f32>(x + row + o) * load<f32>(scale + o));
      }
    }
}

/**
 * The gradients of scaleChannelsRows: dx = dy · s, and ds[b] = Σ over image b's pixels of dy · x, a float32 product
 * then a float32 sum in pixel order (not fused: the reference's bits). Threads claim whole images.
 */
export function scaleChannelsGrad(dy: usize, x: usize, s: usize, dx: usize, ds: usize, batch: i32, pixels: i32, c: i32, ctx: usize): void {
  const c4 = c & ~3;
  const rowBytes = <usize>c << 2;
  for (let b = claim(ctx, 1, batch); b < batch; b = claim(ctx, 1, batch)) {
    const scale = s + <usize>b * rowBytes, sum = ds + <usize>b * rowBytes;
    memory.fill(sum, 0, rowBytes);
    for (let p = 0; p < pixels; p++) {
      const row = (<usize>b * <usize>pixels + <usize>p) * rowBytes;
      let k = 0;
      for (; k < c4; k += 4) {
        const o = <usize>k << 2;
        const d = v128.load(dy + row + o);
        v128.store(dx + row + o, f32x4.mul(d, v128.load(scale + o)));
        v128.store(sum + o, f32x4.add(v128.load(sum + o), f32x4.mul(d, v128.load(x + row + o))));
      }
      for (; k < c; k++) {
        const o = <usize>k << 2;
        const d = load<f32>(dy + row + o);
        store<f32>(dx + row + o, d * load<f32>(scale + o));
        store<f32>(sum + o, load<f32>(sum + o) + d * load<f32>(x + row + o));
      }
    }
  }
}
