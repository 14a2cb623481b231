import { formatShape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { resolveAxis } from './batch-normalization';
import { defineLayer } from './define';
import { bool, constraintFields, initializerField, joinArgs, num, regularizerFields } from './fields';
import type { WeightSpec } from './types';

interface Saved {
  /** The normalized values before gamma and beta; (x − mean) / sqrt(var + ε); 1 / sqrt(var + ε) per row. */
  xhat: Float32Array;
  centered: Float32Array;
  invStd: Float32Array;
}

/**
 * Keras 3.15's LayerNormalization over the last axis: each sample (each position, in an image) normalized with its
 * own mean and biased variance over the channels, then gamma · x̂ + beta per channel. With rms_scaling Keras divides
 * x (uncentred) by sqrt(variance + ε), and has no beta. No batch statistics: training and inference agree.
 */
export const LayerNormalization = defineLayer({
  className: 'LayerNormalization',
  group: 'Normalization',
  description:
    "Normalizes each sample over its last axis (its own mean and variance, not the batch's), then scales by gamma and shifts by beta.",
  arity: 'one',
  traits: { keepsUnits: true },
  keras: {
    axisAsList: true,
    args: [
      'axis',
      'epsilon',
      'center',
      'scale',
      'rms_scaling',
      'beta_initializer',
      'gamma_initializer',
      'beta_regularizer',
      'gamma_regularizer',
      'beta_constraint',
      'gamma_constraint',
    ],
  },
  fields: {
    axis: { type: 'int', default: -1, doc: 'The normalized axis; LayerCanvas computes the last one (-1).' },
    epsilon: {
      type: 'float',
      default: 0.001,
      min: 0,
      exclusiveMin: true,
      doc: 'Added to the variance before the square root.',
    },
    center: { type: 'bool', default: true, doc: 'Learn beta, the shift after normalizing.' },
    scale: { type: 'bool', default: true, doc: 'Learn gamma, the scale after normalizing.' },
    rms_scaling: {
      type: 'bool',
      default: false,
      advanced: true,
      doc: 'Divide by the root mean square only (RMSNorm): no mean subtracted, no beta.',
    },
    beta_initializer: initializerField('zeros', 'Initial beta.'),
    gamma_initializer: initializerField('ones', 'Initial gamma.'),
    ...regularizerFields('beta', 'gamma'),
    ...constraintFields('beta', 'gamma'),
  },
  outputShape(config, [input]) {
    const axis = config.axis;
    const a = resolveAxis(axis, input.length);
    if (a !== input.length - 1)
      return {
        code: 'bad-axis',
        message: `axis ${axis} of ${formatShape(input)}: LayerCanvas normalizes only the last axis`,
        hint: 'use axis=-1',
      };
    if (input[a] === null)
      return {
        code: 'unknown-channels',
        message: `the normalized axis has unknown size in ${formatShape(input)}`,
        hint: 'give the Input a fixed size on that axis',
      };
    return input;
  },
  weights(config, [input]) {
    const c = input[input.length - 1] as number;
    const w: WeightSpec[] = [];
    const rms = config.rms_scaling;
    if (config.scale || rms) w.push({ name: 'gamma', shape: [c], trainable: true, initializer: 'gamma_initializer' });
    if (config.center && !rms) w.push({ name: 'beta', shape: [c], trainable: true, initializer: 'beta_initializer' });
    return w;
  },
  keyArgs: (config) =>
    joinArgs(num(config, 'epsilon') !== 0.001 && `ε=${config.epsilon}`, bool(config, 'rms_scaling') && 'rms'),
  forward(_ctx, config, [x], w) {
    const c = x.shape[x.shape.length - 1];
    const rms = config.rms_scaling;
    const eps = config.epsilon;
    const X = x.data,
      y = new Float32Array(X.length),
      xhat = new Float32Array(X.length);
    const centered = rms ? new Float32Array(X.length) : xhat;
    const invStd = new Float32Array(X.length / c);
    const gamma = w.gamma?.data,
      beta = w.beta?.data;
    for (let r = 0, row = 0; r < X.length; r += c, row++) {
      let mean = 0;
      for (let j = 0; j < c; j++) mean += X[r + j];
      mean /= c;
      let v = 0;
      for (let j = 0; j < c; j++) v += (X[r + j] - mean) ** 2;
      const inv = 1 / Math.sqrt(v / c + eps);
      invStd[row] = inv;
      for (let j = 0; j < c; j++) {
        centered[r + j] = (X[r + j] - mean) * inv;
        // Keras 3.15's rms_scaling divides x itself (not centred) by sqrt(variance + ε).
        const h = rms ? X[r + j] * inv : centered[r + j];
        xhat[r + j] = h;
        y[r + j] = (gamma ? gamma[j] * h : h) + (beta ? beta[j] : 0);
      }
    }
    return { output: { shape: x.shape, data: y }, saved: { xhat, centered, invStd } satisfies Saved };
  },
  backward(_ctx, config, dy, { inputs: [x], weights: w, saved }) {
    const { xhat, centered, invStd } = saved as Saved;
    const c = x.shape[x.shape.length - 1];
    const rms = config.rms_scaling;
    const D = dy.data,
      dx = new Float32Array(D.length);
    const gamma = w.gamma?.data;
    const dgamma = new Float32Array(c),
      dbeta = new Float32Array(c);
    for (let r = 0, row = 0; r < D.length; r += c, row++) {
      // g = dL/dx̂; dx = inv · (g − mean(g) − (x − μ)·inv · mean(g · x̂)), without mean(g) under RMS scaling.
      let sumG = 0,
        sumGX = 0;
      for (let j = 0; j < c; j++) {
        const g = gamma ? D[r + j] * gamma[j] : D[r + j];
        sumG += g;
        sumGX += g * xhat[r + j];
        dgamma[j] += D[r + j] * xhat[r + j];
        dbeta[j] += D[r + j];
      }
      const meanG = rms ? 0 : sumG / c,
        meanGX = sumGX / c;
      for (let j = 0; j < c; j++) {
        const g = gamma ? D[r + j] * gamma[j] : D[r + j];
        dx[r + j] = invStd[row] * (g - meanG - centered[r + j] * meanGX);
      }
    }
    const weights: Record<string, Float32Array> = {};
    if (w.gamma) weights.gamma = dgamma;
    if (w.beta) weights.beta = dbeta;
    return { inputs: [{ shape: x.shape, data: dx } satisfies Tensor], weights };
  },
});
