// AssemblyScript. e^x four lanes at a time in float32 (Cephes's expf, within 2 float32 ulps of the exact value), as
// TensorFlow's own Eigen kernels approximate it: the LSTM/GRU gates (recurrent.ts), softmax (softmax.ts) and the
// smooth activations (activations.ts); σ and tanh from it.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 88.3762626647949;

/**
 * e^x per lane: x = n·ln2 + r, |r| ≤ ln2/2, e^r by Cephes's degree-6 polynomial, 2^n into the exponent bits. The
 * clamp is pmax/pmin (one instruction each where min/max take several for their NaN and ±0 rules): against
 * constant bounds they give min/max's results, NaN included (pmax(NaN, b) and pmin(NaN, b) are NaN).
 */
// @ts-ignore: decorator
@inline export function exp4(x0: v128): v128 {
  const x1 = f32x4.pmin(f32x4.pmax(x0, f32x4.splat(-EXP_MAX)), f32x4.splat(EXP_MAX));
  const n = f32x4.nearest(f32x4.mul(x1, f32x4.splat(LOG2E)));
  const x = f32x4.sub(f32x4.sub(x1, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, x), x), x), f32x4.splat(1));
  // n in [-127, 128]: 2^-127 flushes to 0 and 2^128 is +inf, both what e^x rounds to there (near enough for σ).
  // (n + 127) << 23 without a float-to-int conversion: n + 1.5·2^23 + 127 is exact, its bits 0x4B400000 + n + 127,
  // and the shift drops 0x4B400000's bits (for NaN, as trunc_sat's 0 does, 127 << 23).
  const pow2 = i32x4.shl(f32x4.add(n, f32x4.splat(12583039)), 23);
  return f32x4.mul(y, pow2);
}

/**
 * σ(x) = 1 / (1 + e^−x); saturates to 0 and 1 as float32 does: 0 below −EXP_MAX, where exp4's clamp would leave
 * 4e-39 (x·σ(x) would then be −0.4 for x = −1e38).
 */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  const s = f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
  return v128.andnot(s, f32x4.lt(x, f32x4.splat(-EXP_MAX)));
}

/** tanh(x) − x below |x| 0.625: Cephes's odd polynomial x³·p(x²) (tanh_shrink is its negation, without cancelling). */
// @ts-ignore: decorator
@inline export function tanhTail4(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  return f32x4.mul(f32x4.mul(p, z), x);
}

/**
 * tanh: an odd polynomial below |x| 0.625 (where 1 − 2/(e^2x + 1) would cancel), that form above; |x| is capped at
 * 20, where 2/(e^40 + 1) is far below float32's half ulp at 1, so the form rounds to ±1 exactly as tanh does from
 * about 9.01 on (a cap at 9 left 1 − 2⁻²⁴ there: gelu's 1 + tanh then gave −2.7e-7 for 0 at −9).
 */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const small = f32x4.add(tanhTail4(x), x);
  const capped = f32x4.pmin(ax, f32x4.splat(20)); // min's result: ax is never −0, and pmin(NaN, 20) is NaN
  const e = exp4(f32x4.add(capped, capped));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

/**
 * ln x per lane for positive normal x (Cephes's logf, within 2 float32 ulps): x = m·2^e with m in [√½, √2), ln m by a
 * degree-9 polynomial in m − 1, e·ln 2 added in two parts.
 */
// @ts-ignore: decorator
@inline export function log4(x: v128): v128 {
  const bits = i32x4.shr_u(x, 23);
  let e = f32x4.convert_i32x4_s(i32x4.sub(bits, i32x4.splat(126)));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const low = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = f32x4.sub(e, v128.and(low, f32x4.splat(1)));
  m = f32x4.sub(f32x4.add(m, v128.and(low, m)), f32x4.splat(1));
  const z = f32x4.mul(m, m);
  let p = f32x4.splat(7.0376836292e-2);
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(-1.1514610310e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(1.1676998740e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(-1.2420140846e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(1.4249322787e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(-1.6668057665e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(2.0000714765e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(-2.4999993993e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = f32x4.add(y, f32x4.mul(e, f32x4.splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(m, y), f32x4.mul(e, f32x4.splat(0.693359375)));
}

/**
 * ln(1 + u) per lane for u ≥ 0 without losing u's digits where 1 + u rounds: ln(w)·u/(w − 1) with w = 1 + u, whose
 * rounding errors cancel (Goldberg), and u itself where w rounds to 1.
 */
// @ts-ignore: decorator
@inline export function log1p4(u: v128): v128 {
  const w = f32x4.add(u, f32x4.splat(1));
  const d = f32x4.sub(w, f32x4.splat(1));
  const r = f32x4.div(f32x4.mul(log4(w), u), d);
  return v128.bitselect(u, r, f32x4.eq(d, f32x4.splat(0)));
}

/** ln(1 + e^x), no overflow: max(x, 0) + ln(1 + e^−|x|). */
// @ts-ignore: decorator
@inline export function softplus4(x: v128): v128 {
  return f32x4.add(f32x4.max(x, f32x4.splat(0)), log1p4(exp4(f32x4.neg(f32x4.abs(x)))));
}
