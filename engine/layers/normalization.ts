import { formatShape } from '../core/shape';
import { defineLayer } from './define';
import { bool } from './fields';
import { resolveAxis } from './batch-normalization';

/** keras.backend.epsilon(): the floor of the standard deviation Normalization divides by. */
const EPSILON = 1e-7;

/**
 * Keras's Normalization with adapted statistics: `(x − mean) / max(sqrt(variance), 1e-7)` per index of `axis`
 * (`mean + x · std` when inverted). mean, variance and count are non-trainable weights, as Keras stores them after
 * `adapt()`; training never changes them.
 */
export const Normalization = defineLayer({
  className: 'Normalization',
  group: 'Normalization',
  description:
    'Standardizes each channel with a fixed mean and variance (Keras sets them with adapt() on the data); not trained.',
  arity: 'one',
  traits: { keepsUnits: true, finalizesState: true },
  tfjs: { missing: 'use Rescaling with 1/std and -mean/std, or normalize the data before the model' },
  keras: {
    args: ['axis', 'mean', 'variance', 'invert'],
    config: ['axis', 'invert', 'mean', 'variance'],
    axisAsList: true,
  },
  fields: {
    axis: { type: 'int', default: -1, doc: 'One mean and variance per index along this axis (-1: the channels).' },
    invert: { type: 'bool', default: false, advanced: true, doc: 'Undo the normalization instead: mean + x · std.' },
  },
  outputShape(config, [input]) {
    const axis = config.axis;
    const a = resolveAxis(axis, input.length);
    if (a === null)
      return {
        code: 'bad-axis',
        message: `axis ${axis} is out of range for an input of rank ${input.length} ${formatShape(input)}`,
        hint: 'use -1, the channel axis',
      };
    if (input[a] === null)
      return {
        code: 'unknown-channels',
        message: `the axis ${axis} has unknown size in ${formatShape(input)}`,
        hint: 'give the Input a fixed size on that axis',
      };
    return input;
  },
  weights(config, [input]) {
    const c = input[resolveAxis(config.axis, input.length) as number] as number;
    return [
      { name: 'mean', shape: [c], trainable: false, initializer: 'mean', constant: 0 },
      { name: 'variance', shape: [c], trainable: false, initializer: 'variance', constant: 1 },
      { name: 'count', shape: [], trainable: false, initializer: 'count', constant: 0 },
    ];
  },
  keyArgs: (config) => (bool(config, 'invert') ? 'invert' : ''),
  forward(_ctx, config, [x], w) {
    const std = scales(w.variance.data);
    const { channel } = channelOf(x.shape, config.axis);
    const mean = w.mean.data,
      X = x.data,
      y = new Float32Array(X.length);
    const invert = config.invert;
    for (let i = 0; i < X.length; i++) {
      const c = channel(i);
      y[i] = invert ? mean[c] + X[i] * std[c] : (X[i] - mean[c]) / std[c];
    }
    return { output: { shape: x.shape, data: y } };
  },
  backward(_ctx, config, dy, { inputs: [x], weights: w }) {
    const std = scales(w.variance.data);
    const { channel } = channelOf(x.shape, config.axis);
    const invert = config.invert;
    const D = dy.data,
      dx = new Float32Array(D.length);
    for (let i = 0; i < D.length; i++) dx[i] = invert ? D[i] * std[channel(i)] : D[i] / std[channel(i)];
    return { inputs: [{ shape: x.shape, data: dx }] };
  },
});

const scales = (variance: Float32Array) => variance.map((v) => Math.max(Math.sqrt(v), EPSILON));

function channelOf(shape: readonly number[], axis: number) {
  const a = resolveAxis(axis, shape.length) as number;
  const c = shape[a];
  const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
  return { channel: (i: number) => Math.floor(i / inner) % c };
}
