import type { LayerDefinition } from './types';
import { elementsPerSample, formatShape } from '../core/shape';

export const Flatten: LayerDefinition = {
  className: 'Flatten',
  group: 'Reshaping',
  description: 'Flattens each sample to a vector, row-major (channels vary fastest): (H, W, C) → (H·W·C).',
  arity: 'one',
  fields: {},
  outputShape(_config, [input]) {
    if (input.length < 2) return { code: 'expects-batched-input', message: `Flatten expects a batched input, got ${formatShape(input)}` };
    return [input[0], elementsPerSample(input)];
  },
};
