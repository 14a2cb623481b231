// AssemblyScript. The smooth activations (sigmoid, tanh, silu/swish, gelu exact and approximate, elu, selu,
// exponential, softplus, softsign, mish, celu, log_sigmoid, tanh_shrink, squareplus), the hard ones MobileNetV3 uses
// (hard_sigmoid, hard_silu) and the other piecewise ones of Keras 3 (hard_tanh, sparse_plus, sparse_sigmoid,
// soft_shrink, hard_shrink), forward and gradient, four lanes at a time in float32 on exp4 and log4 (Cephes's expf and
// logf: exp.ts), as TensorFlow's Eigen kernels approximate them; the reference (activations.ts) computes in f64, and
// tests compare within a few float32 ulps. The formulas and the gradients at
// the kinks are the reference's. A tail of fewer than 4 values runs through the same four-lane code, so every value
// gets the same bits wherever the split between threads falls; threads claim spans of values.
import { exp4, sigmoid4, softplus4, tanh4, tanhTail4 } from './exp';
import { spanOf } from './add';
import { claim } from './claim';

// Codes shared with the host (fast/activation.ts; linear, relu and relu6 for the recurrent cells only,
// fast/recurrent-sequence.ts: the pointwise passes run them in bias-add.ts's kernel).
export const ACT_LEAKY_RELU: i32 = 6;
export const ACT_LINEAR: i32 = 7;
export const ACT_RELU: i32 = 8;
export const ACT_RELU6: i32 = 9;
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
export const ACT_SOFTPLUS: i32 = 20;
export const ACT_SOFTSIGN: i32 = 21;
export const ACT_MISH: i32 = 22;
export const ACT_CELU: i32 = 23;
export const ACT_LOG_SIGMOID: i32 = 24;
export const ACT_TANH_SHRINK: i32 = 25;
export const ACT_SQUAREPLUS: i32 = 26;
export const ACT_HARD_TANH: i32 = 27;
export const ACT_SPARSE_PLUS: i32 = 28;
export const ACT_SPARSE_SIGMOID: i32 = 29;
export const ACT_SOFT_SHRINK: i32 = 30;
export const ACT_HARD_SHRINK: i32 = 31;

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

/** e^min(x, 20)·(e^min(x, 20) + 2): mish's tanh(softplus x) is n / (n + 2), with no cancellation for x < 0. */
// @ts-ignore: decorator
@inline function mishN(x: v128): v128 {
  const t = exp4(f32x4.min(x, splat(20)));
  return f32x4.mul(t, f32x4.add(t, splat(2)));
}

/** √(x² + 4), |x| itself where x² would overflow (4 is far below its ulp there). */
// @ts-ignore: decorator
@inline function squareRoot4(x: v128): v128 {
  const ax = f32x4.abs(x);
  return v128.bitselect(ax, f32x4.sqrt(f32x4.add(f32x4.mul(x, x), splat(4))), f32x4.gt(ax, splat(1e18)));
}

/** 1 where |x| > 0.5 (soft_shrink and hard_shrink pass the gradient there), else 0. */
// @ts-ignore: decorator
@inline function outsideHalf(x: v128): v128 {
  return f32x4.gt(f32x4.abs(x), splat(0.5));
}

/** The activations after hard_silu (codes from ACT_SOFTPLUS): split out to keep forward4's chain short. */
// @ts-ignore: decorator
@inline function forwardMore4(x: v128, kind: i32): v128 {
  const zero = splat(0), one = splat(1);
  if (kind == ACT_SOFTPLUS) return softplus4(x);
  if (kind == ACT_SOFTSIGN) return f32x4.div(x, f32x4.add(one, f32x4.abs(x)));
  if (kind == ACT_MISH) {
    const n = mishN(x);
    return f32x4.mul(x, f32x4.div(n, f32x4.add(n, splat(2))));
  }
  if (kind == ACT_CELU) return f32x4.add(f32x4.max(x, zero), expm1_4(f32x4.min(x, zero)));
  if (kind == ACT_LOG_SIGMOID) return f32x4.neg(softplus4(f32x4.neg(x)));
  if (kind == ACT_TANH_SHRINK)
    return v128.bitselect(f32x4.neg(tanhTail4(x)), f32x4.sub(x, tanh4(x)), f32x4.lt(f32x4.abs(x), splat(0.625)));
  if (kind == ACT_SQUAREPLUS) {
    // (x + s)/2, and 2/(s − x) for x < 0, the same value without the cancellation of x + s.
    const s = squareRoot4(x);
    return v128.bitselect(f32x4.div(splat(2), f32x4.sub(s, x)), f32x4.mul(f32x4.add(x, s), splat(0.5)), f32x4.lt(x, zero));
  }
  if (kind == ACT_HARD_TANH) return f32x4.min(f32x4.max(x, splat(-1)), one);
  if (kind == ACT_SPARSE_PLUS) {
    const q = f32x4.add(x, one);
    const mid = f32x4.mul(splat(0.25), f32x4.mul(q, q));
    return v128.bitselect(zero, v128.bitselect(mid, x, f32x4.lt(x, one)), f32x4.le(x, splat(-1)));
  }
  if (kind == ACT_SPARSE_SIGMOID) {
    const mid = f32x4.mul(splat(0.5), f32x4.add(x, one));
    return v128.bitselect(zero, v128.bitselect(one, mid, f32x4.ge(x, one)), f32x4.le(x, splat(-1)));
  }
  if (kind == ACT_SOFT_SHRINK) {
    const half = splat(0.5);
    return v128.bitselect(
      f32x4.sub(x, half),
      v128.bitselect(f32x4.add(x, half), zero, f32x4.lt(x, splat(-0.5))),
      f32x4.gt(x, half),
    );
  }
  return v128.and(x, outsideHalf(x)); // ACT_HARD_SHRINK
}

/** f'(x) for the codes from ACT_SOFTPLUS. */
// @ts-ignore: decorator
@inline function derivativeMore4(x: v128, kind: i32): v128 {
  const zero = splat(0), one = splat(1);
  if (kind == ACT_SOFTPLUS) return sigmoid4(x);
  if (kind == ACT_SOFTSIGN) {
    const d = f32x4.add(one, f32x4.abs(x));
    return f32x4.div(one, f32x4.mul(d, d));
  }
  if (kind == ACT_MISH) {
    // tanh(sp) + x·(1 − tanh²(sp))·σ(x), with tanh(sp) = n/(n + 2) and 1 − tanh²(sp) = 4(n + 1)/(n + 2)²; 1 above
    // x = 20, where tanh(sp) is 1 in float32 and the second term nothing.
    const n = mishN(x);
    const q = f32x4.add(n, splat(2));
    const rest = f32x4.div(f32x4.mul(splat(4), f32x4.add(n, one)), f32x4.mul(q, q));
    const d = f32x4.add(f32x4.div(n, q), f32x4.mul(f32x4.mul(x, rest), sigmoid4(x)));
    return v128.bitselect(one, d, f32x4.gt(x, splat(20)));
  }
  if (kind == ACT_CELU) return v128.bitselect(one, exp4(x), f32x4.gt(x, zero));
  if (kind == ACT_LOG_SIGMOID) return sigmoid4(f32x4.neg(x));
  if (kind == ACT_TANH_SHRINK) {
    const t = tanh4(x);
    return f32x4.mul(t, t);
  }
  if (kind == ACT_SQUAREPLUS) {
    // (1 + x/s)/2, and 2/(s·(s − x)) for x < 0 (the same, without 1 + x/s cancelling).
    const s = squareRoot4(x);
    return v128.bitselect(
      f32x4.div(splat(2), f32x4.mul(s, f32x4.sub(s, x))),
      f32x4.mul(f32x4.add(one, f32x4.div(x, s)), splat(0.5)),
      f32x4.lt(x, zero),
    );
  }
  if (kind == ACT_HARD_TANH) return v128.and(one, v128.and(f32x4.ge(x, splat(-1)), f32x4.le(x, one)));
  if (kind == ACT_SPARSE_PLUS) {
    const mid = f32x4.mul(splat(0.5), f32x4.add(x, one));
    return v128.bitselect(zero, v128.bitselect(mid, one, f32x4.lt(x, one)), f32x4.le(x, splat(-1)));
  }
  if (kind == ACT_SPARSE_SIGMOID)
    return v128.and(splat(0.5), v128.and(f32x4.gt(x, splat(-1)), f32x4.lt(x, one)));
  return v128.and(one, outsideHalf(x)); // ACT_SOFT_SHRINK, ACT_HARD_SHRINK
}

// @ts-ignore: decorator
@inline function forward4(x: v128, kind: i32, alpha: f32): v128 {
  if (kind >= ACT_SOFTPLUS) return forwardMore4(x, kind);
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
  if (kind >= ACT_SOFTPLUS) return derivativeMore4(x, kind);
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
    const d = f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.mul(splat(2), x), f32x4.mul(s, r)), du));
    // Beyond |x| 10 the second term is below 1e-30 and x³, x² overflow towards |x| 1e13: the limits 1 and 0.
    return v128.bitselect(v128.and(one, f32x4.gt(x, splat(0))), d, f32x4.gt(f32x4.abs(x), splat(10)));
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

/**
 * f(x) for every code above (linear, relu, relu6 and leaky_relu too, its slope Keras's default for the name, 0.2):
 * the recurrent cells' activations (recurrent.ts).
 */
// @ts-ignore: decorator
@inline export function cellForward4(x: v128, kind: i32): v128 {
  if (kind == ACT_LINEAR) return x;
  if (kind == ACT_LEAKY_RELU) return v128.bitselect(x, f32x4.mul(x, splat(0.2)), f32x4.gt(x, splat(0)));
  if (kind == ACT_RELU) return f32x4.max(x, splat(0));
  if (kind == ACT_RELU6) return f32x4.min(f32x4.max(x, splat(0)), splat(6));
  return forward4(x, kind, 1);
}

/** f'(x) given x and y = f(x), for cellForward4's codes (relu and relu6: 1 strictly inside, as the reference). */
// @ts-ignore: decorator
@inline export function cellDerivative4(x: v128, y: v128, kind: i32): v128 {
  const one = splat(1);
  if (kind == ACT_LINEAR) return one;
  if (kind == ACT_LEAKY_RELU) return v128.bitselect(one, splat(0.2), f32x4.gt(x, splat(0)));
  if (kind == ACT_RELU) return v128.and(one, f32x4.gt(x, splat(0)));
  if (kind == ACT_RELU6) return v128.and(one, v128.and(f32x4.gt(x, splat(0)), f32x4.lt(x, splat(6))));
  return derivative4(x, y, kind, 1);
}
