import type { LayerDefinition } from './types';
import { joinArgs } from './fields';

export const ReLU: LayerDefinition = {
  className: 'ReLU',
  group: 'Activation',
  description: 'Rectified linear unit with options: a cap (max_value), a slope below the threshold, and the threshold.',
  arity: 'one',
  fields: {
    max_value: { type: 'float', default: null, min: 0, nullable: true, doc: 'Upper bound of the output (6 gives ReLU6); None for no cap.' },
    negative_slope: { type: 'float', default: 0.0, min: 0, doc: 'Slope below the threshold.' },
    threshold: { type: 'float', default: 0.0, doc: 'Values below it are cut (or scaled by negative_slope).' },
  },
  outputShape: (_config, [input]) => input,
  keyArgs: (config) => joinArgs(config.max_value !== null && `max ${config.max_value}`, config.negative_slope !== 0 && `slope ${config.negative_slope}`),
};
