import type { LayerDefinition } from './types';

export const Dropout: LayerDefinition = {
  className: 'Dropout',
  group: 'Regularization',
  description: 'While training, zeroes a random fraction `rate` of values and scales the rest by 1/(1 − rate); does nothing at inference.',
  arity: 'one',
  fields: {
    rate: { type: 'float', default: 0.5, min: 0, max: 1, exclusiveMax: true, required: true, doc: 'Fraction of the values dropped while training.' },
    seed: { type: 'int', default: null, nullable: true, min: 0, advanced: true, doc: 'Seed of the random mask.' },
  },
  outputShape: (_config, [input]) => input,
  keyArgs: (config) => String(config.rate),
};
