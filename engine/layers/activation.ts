import { defineLayer } from './define';
import { activationField } from './fields';
import { activate, activateGrad } from './run-helpers';

export const Activation = defineLayer({
  className: 'Activation',
  group: 'Activation',
  description: 'Applies an activation function element-wise (softmax along the last axis).',
  arity: 'one',
  traits: { featureMaps: true, keepsUnits: true },
  activationOf: (config) => (config.activation === 'linear' ? null : String(config.activation)),
  epilogue: (config) => (config.activation === 'relu' || config.activation === 'relu6' ? config.activation : null),
  keras: {
    args: ['activation'],
    noBuild: true,
  },
  fields: {
    activation: { ...activationField('relu', 'The activation function.'), required: true },
  },
  outputShape: (_config, [input]) => input,
  keyArgs: (config) => String(config.activation),
  forward: (ctx, config, [x]) => ({ output: activate(ctx, x, config.activation) }),
  backward: (ctx, config, dy, { inputs: [x], output }) => ({
    inputs: [activateGrad(ctx, dy, x, output, config.activation)],
  }),
});
