import type { LayerDefinition } from './types';
import { formatShape } from '../core/shape';
import { resolveAxis } from './batch-normalization';

export const Softmax: LayerDefinition = {
  className: 'Softmax',
  group: 'Activation',
  description: 'Turns scores into probabilities that sum to 1 along an axis.',
  arity: 'one',
  fields: {
    axis: { type: 'int', default: -1, doc: 'The axis the probabilities sum to 1 along.' },
  },
  outputShape(config, [input]) {
    if (resolveAxis(config.axis as number, input.length) === null)
      return { code: 'bad-axis', message: `axis ${config.axis} is out of range for ${formatShape(input)}`, hint: 'use -1' };
    return input;
  },
};
