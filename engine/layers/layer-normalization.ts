import { formatShape } from '../core/shape';
import type { LayerNormSaved } from '../kernels/layer-norm';
import { resolveAxis } from './batch-normalization';
import { defineLayer } from './define';
import { bool, constraintFields, initializerField, joinArgs, num, regularizerFields } from './fields';
import type { WeightSpec } from './types';

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
  // The math is the backend's (engine/kernels/layer-norm.ts; wasm on the fast backend).
  forward(ctx, config, [x], w) {
    const { y, saved } = ctx.backend.layerNorm(
      x,
      w.gamma?.data ?? null,
      w.beta?.data ?? null,
      config.epsilon,
      !!config.rms_scaling,
    );
    return { output: y, saved };
  },
  backward(ctx, config, dy, { weights: w, saved }) {
    const g = ctx.backend.layerNormGrad(dy, w.gamma?.data ?? null, saved as LayerNormSaved, !!config.rms_scaling);
    const weights: Record<string, Float32Array> = {};
    if (w.gamma) weights.gamma = g.dgamma;
    if (w.beta) weights.beta = g.dbeta;
    return { inputs: [g.dx], weights };
  },
});
