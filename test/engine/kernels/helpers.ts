import { expect } from 'vitest';
import { tensor, type Tensor } from '../../../engine/core/tensor';
import { seededRandom } from '../../../engine/kernels/dropout';

/** A tensor of seeded uniform values in [lo, hi). */
export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const random = seededRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    shape,
    Float32Array.from({ length: n }, () => lo + (hi - lo) * random()),
  );
}

/** Every value within atol + rtol·|expected|, with the first offending index in the message. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol))
      expect.fail(`index ${i}: got ${actual[i]}, expected ${expected[i]} (±${tol.toExponential(2)})`);
  }
}

/** The same bits (Object.is: -0 and NaN too) at every index, with the first differing index in the message. */
export function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  const label = what ? `${what}: ` : '';
  expect(actual.length, what).toBe(expected.length);
  const differing = Array.from(actual).findIndex((v, i) => !Object.is(v, expected[i]));
  expect(differing, `${label}first differing index ${differing}: ${actual[differing]} vs ${expected[differing]}`).toBe(
    -1,
  );
}

/** Largest |value| of an array, to scale tolerances for long sums. */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/**
 * Central finite differences in float64 of the scalar loss L(x) = Σ weights · f(x) with respect to x. The forward runs
 * in float32, so the step actually taken is measured after rounding x ± h to float32, and the loss is summed in float64.
 */
export function numericGradient(f: (x: Tensor) => Tensor, x: Tensor, weights: Float32Array, h = 1e-2): Float64Array {
  const loss = (t: Tensor): number => {
    const y = f(t).data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * weights[i];
    return s;
  };
  const grad = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const plus = tensor(x.shape, x.data.slice());
    const minus = tensor(x.shape, x.data.slice());
    plus.data[i] += h;
    minus.data[i] -= h;
    grad[i] = (loss(plus) - loss(minus)) / (plus.data[i] - minus.data[i]);
  }
  return grad;
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
