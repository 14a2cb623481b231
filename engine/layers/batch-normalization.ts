import { formatShape } from '../core/shape';
import { constraintFields, initializerField, joinArgs, num, regularizerFields } from './fields';
import { EPILOGUE, type WeightSpec } from './types';
import { defineLayer } from './define';
import type { Tensor } from '../core/tensor';
import type { BatchNormEpilogue, BatchNormSaved } from '../kernels/types';

/** Keras: a frozen BatchNormalization (trainable=False) runs in inference mode even while the model trains. */
const usesBatchStatistics = (training: boolean, config: { trainable?: boolean }) =>
  training && config.trainable !== false;

/**
 * The relu or relu6 of the layer after this one, run in this layer's own pass (with its gradient) when the executor
 * passes it under the EPILOGUE symbol (engine/train/executor.ts): never from a document's config.
 */
const epilogueOf = (config: object): BatchNormEpilogue | undefined =>
  (config as { [EPILOGUE]?: BatchNormEpilogue })[EPILOGUE];

interface InferenceSaved {
  inference: true;
  invStd: Float32Array;
}

/** Resolves a Keras axis (negative counts from the end) against a rank; null when out of range or the batch axis. */
export function resolveAxis(axis: number, rank: number): number | null {
  const a = absoluteAxis(axis, rank);
  return a >= 1 && a < rank ? a : null;
}

/** A Keras axis counted from the front, for an axis the output shape has already checked. */
export function absoluteAxis(axis: number, rank: number): number {
  return axis < 0 ? rank + axis : axis;
}

export const BatchNormalization = defineLayer({
  className: 'BatchNormalization',
  group: 'Normalization',
  description:
    'Normalizes each channel with the mean and variance of the current batch (over batch, height and width in a CNN), then scales by a learned gamma and shifts by a learned beta; at inference it uses moving averages of those statistics instead.',
  details:
    'Place it between the linear step (Conv2D/Dense with use_bias=False) and the activation. Each feature map gets one mean and one variance, shared across every pixel and every sample of the batch. moving_mean and moving_variance are not trained: they follow the batch statistics with `momentum` and replace them at inference.',
  arity: 'one',
  acceptsEpilogue: (config, training) => usesBatchStatistics(training, config),
  traits: { featureMaps: true, keepsUnits: true, batchStatistics: true },
  keras: {
    args: [
      'axis',
      'momentum',
      'epsilon',
      'center',
      'scale',
      'beta_initializer',
      'gamma_initializer',
      'moving_mean_initializer',
      'moving_variance_initializer',
      'beta_regularizer',
      'gamma_regularizer',
      'beta_constraint',
      'gamma_constraint',
      'synchronized',
    ],
    config: [
      'axis',
      'momentum',
      'epsilon',
      'center',
      'scale',
      'beta_initializer',
      'gamma_initializer',
      'moving_mean_initializer',
      'moving_variance_initializer',
      'beta_regularizer',
      'gamma_regularizer',
      'beta_constraint',
      'gamma_constraint',
      'synchronized',
      'renorm',
      'renorm_clipping',
      'renorm_momentum',
    ],
    callKwargs: { mask: null },
  },
  fields: {
    axis: {
      type: 'int',
      default: -1,
      doc: 'The channel axis: one mean and variance per index along it (-1: the last axis, channels_last).',
    },
    momentum: {
      type: 'float',
      default: 0.99,
      min: 0,
      max: 1,
      doc: 'moving = moving × momentum + batch × (1 − momentum).',
    },
    epsilon: {
      type: 'float',
      default: 0.001,
      min: 0,
      exclusiveMin: true,
      doc: 'Added to the variance before the square root.',
    },
    center: { type: 'bool', default: true, doc: 'Learn beta, the shift applied after normalizing.' },
    scale: { type: 'bool', default: true, doc: 'Learn gamma, the scale applied after normalizing.' },
    beta_initializer: initializerField('zeros', 'Initial beta.'),
    gamma_initializer: initializerField('ones', 'Initial gamma.'),
    moving_mean_initializer: initializerField('zeros', 'Initial moving mean.'),
    moving_variance_initializer: initializerField('ones', 'Initial moving variance.'),
    ...regularizerFields('beta', 'gamma'),
    ...constraintFields('beta', 'gamma'),
  },
  outputShape(config, [input]) {
    const { axis } = config;
    const a = resolveAxis(axis, input.length);
    if (a === null)
      return {
        code: 'bad-axis',
        message: `axis ${axis} is out of range for an input of rank ${input.length} ${formatShape(input)}`,
        hint: 'use -1, the channel axis in channels_last',
      };
    if (input[a] === null)
      return {
        code: 'unknown-channels',
        message: `the normalized axis ${axis} has unknown size in ${formatShape(input)}`,
        hint: 'give the Input a fixed size on that axis',
      };
    return input;
  },
  weights({ axis, scale, center }, [input]) {
    const c = input[absoluteAxis(axis, input.length)] as number;
    const w: WeightSpec[] = [];
    if (scale) w.push({ name: 'gamma', shape: [c], trainable: true, initializer: 'gamma_initializer' });
    if (center) w.push({ name: 'beta', shape: [c], trainable: true, initializer: 'beta_initializer' });
    w.push({ name: 'moving_mean', shape: [c], trainable: false, initializer: 'moving_mean_initializer' });
    w.push({ name: 'moving_variance', shape: [c], trainable: false, initializer: 'moving_variance_initializer' });
    return w;
  },
  keyArgs: (config) =>
    joinArgs(
      num(config, 'momentum') !== 0.99 && `m=${config.momentum}`,
      num(config, 'epsilon') !== 0.001 && `ε=${config.epsilon}`,
    ),
  forward(ctx, config, [x], w) {
    const { axis, epsilon } = config;
    const gamma = w.gamma?.data ?? null;
    const beta = w.beta?.data ?? null;
    if (!usesBatchStatistics(ctx.training, config)) {
      const output = ctx.backend.batchNormInfer(
        x,
        w.moving_mean.data,
        w.moving_variance.data,
        gamma,
        beta,
        epsilon,
        axis,
      );
      const invStd = w.moving_variance.data.map((v) => 1 / Math.sqrt(v + epsilon));
      return { output, saved: { inference: true, invStd } satisfies InferenceSaved };
    }
    const { y, saved } = ctx.backend.batchNormTrain(x, gamma, beta, epsilon, axis, epilogueOf(config));
    // moving = moving × momentum + batch × (1 − momentum), with the biased batch variance, as Keras does.
    const m = config.momentum;
    const follow = (moving: Float32Array, batch: Float32Array) => moving.map((v, i) => v * m + batch[i] * (1 - m));
    return {
      output: y,
      saved,
      updates: {
        moving_mean: follow(w.moving_mean.data, saved.mean),
        moving_variance: follow(w.moving_variance.data, saved.variance),
      },
    };
  },
  backward(ctx, config, dy, { inputs: [x], weights: w, saved, output }) {
    const gamma = w.gamma?.data ?? null;
    let dx: Tensor;
    let dgamma: Float32Array;
    let dbeta: Float32Array;
    if ((saved as InferenceSaved).inference) {
      ({ dx, dgamma, dbeta } = inferenceModeGrads(
        dy,
        x,
        w.moving_mean.data,
        (saved as InferenceSaved).invStd,
        gamma,
        config.axis,
      ));
    } else {
      const activation = epilogueOf(config);
      const epilogue = activation ? { activation, y: output } : undefined;
      ({ dx, dgamma, dbeta } = ctx.backend.batchNormBackward(dy, x, gamma, saved as BatchNormSaved, epilogue));
    }
    const weights: Record<string, Float32Array> = {};
    if (w.gamma) weights.gamma = dgamma;
    if (w.beta) weights.beta = dbeta;
    return { inputs: [dx], weights };
  },
});

/** With fixed statistics BN is a per-channel affine map: y = gamma·(x − mean)·invStd + beta. */
function inferenceModeGrads(
  dy: Tensor,
  x: Tensor,
  mean: Float32Array,
  invStd: Float32Array,
  gamma: Float32Array | null,
  axis: number,
) {
  const rank = x.shape.length;
  const a = absoluteAxis(axis, rank);
  const c = x.shape[a];
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const dx = new Float32Array(x.data.length);
  const dgamma = new Float32Array(c);
  const dbeta = new Float32Array(c);
  for (let i = 0; i < x.data.length; i++) {
    const ch = Math.floor(i / inner) % c;
    const g = gamma ? gamma[ch] : 1;
    dx[i] = dy.data[i] * g * invStd[ch];
    dgamma[ch] += dy.data[i] * (x.data[i] - mean[ch]) * invStd[ch];
    dbeta[ch] += dy.data[i];
  }
  return { dx: { shape: x.shape, data: dx }, dgamma, dbeta };
}
