import { tensor, type Tensor } from '../core/tensor';
import type { ActivationName, ActivationOptions } from './types';

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
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/** log(1 + e^v) without overflow for large v. */
function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

type Pointwise = { f: (v: number) => number; df: (v: number, y: number) => number };

function pointwise(name: ActivationName, o: ActivationOptions): Pointwise {
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
      return { f: (v) => v * sigmoid(v), df: (v) => { const s = sigmoid(v); return s * (1 + v * (1 - s)); } };
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
    case 'softmax':
      throw new RangeError('softmax is not pointwise');
  }
}

/** Softmax over the last axis, shifted by the row maximum so large logits don't overflow. */
export function softmax(x: Tensor): Tensor {
  const n = x.shape[x.shape.length - 1];
  const X = x.data, y = new Float32Array(X.length);
  for (let r = 0; r < X.length; r += n) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, X[r + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += y[r + j] = Math.exp(X[r + j] - max);
    for (let j = 0; j < n; j++) y[r + j] /= sum;
  }
  return tensor(x.shape, y);
}

export function activation(x: Tensor, name: ActivationName, options: ActivationOptions = {}): Tensor {
  if (name === 'softmax') return softmax(x);
  const { f } = pointwise(name, options);
  return tensor(x.shape, x.data.map(f));
}

export function activationGrad(dy: Tensor, x: Tensor, y: Tensor, name: ActivationName, options: ActivationOptions = {}): Tensor {
  const D = dy.data, Y = y.data;
  const dx = new Float32Array(D.length);
  if (name === 'softmax') {
    // dx = y ⊙ (dy − Σ dy·y) per row of the last axis.
    const n = x.shape[x.shape.length - 1];
    for (let r = 0; r < D.length; r += n) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += D[r + j] * Y[r + j];
      for (let j = 0; j < n; j++) dx[r + j] = Y[r + j] * (D[r + j] - dot);
    }
  } else {
    const { df } = pointwise(name, options);
    const X = x.data;
    for (let i = 0; i < D.length; i++) dx[i] = D[i] * df(X[i], Y[i]);
  }
  return tensor(x.shape, dx);
}
