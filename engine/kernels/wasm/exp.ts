// AssemblyScript. e^x four lanes at a time in float32 (Cephes's expf, within 2 float32 ulps of the exact value), as
// TensorFlow's own Eigen kernels approximate it: the LSTM/GRU gates (recurrent.ts) and softmax (softmax.ts).

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 88.3762626647949;

/** e^x per lane: x = n·ln2 + r, |r| ≤ ln2/2, e^r by Cephes's degree-6 polynomial, 2^n into the exponent bits. */
// @ts-ignore: decorator
@inline export function exp4(x0: v128): v128 {
  const x1 = f32x4.min(f32x4.max(x0, f32x4.splat(-EXP_MAX)), f32x4.splat(EXP_MAX));
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
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2);
}

