import { defineLayer } from './define';

export const LeakyReLU = defineLayer({
  className: 'LeakyReLU',
  group: 'Activation',
  description: 'Like ReLU, but negative values are multiplied by a small slope instead of zeroed.',
  arity: 'one',
  traits: { featureMaps: true, keepsUnits: true },
  activationOf: () => 'leaky_relu',
  keras: {
    args: ['negative_slope'],
    noBuild: true,
    renamed: { alpha: 'negative_slope' },
  },
  fields: {
    negative_slope: {
      type: 'float',
      default: 0.3,
      min: 0,
      doc: 'Slope for negative inputs (called alpha in tf.keras 2).',
    },
  },
  outputShape: (_config, [input]) => input,
  keyArgs: (config) => String(config.negative_slope),
  forward: (ctx, config, [x]) => ({
    output: ctx.backend.activation(x, 'leaky_relu', { negativeSlope: config.negative_slope }),
  }),
  backward: (ctx, config, dy, { inputs: [x], output }) => ({
    inputs: [ctx.backend.activationGrad(dy, x, output, 'leaky_relu', { negativeSlope: config.negative_slope })],
  }),
});
