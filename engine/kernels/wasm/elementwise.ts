// AssemblyScript. The memory-bound passes around every linear layer, 4 lanes at a time with a scalar tail: bias add
// fused with the piecewise-linear activations, and, backward, their gradients fused with the bias gradient (a sum
// over rows). Threads claim spans of whole chunks of CHUNK rows, each from its own home range first (claim.ts;
// spanRows: few claims); sums are kept per chunk in f32 and folded
// into f64 in chunk order (foldPartials), so the result is the same on any number of threads.
// Semantics match the reference kernels exactly, NaN included: relu's pmax and the `>` masks send NaN to 0 as
// `v > 0 ? v : 0` does, relu6's min/max keep it as Math.min/Math.max do.

import { claim } from './claim';

/** Rows per claimed chunk, and per f32 partial sum. */
export const CHUNK: i32 = 64;

// Activation codes shared with the host (fast/activation.ts).
export const ACT_RELU: i32 = 0;
export const ACT_RELU6: i32 = 1;
export const ACT_LEAKY: i32 = 2;
export const ACT_LINEAR: i32 = 3;

/** Rows one claim takes: whole chunks, about 64 claims per op whatever its size (few atomic adds per thread). */
// @ts-ignore: decorator
@inline export function spanRows(rows: i32): i32 {
  const chunks = (rows + CHUNK - 1) / CHUNK;
  return max<i32>(1, (chunks + 63) / 64) * CHUNK;
}

// @ts-ignore: decorator
@inline export function act4(v: v128, kind: i32, slope: v128): v128 {
  const zero = f32x4.splat(0);
  if (kind == ACT_RELU) return f32x4.pmax(zero, v); // zero < v ? v : zero
  if (kind == ACT_RELU6) return f32x4.min(f32x4.max(v, zero), f32x4.splat(6)); // NaN stays NaN, as Math.min/max
  if (kind == ACT_LEAKY) return v128.bitselect(v, f32x4.mul(v, slope), f32x4.gt(v, zero));
  return v;
}

// @ts-ignore: decorator
@inline function act1(v: f32, kind: i32, slope: f32): f32 {
  if (kind == ACT_RELU) return v > 0 ? v : 0;
  if (kind == ACT_RELU6) return min<f32>(max<f32>(v, 0), 6);
  if (kind == ACT_LEAKY) return v > 0 ? v : slope * v;
  return v;
}

/** out[r, j] = f(x[r, j] + bias[j]) over rows × c (any c); bias 0: no bias. */
export function biasActivation(x: usize, bias: usize, out: usize, rows: i32, c: i32, kind: i32, slope: f32, ctx: usize): void {
  const c4 = c & ~3;
  const s = f32x4.splat(slope);
  const stride = <usize>c << 2;
  const span = spanRows(rows);
  for (let s0 = claim(ctx, span, rows); s0 < rows; s0 = claim(ctx, span, rows)) {
    const r0 = s0, r1 = min(rows, s0 + span);
    let xr = x + <usize>r0 * stride, yr = out + <usize>r0 * stride;
    for (let r = r0; r < r1; r++) {
      let j = 0;
      for (; j < c4; j += 4) {
        const o = <usize>j << 2;
        let v = v128.load(xr + o);
        if (bias) v = f32x4.add(v, v128.load(bias + o));
        v128.store(yr + o, act4(v, kind, s));
      }
      for (; j < c; j++) {
        const o = <usize>j << 2;
        let v = load<f32>(xr + o);
        if (bias) v += load<f32>(bias + o);
        store<f32>(yr + o, act1(v, kind, slope));
      }
      xr += stride;
      yr += stride;
    }
  }
}

/** f'(v) · d with the reference's derivative (1 where v > 0, and v < 6 for relu6; slope otherwise for leaky). */
// @ts-ignore: decorator
@inline export function grad4(d: v128, v: v128, kind: i32, s: v128): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  if (kind == ACT_RELU) return f32x4.mul(d, v128.and(f32x4.gt(v, zero), one));
  if (kind == ACT_RELU6) return f32x4.mul(d, v128.and(v128.and(f32x4.gt(v, zero), f32x4.lt(v, f32x4.splat(6))), one));
  if (kind == ACT_LEAKY) return f32x4.mul(d, v128.bitselect(one, s, f32x4.gt(v, zero)));
  return d;
}

// @ts-ignore: decorator
@inline function grad1(d: f32, v: f32, kind: i32, slope: f32): f32 {
  let df: f32 = 1;
  if (kind == ACT_RELU) df = v > 0 ? 1 : 0;
  else if (kind == ACT_RELU6) df = v > 0 && v < 6 ? 1 : 0;
  else if (kind == ACT_LEAKY) df = v > 0 ? 1 : slope;
  return d * df;
}

/**
 * dz = dy · f'(v) over rows × c, v being the activation's input, or its output where that decides the same (relu,
 * relu6); ACT_LINEAR leaves dz unwritten (it is dy). With partials ≠ 0, also the f32 sum of dz over each chunk of
 * CHUNK rows: partials[chunk · c + j], for foldPartials.
 */
export function activationGradRows(
  dy: usize, v: usize, dz: usize, rows: i32, c: i32, kind: i32, slope: f32, partials: usize, ctx: usize,
): void {
  const c4 = c & ~3;
  const s = f32x4.splat(slope);
  const stride = <usize>c << 2;
  const span = spanRows(rows);
  for (let s0 = claim(ctx, span, rows); s0 < rows; s0 = claim(ctx, span, rows))
  for (let r0 = s0; r0 < min(rows, s0 + span); r0 += CHUNK) {
    const r1 = min(rows, r0 + CHUNK);
    const acc = partials + <usize>(r0 / CHUNK) * stride;
    if (partials) memory.fill(acc, 0, stride);
    let o0 = <usize>r0 * stride;
    for (let r = r0; r < r1; r++) {
      let j = 0;
      for (; j < c4; j += 4) {
        const o = <usize>j << 2;
        const g = grad4(v128.load(dy + o0 + o), kind == ACT_LINEAR ? f32x4.splat(0) : v128.load(v + o0 + o), kind, s);
        if (kind != ACT_LINEAR) v128.store(dz + o0 + o, g);
        if (partials) v128.store(acc + o, f32x4.add(v128.load(acc + o), g));
      }
      for (; j < c; j++) {
        const o = <usize>j << 2;
        const g = grad1(load<f32>(dy + o0 + o), kind == ACT_LINEAR ? 0 : load<f32>(v + o0 + o), kind, slope);
        if (kind != ACT_LINEAR) store<f32>(dz + o0 + o, g);
        if (partials) store<f32>(acc + o, load<f32>(acc + o) + g);
      }
      o0 += stride;
    }
  }
}

/**
 * total[j] (f64) = Σ over chunks, in order, of partials[chunk · c + j] (f32). Four channels at a time in two f64x2
 * registers down the chunks (each channel's sum still in chunk order: the same bits as the scalar loop), the rest one
 * by one: the host waits on this between a pass and the next, with the workers spinning.
 */
export function foldPartials(partials: usize, chunks: i32, c: i32, total: usize): void {
  const stride = <usize>c << 2;
  let j = 0;
  for (; j + 4 <= c; j += 4) {
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    let p = partials + (<usize>j << 2);
    for (let b = 0; b < chunks; b++) {
      const v = v128.load(p);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)));
      p += stride;
    }
    v128.store(total + (<usize>j << 3), lo);
    v128.store(total + (<usize>j << 3), hi, 16);
  }
  for (; j < c; j++) {
    let t: f64 = 0;
    let p = partials + (<usize>j << 2);
    for (let b = 0; b < chunks; b++) {
      t += <f64>load<f32>(p);
      p += stride;
    }
    store<f64>(total + (<usize>j << 3), t);
  }
}

/**
 * dst[0 .. size) = Σ partials[s · size ..] for s = 0 .. stripes − 1, in stripe order, in f32 (dst may be partials):
 * the same bits as adding the stripes one after the other in a Float32Array, 4 lanes at a time. Threads claim spans
 * of values (whole vectors, about 64 claims); each value's sum runs in the same order on any thread count.
 */
export function addStripes(partials: usize, size: i32, stripes: i32, dst: usize, ctx: usize): void {
  const bytes = <usize>size << 2;
  const span = max<i32>(256, (((size + 63) / 64 + 3) >> 2) << 2);
  for (let i0 = claim(ctx, span, size); i0 < size; i0 = claim(ctx, span, size)) {
    const i1 = min(size, i0 + span);
    const end4 = i0 + ((i1 - i0) & ~3);
    for (let i = i0; i < end4; i += 4) {
      const at = partials + (<usize>i << 2);
      let acc = v128.load(at);
      for (let s = 1; s < stripes; s++) acc = f32x4.add(acc, v128.load(at + <usize>s * bytes));
      v128.store(dst + (<usize>i << 2), acc);
    }
    for (let i = end4; i < i1; i++) {
      const at = partials + (<usize>i << 2);
      let acc = load<f32>(at);
      for (let s = 1; s < stripes; s++) acc += load<f32>(at + <usize>s * bytes);
      store<f32>(dst + (<usize>i << 2), acc);
    }
  }
}
