import { formatShape } from '../core/shape';
import { bool, initializerField, joinArgs, num } from './fields';
import type { LayerDefinition, WeightSpec } from './types';

/** Resolves a Keras axis (negative counts from the end) against a rank; null when out of range or the batch axis. */
export function resolveAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? rank + axis : axis;
  return a >= 1 && a < rank ? a : null;
}

export const BatchNormalization: LayerDefinition = {
  className: 'BatchNormalization',
  group: 'Normalization',
  description:
    'Normalizes each channel with the mean and variance of the current batch (over batch, height and width in a CNN), then scales by a learned gamma and shifts by a learned beta; at inference it uses moving averages of those statistics instead.',
  details:
    'Place it between the linear step (Conv2D/Dense with use_bias=False) and the activation. Each feature map gets one mean and one variance, shared across every pixel and every sample of the batch. moving_mean and moving_variance are not trained: they follow the batch statistics with `momentum` and replace them at inference.',
  arity: 'one',
  fields: {
    axis: { type: 'int', default: -1, doc: 'The channel axis: one mean and variance per index along it (-1: the last axis, channels_last).' },
    momentum: { type: 'float', default: 0.99, min: 0, max: 1, doc: 'moving = moving × momentum + batch × (1 − momentum).' },
    epsilon: { type: 'float', default: 0.001, min: 0, exclusiveMin: true, doc: 'Added to the variance before the square root.' },
    center: { type: 'bool', default: true, doc: 'Learn beta, the shift applied after normalizing.' },
    scale: { type: 'bool', default: true, doc: 'Learn gamma, the scale applied after normalizing.' },
    beta_initializer: initializerField('zeros', 'Initial beta.'),
    gamma_initializer: initializerField('ones', 'Initial gamma.'),
    moving_mean_initializer: initializerField('zeros', 'Initial moving mean.'),
    moving_variance_initializer: initializerField('ones', 'Initial moving variance.'),
  },
  outputShape(config, [input]) {
    const axis = num(config, 'axis');
    const a = resolveAxis(axis, input.length);
    if (a === null)
      return {
        code: 'bad-axis',
        message: `axis ${axis} is out of range for an input of rank ${input.length} ${formatShape(input)}`,
        hint: 'use -1, the channel axis in channels_last',
      };
    if (input[a] === null)
      return { code: 'unknown-channels', message: `the normalized axis ${axis} has unknown size in ${formatShape(input)}`, hint: 'give the Input a fixed size on that axis' };
    return input;
  },
  weights(config, [input]) {
    const c = input[resolveAxis(num(config, 'axis'), input.length) as number] as number;
    const w: WeightSpec[] = [];
    if (bool(config, 'scale')) w.push({ name: 'gamma', shape: [c], trainable: true, initializer: 'gamma_initializer' });
    if (bool(config, 'center')) w.push({ name: 'beta', shape: [c], trainable: true, initializer: 'beta_initializer' });
    w.push({ name: 'moving_mean', shape: [c], trainable: false, initializer: 'moving_mean_initializer' });
    w.push({ name: 'moving_variance', shape: [c], trainable: false, initializer: 'moving_variance_initializer' });
    return w;
  },
  keyArgs: (config) => joinArgs(num(config, 'momentum') !== 0.99 && `m=${config.momentum}`, num(config, 'epsilon') !== 0.001 && `ε=${config.epsilon}`),
};
