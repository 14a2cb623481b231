import type { LayerDefinition } from './types';
import { expectImage } from './spatial';

export const SpatialDropout2D: LayerDefinition = {
  className: 'SpatialDropout2D',
  group: 'Regularization',
  description: 'Dropout of whole feature maps: while training, drops entire channels rather than single pixels.',
  arity: 'one',
  fields: {
    rate: { type: 'float', default: 0.5, min: 0, max: 1, exclusiveMax: true, required: true, doc: 'Fraction of the channels dropped while training.' },
    seed: { type: 'int', default: null, nullable: true, min: 0, advanced: true, doc: 'Seed of the random mask.' },
  },
  outputShape: (_config, [input]) => expectImage('SpatialDropout2D', input) ?? input,
  keyArgs: (config) => String(config.rate),
};
