// AssemblyScript. The smooth activations (sigmoid, tanh, silu/swish, gelu exact and approximate, elu, selu,
// exponential) and the hard ones MobileNetV3 uses (hard_sigmoid, hard_silu), forward and gradient, four lanes at a
// time in float32 on exp4 (Cephes's expf: exp.ts), as TensorFlow's Eigen kernels approximate them; the reference
// (activations.ts) computes in f64, and tests compare within a few float32 ulps. The formulas and the gradients at
// the kinks are the reference's. A tail of fewer than 4 values runs through the same four-lane code, so every value
// gets the same bits wherever the split between threads falls; threads claim spans of values.
import { exp4, sigmoid4, tanh4 } from './exp';
import { spanOf } from './add';
import { claim } from './claim';

// Codes shared with the host (fast/activation.ts).
export const ACT_SIGMOID: i32 = 10;
export const ACT_TANH: i32 = 11;
export const ACT_SILU: i32 = 12;
export const ACT_GELU: i32 = 13;
export const ACT_GELU_TANH: i32 = 14;
export const ACT_ELU: i32 = 15;
export const ACT_SELU: i32 = 16;
export const ACT_EXP: i32 = 17;
export const ACT_HARD_SIGMOID: i32 = 18;
export const ACT_HARD_SILU: i32 = 19;

const SELU_ALPHA: f32 = 1.6732632423543772;
const SELU_SCALE: f32 = 1.0507009873554805;
const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const INV_SQRT2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** e^x − 1: a Taylor polynomial below |x| 1/4 (where e^x − 1 would cancel), e^x − 1 above. */
// @ts-ignore: decorator
@inline function expm1_4(x: v128): v128 {
  let p = splat(1.0 / 5040.0);
  p = f32x4.add(f32x4.mul(p, x), splat(1.0 / 720.0));
  p = f32x4.add(f32x4.mul(p, x), splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, x), splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, x), splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, x), splat(0.5));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, x), x), x);
  const big = f32x4.sub(exp4(x), splat(1));
  return v128.bitselect(small, big, f32x4.lt(f32x4.abs(x), splat(0.25)));
}

/** erf by the reference's Numerical Recipes fit (|error| < 1.2e-7), in float32. */
// @ts-ignore: decorator
@inline function erf4(x: v128): v128 {
  const z = f32x4.abs(x);
  const t = f32x4.div(splat(1), f32x4.add(splat(1), f32x4.mul(splat(0.5), z)));
  let p = splat(0.17087277);
  p = f32x4.add(f32x4.mul(p, t), splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), splat(1.00002368));
  const e = f32x4.add(f32x4.sub(splat(-1.26551223), f32x4.mul(z, z)), f32x4.mul(t, p));
  const r = f32x4.mul(t, exp4(e));
  return v128.bitselect(f32x4.sub(splat(1), r), f32x4.sub(r, splat(1)), f32x4.ge(x, splat(0)));
}

/** 2u for the tanh form of gelu: u = √(2/π)·(x + 0.044715·x³). */
// @ts-ignore: decorator
@inline function twiceU(x: v128): v128 {
  return f32x4.mul(splat(2 * SQRT_2_OVER_PI), f32x4.add(x, f32x4.mul(splat(0.044715), f32x4.mul(f32x4.mul(x, x), x))));
}

/** relu6(x + 3) / 6. */
// @ts-ignore: decorator
@inline function hardSigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.min(f32x4.max(f32x4.add(x, splat(3)), splat(0)), splat(6)), splat(6));
}

/** 1 where −3 < x < 3, else 0 (the kinks pass no gradient, as TensorFlow's relu6 gradient). */
// @ts-ignore: decorator
@inline function inside3(x: v128): v128 {
  return v128.and(f32x4.gt(x, splat(-3)), f32x4.lt(x, splat(3)));
}

// @ts-ignore: decorator
@inline function forward4(x: v128, kind: i32, alpha: f32): v128 {
  if (kind == ACT_SIGMOID) return sigmoid4(x);
  if (kind == ACT_TANH) return tanh4(x);
  if (kind == ACT_SILU) return f32x4.mul(x, sigmoid4(x));
  if (kind == ACT_GELU) return f32x4.mul(f32x4.mul(splat(0.5), x), f32x4.add(splat(1), erf4(f32x4.mul(x, splat(INV_SQRT2)))));
  // ½x(1 + tanh u) = x·σ(2u): no cancellation where tanh u is near −1.
  if (kind == ACT_GELU_TANH) return f32x4.mul(x, sigmoid4(twiceU(x)));
  const positive = f32x4.gt(x, splat(0));
  if (kind == ACT_ELU) return v128.bitselect(x, f32x4.mul(splat(alpha), expm1_4(x)), positive);
  if (kind == ACT_SELU)
    return f32x4.mul(splat(SELU_SCALE), v128.bitselect(x, f32x4.mul(splat(SELU_ALPHA), expm1_4(x)), positive));
  if (kind == ACT_EXP) return exp4(x);
  if (kind == ACT_HARD_SIGMOID) return hardSigmoid4(x);
  return f32x4.mul(x, hardSigmoid4(x)); // ACT_HARD_SILU
}

/** f'(x), given x and y = f(x). */
// @ts-ignore: decorator
@inline function derivative4(x: v128, y: v128, kind: i32, alpha: f32): v128 {
  const one = splat(1);
  if (kind == ACT_SIGMOID) return f32x4.mul(y, f32x4.sub(one, y));
  if (kind == ACT_TANH) return f32x4.sub(one, f32x4.mul(y, y));
  if (kind == ACT_SILU) {
    // σ(x)(1 + x(1 − σ(x))), with 1 − σ(x) = σ(−x): no cancellation for large x.
    return f32x4.mul(sigmoid4(x), f32x4.add(one, f32x4.mul(x, sigmoid4(f32x4.neg(x)))));
  }
  if (kind == ACT_GELU) {
    const cdf = f32x4.mul(splat(0.5), f32x4.add(one, erf4(f32x4.mul(x, splat(INV_SQRT2)))));
    const pdf = f32x4.mul(splat(INV_SQRT_2PI), exp4(f32x4.mul(splat(-0.5), f32x4.mul(x, x))));
    return f32x4.add(cdf, f32x4.mul(x, pdf));
  }
  if (kind == ACT_GELU_TANH) {
    // With s = σ(2u) = (1 + tanh u)/2: the reference's ½(1 + t) + ½x(1 − t²)u' is s + 2x·s(1 − s)·u', and
    // 1 − s = σ(−2u) (not 1 − s, which cancels where s nears 1).
    const u2 = twiceU(x);
    const s = sigmoid4(u2),
      r = sigmoid4(f32x4.neg(u2));
    const du = f32x4.mul(splat(SQRT_2_OVER_PI), f32x4.add(one, f32x4.mul(splat(3 * 0.044715), f32x4.mul(x, x))));
    return f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.mul(splat(2), x), f32x4.mul(s, r)), du));
  }
  const positive = f32x4.gt(x, splat(0));
  if (kind == ACT_ELU) return v128.bitselect(one, f32x4.mul(splat(alpha), exp4(x)), positive);
  if (kind == ACT_SELU)
    return f32x4.mul(splat(SELU_SCALE), v128.bitselect(one, f32x4.mul(splat(SELU_ALPHA), exp4(x)), positive));
  if (kind == ACT_EXP) return y;
  if (kind == ACT_HARD_SIGMOID) return v128.and(splat(1.0 / 6.0), inside3(x));
  // ACT_HARD_SILU: hard_sigmoid(x) + x/6 inside (−3, 3).
  return f32x4.add(hardSigmoid4(x), v128.and(f32x4.div(x, splat(6)), inside3(x)));
}

/** y = f(x) over n values. */
export function activationForward(x: usize, y: usize, n: i32, kind: i32, alpha: f32, ctx: usize): void {
  const span = spanOf(n);
  for (let i0 = claim(ctx, span, n); i0 < n; i0 = claim(ctx, span, n)) {
    const i1 = min(n, i0 + span);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, forward4(v128.load(x + o), kind, alpha));
    }
    for (; i < i1; i++) {
      const o = <usize>i << 2;
      store<f32>(y + o, f32x4.extract_lane(forward4(f32x4.splat(load<f32>(x + o)), kind, alpha), 0));
    }
  }
}

/** dx = dy · f'(x) over n values (y = f(x), read by the kinds whose derivative is written in y). */
export function activationBackward(dy: usize, x: usize, y: usize, dx: usize, n: i32, kind: i32, alpha: f32, ctx: usize): void {
  const span = spanOf(n);
  for (let i0 = claim(ctx, span, n); i0 < n; i0 = claim(ctx, span, n)) {
    const i1 = min(n, i0 + span);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const o = <usize>i << 2;
      v128.store(dx + o, f32x4.mul(v128.load(dy + o), derivative4(v128.load(x + o), v128.load(y + o), kind, alpha)));
    }
    for (; i < i1; i++) {
      const o = <usize>i << 2;
      const d = derivative4(f32x4.splat(load<f32>(x + o)), f32x4.splat(load<f32>(y + o)), kind, alpha);
      store<f32>(dx + o, load<f32>(dy + o) * f32x4.extract_lane(d, 0));
    }
  }
}
