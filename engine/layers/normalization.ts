import { formatShape } from '../core/shape';
import { defineLayer } from './define';
import { bool } from './fields';
import { resolveAxis } from './batch-normalization';

/** keras.backend.epsilon(): the floor of the standard deviation Normalization divides by. */
const EPSILON = 1e-7;

/**
 * Keras's Normalization: `(x − mean) / max(sqrt(variance), 1e-7)` per index of `axis` (`mean + x · std` when
 * inverted). With adapted statistics, mean, variance and count are non-trainable weights, as Keras stores them after
 * `adapt()`; given to the constructor (`Normalization(mean=…, variance=…)`, as ConvNeXt does) they are constants in
 * the config and the layer has no weights. Training never changes either.
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
    mean: {
      type: 'floats',
      default: null,
      nullable: true,
      doc: 'The mean per channel (or one for all), fixed in the config; None: weights set by adapt() or a weights file.',
    },
    variance: {
      type: 'floats',
      default: null,
      nullable: true,
      doc: 'The variance per channel (or one for all), given together with mean.',
    },
    invert: { type: 'bool', default: false, advanced: true, doc: 'Undo the normalization instead: mean + x · std.' },
  },
  validate(config) {
    if ((config.mean === null) === (config.variance === null)) return [];
    const given = config.mean === null ? 'variance' : 'mean';
    return [
      {
        code: 'bad-config',
        message: `${given} is given without ${given === 'mean' ? 'variance' : 'mean'}; Keras needs both or neither`,
        hint: 'give both, or neither (the statistics then come from adapt() or a weights file)',
      },
    ];
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
    for (const key of ['mean', 'variance'] as const) {
      const v = config[key];
      if (Array.isArray(v) && v.length !== 1 && v.length !== input[a])
        return {
          code: 'bad-config',
          message: `${key} holds ${v.length} values, but the axis ${axis} of ${formatShape(input)} has ${input[a]}`,
          hint: 'give one value per channel, or one for all',
        };
    }
    return input;
  },
  weights(config, [input]) {
    if (config.mean !== null) return [];
    const c = input[resolveAxis(config.axis, input.length) as number] as number;
    return [
      { name: 'mean', shape: [c], trainable: false, initializer: 'mean', constant: 0 },
      { name: 'variance', shape: [c], trainable: false, initializer: 'variance', constant: 1 },
      { name: 'count', shape: [], trainable: false, initializer: 'count', constant: 0 },
    ];
  },
  keyArgs: (config) => (bool(config, 'invert') ? 'invert' : ''),
  forward(ctx, config, [x], w) {
    const { channel, c, inner } = channelOf(x.shape, config.axis);
    const std = scales(statistic(config.variance, c) ?? w.variance.data);
    const mean = statistic(config.mean, c) ?? w.mean.data;
    const invert = config.invert;
    // Channels last (the usual case): the backend's affine pass, float32 op by op as Keras computes it.
    if (inner === 1)
      return {
        output: ctx.backend.affine(
          x,
          invert ? { scale: std, shift: mean } : { scale: std, center: mean, divide: true },
        ),
      };
    const X = x.data,
      y = new Float32Array(X.length);
    for (let i = 0; i < X.length; i++) {
      const c = channel(i);
      y[i] = invert ? mean[c] + X[i] * std[c] : (X[i] - mean[c]) / std[c];
    }
    return { output: { shape: x.shape, data: y } };
  },
  backward(ctx, config, dy, { inputs: [x], weights: w }) {
    const { channel, c, inner } = channelOf(x.shape, config.axis);
    const std = scales(statistic(config.variance, c) ?? w.variance.data);
    const invert = config.invert;
    if (inner === 1) return { inputs: [ctx.backend.affine(dy, { scale: std, divide: !invert })] };
    const D = dy.data,
      dx = new Float32Array(D.length);
    for (let i = 0; i < D.length; i++) dx[i] = invert ? D[i] * std[channel(i)] : D[i] / std[channel(i)];
    return { inputs: [{ shape: x.shape, data: dx }] };
  },
});

/** A statistic given in the config, one per channel (Keras broadcasts a single value); null when not given. */
function statistic(v: number | number[] | null, c: number): Float32Array | null {
  if (v === null) return null;
  const values = typeof v === 'number' ? [v] : v;
  return Float32Array.from({ length: c }, (_, i) => values[values.length === 1 ? 0 : i]);
}

const scales = (variance: Float32Array) => variance.map((v) => Math.max(Math.sqrt(v), EPSILON));

function channelOf(shape: readonly number[], axis: number) {
  const a = resolveAxis(axis, shape.length) as number;
  const c = shape[a];
  const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
  return { c, inner, channel: (i: number) => Math.floor(i / inner) % c };
}
