import type { LayerDefinition } from './types';
import { activationField } from './fields';

export const Activation: LayerDefinition = {
  className: 'Activation',
  group: 'Activation',
  description: 'Applies an activation function element-wise (softmax along the last axis).',
  arity: 'one',
  fields: {
    activation: { ...activationField('relu', 'The activation function.'), required: true },
  },
  outputShape: (_config, [input]) => input,
  keyArgs: (config) => String(config.activation),
};
