import { tensor, type Tensor } from '../core/tensor';
import { sigmoid } from './sigmoid';
import type { ActivationName, ActivationOptions } from './activation-name';

export { sigmoid };

// Keras's SELU constants (keras.activations.selu).
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), well below float32 resolution. */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** log(1 + e^v) without overflow for large v. */
function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

/** relu6(x + 3) / 6, as Keras 3 computes it. */
function hardSigmoid(v: number): number {
  return Math.min(Math.max(v + 3, 0), 6) / 6;
}

/** The pointwise activations besides linear and the relu family: the smooth ones and Keras 3's other piecewise ones. */
export const SMOOTH_ACTIVATIONS: readonly ActivationName[] = [
  'sigmoid',
  'tanh',
  'silu',
  'swish',
  'gelu',
  'gelu_approximate',
  'elu',
  'selu',
  'exponential',
  'hard_sigmoid',
  'hard_silu',
  'hard_swish',
  'softplus',
  'softsign',
  'mish',
  'celu',
  'log_sigmoid',
  'tanh_shrink',
  'squareplus',
  'hard_tanh',
  'sparse_plus',
  'sparse_sigmoid',
  'soft_shrink',
  'hard_shrink',
];

/** A pointwise activation as scalars: f, and its derivative from x and y = f(x) (in f64). */
export type Pointwise = { f: (v: number) => number; df: (v: number, y: number) => number };

export function pointwise(name: ActivationName, o: ActivationOptions): Pointwise {
  const slope = o.negativeSlope ?? 0.3;
  const alpha = o.alpha ?? 1;
  switch (name) {
    case 'linear':
      return { f: (v) => v, df: () => 1 };
    case 'relu':
      return { f: (v) => (v > 0 ? v : 0), df: (v) => (v > 0 ? 1 : 0) };
    case 'relu6':
      return { f: (v) => Math.min(Math.max(v, 0), 6), df: (v) => (v > 0 && v < 6 ? 1 : 0) };
    case 'leaky_relu':
      return { f: (v) => (v > 0 ? v : slope * v), df: (v) => (v > 0 ? 1 : slope) };
    case 'sigmoid':
      return { f: sigmoid, df: (_v, y) => y * (1 - y) };
    case 'tanh':
      return { f: Math.tanh, df: (_v, y) => 1 - y * y };
    case 'elu':
      return { f: (v) => (v > 0 ? v : alpha * Math.expm1(v)), df: (v) => (v > 0 ? 1 : alpha * Math.exp(v)) };
    case 'selu':
      return {
        f: (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)),
        df: (v) => SELU_SCALE * (v > 0 ? 1 : SELU_ALPHA * Math.exp(v)),
      };
    case 'softplus':
      return { f: softplus, df: (v) => sigmoid(v) };
    case 'softsign':
      return { f: (v) => v / (1 + Math.abs(v)), df: (v) => 1 / (1 + Math.abs(v)) ** 2 };
    case 'silu':
    case 'swish':
      return {
        f: (v) => v * sigmoid(v),
        df: (v) => {
          const s = sigmoid(v);
          return s * (1 + v * (1 - s));
        },
      };
    case 'gelu':
      return {
        f: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
        df: (v) => 0.5 * (1 + erf(v / Math.SQRT2)) + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI),
      };
    case 'gelu_approximate':
      return {
        f: (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))),
        df: (v) => {
          const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
          return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
        },
      };
    // Keras 3.15's TensorFlow backend (keras/src/backend/tensorflow/nn.py). At a kink the derivative is the one
    // TensorFlow's gradient gives: clip_by_value and relu6 pass the gradient at their bounds' inner side only.
    case 'hard_sigmoid':
      return { f: hardSigmoid, df: (v) => (v > -3 && v < 3 ? 1 / 6 : 0) };
    case 'hard_silu':
    case 'hard_swish':
      return { f: (v) => v * hardSigmoid(v), df: (v) => hardSigmoid(v) + (v > -3 && v < 3 ? v / 6 : 0) };
    case 'exponential':
      return { f: Math.exp, df: (_v, y) => y };
    case 'mish':
      // x · tanh(softplus(x)); d/dx = tanh(sp) + x · (1 − tanh²(sp)) · sigmoid(x).
      return {
        f: (v) => v * Math.tanh(softplus(v)),
        df: (v) => {
          const t = Math.tanh(softplus(v));
          return t + v * (1 - t * t) * sigmoid(v);
        },
      };
    case 'celu':
      return { f: (v) => Math.max(v, 0) + Math.expm1(Math.min(v, 0)), df: (v) => (v > 0 ? 1 : Math.exp(v)) };
    case 'hard_tanh':
      return { f: (v) => Math.min(Math.max(v, -1), 1), df: (v) => (v >= -1 && v <= 1 ? 1 : 0) };
    case 'log_sigmoid':
      return { f: (v) => -softplus(-v), df: (v) => sigmoid(-v) };
    case 'tanh_shrink':
      return { f: (v) => v - Math.tanh(v), df: (v) => Math.tanh(v) ** 2 };
    case 'squareplus':
      return { f: (v) => (v + Math.sqrt(v * v + 4)) / 2, df: (v) => (1 + v / Math.sqrt(v * v + 4)) / 2 };
    case 'sparse_plus':
      return {
        f: (v) => (v <= -1 ? 0 : v < 1 ? 0.25 * (v + 1) ** 2 : v),
        df: (v) => (v <= -1 ? 0 : v < 1 ? 0.5 * (v + 1) : 1),
      };
    case 'sparse_sigmoid':
      return { f: (v) => (v <= -1 ? 0 : v >= 1 ? 1 : 0.5 * (v + 1)), df: (v) => (v <= -1 || v >= 1 ? 0 : 0.5) };
    case 'soft_shrink':
      return { f: (v) => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0), df: (v) => (Math.abs(v) > 0.5 ? 1 : 0) };
    case 'hard_shrink':
      return { f: (v) => (Math.abs(v) > 0.5 ? v : 0), df: (v) => (Math.abs(v) > 0.5 ? 1 : 0) };
    case 'softmax':
    case 'log_softmax':
      throw new RangeError(`${name} is not pointwise`);
  }
}

/** One row's maximum and Σ exp(x − max), writing the exponentials into `exps` when given. */
function shiftedExpSum(X: Float32Array, r: number, n: number, exps?: Float32Array): { max: number; sum: number } {
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, X[r + j]);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp(X[r + j] - max);
    if (exps) exps[r + j] = e;
    sum += e;
  }
  return { max, sum };
}

/** Softmax over the last axis, shifted by the row maximum so large logits don't overflow. */
export function softmax(x: Tensor): Tensor {
  const n = x.shape[x.shape.length - 1];
  const X = x.data,
    y = new Float32Array(X.length);
  for (let r = 0; r < X.length; r += n) {
    const { sum } = shiftedExpSum(X, r, n, y);
    for (let j = 0; j < n; j++) y[r + j] /= sum;
  }
  return tensor(x.shape, y);
}

/** log(softmax(x)) over the last axis: x − max − log Σ exp(x − max), exact where softmax would underflow. */
export function logSoftmax(x: Tensor): Tensor {
  const n = x.shape[x.shape.length - 1];
  const X = x.data,
    y = new Float32Array(X.length);
  for (let r = 0; r < X.length; r += n) {
    const { max, sum } = shiftedExpSum(X, r, n);
    const shift = max + Math.log(sum);
    for (let j = 0; j < n; j++) y[r + j] = X[r + j] - shift;
  }
  return tensor(x.shape, y);
}

export function activation(x: Tensor, name: ActivationName, options: ActivationOptions = {}): Tensor {
  if (name === 'softmax') return softmax(x);
  if (name === 'log_softmax') return logSoftmax(x);
  const { f } = pointwise(name, options);
  return tensor(x.shape, x.data.map(f));
}

export function activationGrad(
  dy: Tensor,
  x: Tensor,
  y: Tensor,
  name: ActivationName,
  options: ActivationOptions = {},
): Tensor {
  const D = dy.data,
    Y = y.data;
  const dx = new Float32Array(D.length);
  if (name === 'softmax') {
    // dx = y ⊙ (dy − Σ dy·y) per row of the last axis.
    const n = x.shape[x.shape.length - 1];
    for (let r = 0; r < D.length; r += n) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += D[r + j] * Y[r + j];
      for (let j = 0; j < n; j++) dx[r + j] = Y[r + j] * (D[r + j] - dot);
    }
  } else if (name === 'log_softmax') {
    // dx = dy − softmax · Σ dy per row; softmax = exp(y).
    const n = x.shape[x.shape.length - 1];
    for (let r = 0; r < D.length; r += n) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += D[r + j];
      for (let j = 0; j < n; j++) dx[r + j] = D[r + j] - Math.exp(Y[r + j]) * sum;
    }
  } else {
    const { df } = pointwise(name, options);
    const X = x.data;
    for (let i = 0; i < D.length; i++) dx[i] = D[i] * df(X[i], Y[i]);
  }
  return tensor(x.shape, dx);
}
