// AssemblyScript. Softmax over the last axis of rows × c values, four lanes at a time: the row's maximum, e^(x − max)
// by exp4 (float32, within 2 ulps), their sum, then each divided by it; the reference sums in float64, so the two
// differ by a few float32 ulps. Threads claim spans of rows (about 64 per op); a row's result doesn't depend on
// which thread ran it.
import { exp4, log4 } from './exp';
import { claim } from './claim';

/** The maximum of a row of c values (NaN if any is NaN: wasm's max propagates it). */
// @ts-ignore: decorator
@inline function rowMax(xr: usize, c: i32): f32 {
  const c4 = c & ~3;
  let m4 = f32x4.splat(-Infinity);
  let j = 0;
  for (; j < c4; j += 4) m4 = f32x4.max(m4, v128.load(xr + (<usize>j << 2)));
  let m = max<f32>(max<f32>(f32x4.extract_lane(m4, 0), f32x4.extract_lane(m4, 1)), max<f32>(f32x4.extract_lane(m4, 2), f32x4.extract_lane(m4, 3)));
  for (; j < c; j++) m = max<f32>(m, load<f32>(xr + (<usize>j << 2)));
  return m;
}

/** Σ e^(x − m) over a row, four lanes then the tail; each e^(x − m) written to yr too when yr ≠ 0. */
// @ts-ignore: decorator
@inline function rowExpSum(xr: usize, yr: usize, c: i32, m: f32): f32 {
  const c4 = c & ~3;
  const mv = f32x4.splat(m);
  let s4 = f32x4.splat(0);
  let j = 0;
  for (; j < c4; j += 4) {
    const e = exp4(f32x4.sub(v128.load(xr + (<usize>j << 2)), mv));
    if (yr) v128.store(yr + (<usize>j << 2), e);
    s4 = f32x4.add(s4, e);
  }
  let s = f32x4.extract_lane(s4, 0) + f32x4.extract_lane(s4, 1) + f32x4.extract_lane(s4, 2) + f32x4.extract_lane(s4, 3);
  for (; j < c; j++) {
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(xr + (<usize>j << 2)) - m)), 0);
    if (yr) store<f32>(yr + (<usize>j << 2), e);
    s += e;
  }
  return s;
}

export function softmaxRows(x: usize, out: usize, rows: i32, c: i32, ctx: usize): void {
  const c4 = c & ~3;
  const stride = <usize>c << 2;
  const span = max<i32>(1, (rows + 63) / 64);
  for (let r0 = claim(ctx, span, rows); r0 < rows; r0 = claim(ctx, span, rows)) {
    for (let r = r0; r < min(rows, r0 + span); r++) {
      const xr = x + <usize>r * stride, yr = out + <usize>r * stride;
      const s = rowExpSum(xr, yr, c, rowMax(xr, c));
      const sv = f32x4.splat(s);
      let j = 0;
      for (; j < c4; j += 4) v128.store(yr + (<usize>j << 2), f32x4.div(v128.load(yr + (<usize>j << 2)), sv));
      for (; j < c; j++) store<f32>(yr + (<usize>j << 2), load<f32>(yr + (<usize>j << 2)) / s);
    }
  }
}

/** max/sum/normalize of one group of 4 lanes: values x + k·stride for k < size, into y likewise. */
// @ts-ignore: decorator
@inline function softmaxLanes(x: usize, y: usize, size: i32, stride: usize): void {
  let m = f32x4.splat(-Infinity);
  for (let k = 0; k < size; k++) m = f32x4.max(m, v128.load(x + <usize>k * stride));
  let s = f32x4.splat(0);
  for (let k = 0; k < size; k++) {
    const e = exp4(f32x4.sub(v128.load(x + <usize>k * stride), m));
    v128.store(y + <usize>k * stride, e);
    s = f32x4.add(s, e);
  }
  for (let k = 0; k < size; k++) v128.store(y + <usize>k * stride, f32x4.div(v128.load(y + <usize>k * stride), s));
}

/**
 * Softmax along a middle axis: outer × size × inner values, each of the outer·inner lines of `size` values strided
 * by inner. The inner values are the lanes (4 at a time; a tail of fewer through one-lane copies). Threads claim
 * (outer, 64-value inner block) units; each line runs whole in one thread, in one code path fixed by its position.
 */
export function softmaxInner(x: usize, y: usize, outer: i32, size: i32, inner: i32, tmp: usize, ctx: usize): void {
  const blocks = (inner + 63) / 64;
  const units = outer * blocks;
  const stride = <usize>inner << 2;
  for (let u = claim(ctx, 1, units); u < units; u = claim(ctx, 1, units)) {
    const o = u / blocks;
    const j0 = (u % blocks) * 64, j1 = min(inner, j0 + 64);
    const base = <usize>o * <usize>size * stride;
    let j = j0;
    for (; j + 4 <= j1; j += 4) softmaxLanes(x + base + (<usize>j << 2), y + base + (<usize>j << 2), size, stride);
    for (; j < j1; j++) {
      // One line through lane 0 of tmp (size · 16 bytes: this thread's scratch).
      const xs = x + base + (<usize>j << 2), ys = y + base + (<usize>j << 2);
      for (let k = 0; k < size; k++) v128.store(tmp + (<usize>k << 4), f32x4.splat(load<f32>(xs + <usize>k * stride)));
      softmaxLanes(tmp, tmp, size, 16);
      for (let k = 0; k < size; k++) store<f32>(ys + <usize>k * stride, load<f32>(tmp + (<usize>k << 4)));
    }
  }
}

/**
 * The gradient from the output: dx = y · (dy − Σ_k dy·y) along each line of `size` values strided by `inner` (1: the
 * rows of the last axis), the dot summed in float32 in k order. Threads claim (outer, inner block) units.
 */
export function softmaxGradLines(dy: usize, y: usize, dx: usize, outer: i32, size: i32, inner: i32, ctx: usize): void {
  const blocks = (inner + 63) / 64;
  const units = outer * blocks;
  const stride = <usize>inner << 2;
  for (let u = claim(ctx, 1, units); u < units; u = claim(ctx, 1, units)) {
    const o = u / blocks;
    const j0 = (u % blocks) * 64, j1 = min(inner, j0 + 64);
    const base = <usize>o * <usize>size * stride;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const at = base + (<usize>j << 2);
      let dot = f32x4.splat(0);
      for (let k = 0; k < size; k++) {
        const p = at + <usize>k * stride;
        dot = f32x4.add(dot, f32x4.mul(v128.load(dy + p), v128.load(y + p)));
      }
      for (let k = 0; k < size; k++) {
        const p = at + <usize>k * stride;
        v128.store(dx + p, f32x4.mul(v128.load(y + p), f32x4.sub(v128.load(dy + p), dot)));
      }
    }
    for (; j < j1; j++) {
      const at = base + (<usize>j << 2);
      let dot: f32 = 0;
      for (let k = 0; k < size; k++) {
        const p = at + <usize>k * stride;
        dot += load<f32>(dy + p) * load<f32>(y + p);
      }
      for (let k = 0; k < size; k++) {
        const p = at + <usize>k * stride;
        store<f32>(dx + p, load<f32>(y + p) * (load<f32>(dy + p) - dot));
      }
    }
  }
}

/**
 * log_softmax over the last axis of rows × c values: y = x − (max + log Σ e^(x − max)), the exponentials by exp4 and
 * the log by log4 (float32; the reference works in f64, so they differ by a few float32 ulps of the shift). Threads
 * claim spans of rows, as softmaxRows.
 */
export function logSoftmaxRows(x: usize, out: usize, rows: i32, c: i32, ctx: usize): void {
  const c4 = c & ~3;
  const stride = <usize>c << 2;
  const span = max<i32>(1, (rows + 63) / 64);
  for (let r0 = claim(ctx, span, rows); r0 < rows; r0 = claim(ctx, span, rows)) {
    for (let r = r0; r < min(rows, r0 + span); r++) {
      const xr = x + <usize>r * stride, yr = out + <usize>r * stride;
      const m = rowMax(xr, c);
      const s = rowExpSum(xr, 0, c, m);
      // A row with NaN or an infinite maximum is NaN throughout, as the reference's e^(∞ − ∞) makes it.
      const shift = isFinite<f32>(m) ? m + f32x4.extract_lane(log4(f32x4.splat(s)), 0) : NaN;
      const sv = f32x4.splat(shift);
      let j = 0;
      for (; j < c4; j += 4) v128.store(yr + (<usize>j << 2), f32x4.sub(v128.load(xr + (<usize>j << 2)), sv));
      for (; j < c; j++) store<f32>(yr + (<usize>j << 2), load<f32>(xr + (<usize>j << 2)) - shift);
    }
  }
}

/** Its gradient: dx = dy − e^y · Σ dy per row (e^y is the softmax), the sum in float32. */
export function logSoftmaxGradRows(dy: usize, y: usize, dx: usize, rows: i32, c: i32, ctx: usize): void {
  const c4 = c & ~3;
  const stride = <usize>c << 2;
  const span = max<i32>(1, (rows + 63) / 64);
  for (let r0 = claim(ctx, span, rows); r0 < rows; r0 = claim(ctx, span, rows)) {
    for (let r = r0; r < min(rows, r0 + span); r++) {
      const dr = dy + <usize>r * stride, yr = y + <usize>r * stride, xr = dx + <usize>r * stride;
      let s4 = f32x4.splat(0);
      let j = 0;
      for (; j < c4; j += 4) s4 = f32x4.add(s4, v128.load(dr + (<usize>j << 2)));
      let s = f32x4.extract_lane(s4, 0) + f32x4.extract_lane(s4, 1) + f32x4.extract_lane(s4, 2) + f32x4.extract_lane(s4, 3);
      for (; j < c; j++) s += load<f32>(dr + (<usize>j << 2));
      const sv = f32x4.splat(s);
      for (j = 0; j < c4; j += 4) {
        const o = <usize>j << 2;
        v128.store(xr + o, f32x4.sub(v128.load(dr + o), f32x4.mul(exp4(v128.load(yr + o)), sv)));
      }
      for (; j < c; j++) {
        const o = <usize>j << 2;
        store<f32>(xr + o, load<f32>(dr + o) - f32x4.extract_lane(exp4(f32x4.splat(load<f32>(yr + o))), 0) * s);
      }
    }
  }
}
