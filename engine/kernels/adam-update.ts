/** One Adam step's scalars: alpha = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ), Keras's bias correction folded in. */
export interface AdamStep {
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Keras 3's Adam update_step, in place over one variable and its two slots:
 * m += (g − m)(1 − β₁); v += (g² − v)(1 − β₂); value −= alpha · m / (√v + ε).
 */
export function adamUpdate(
  value: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  p: AdamStep,
): void {
  if (grad.length !== value.length || m.length !== value.length || v.length !== value.length)
    throw new RangeError(
      `Adam operands differ in length: value ${value.length}, grad ${grad.length}, m ${m.length}, v ${v.length}`,
    );
  const { alpha, beta1, beta2, epsilon } = p;
  for (let i = 0; i < value.length; i++) {
    m[i] += (grad[i] - m[i]) * (1 - beta1);
    v[i] += (grad[i] * grad[i] - v[i]) * (1 - beta2);
    value[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + epsilon);
  }
}

/** One variable of an optimizer step: its value and gradient, and Adam's two slots. */
export interface AdamVariable {
  value: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** adamUpdate over each variable of a step, in order. */
export function adamUpdateMany(variables: readonly AdamVariable[], p: AdamStep): void {
  for (const x of variables) adamUpdate(x.value, x.grad, x.m, x.v, p);
}
