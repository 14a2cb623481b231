import { defineLayer } from './define';
import { joinArgs } from './fields';
import { mapTensor } from './elementwise';

/** Keras's relu(x, negative_slope, max_value, threshold): the kernels cover the two common settings. */
interface ReluConfig {
  readonly max_value: number | null;
  readonly negative_slope: number;
  readonly threshold: number;
}

function plainKernel(config: ReluConfig): 'relu' | 'relu6' | null {
  if (config.negative_slope !== 0 || config.threshold !== 0) return null;
  if (config.max_value === null) return 'relu';
  return config.max_value === 6 ? 'relu6' : null;
}

function params(config: ReluConfig) {
  return { max: config.max_value ?? Infinity, slope: config.negative_slope, threshold: config.threshold };
}

export const ReLU = defineLayer({
  className: 'ReLU',
  group: 'Activation',
  description: 'Rectified linear unit with options: a cap (max_value), a slope below the threshold, and the threshold.',
  arity: 'one',
  traits: { featureMaps: true, keepsUnits: true },
  tfjs: { lacks: { fields: ['negative_slope', 'threshold'], hint: 'use LeakyReLU for a slope' } },
  activationOf: () => 'relu',
  epilogue: (config) => plainKernel(config as unknown as ReluConfig),
  keras: {
    args: ['max_value', 'negative_slope', 'threshold'],
    noBuild: true,
  },
  fields: {
    max_value: {
      type: 'float',
      default: null,
      min: 0,
      nullable: true,
      doc: 'Upper bound of the output (6 gives ReLU6); None for no cap.',
    },
    negative_slope: { type: 'float', default: 0.0, min: 0, doc: 'Slope below the threshold.' },
    threshold: {
      type: 'float',
      default: 0.0,
      min: 0,
      doc: 'Values at or below it are cut (or scaled by negative_slope).',
    },
  },
  outputShape: (_config, [input]) => input,
  keyArgs: (config) =>
    joinArgs(
      config.max_value !== null && `max ${config.max_value}`,
      config.negative_slope !== 0 && `slope ${config.negative_slope}`,
    ),
  forward(ctx, config, [x]) {
    const kernel = plainKernel(config);
    if (kernel) return { output: ctx.backend.activation(x, kernel) };
    const { max, slope, threshold } = params(config);
    return {
      output: mapTensor(x, (v) => (v > threshold ? Math.min(v, max) : slope * (v - threshold))),
    };
  },
  backward(ctx, config, dy, { inputs: [x], output }) {
    const kernel = plainKernel(config);
    if (kernel) return { inputs: [ctx.backend.activationGrad(dy, x, output, kernel)] };
    const { max, slope, threshold } = params(config);
    return { inputs: [mapTensor(x, (v, i) => (v > threshold ? (v < max ? dy.data[i] : 0) : slope * dy.data[i]))] };
  },
});
