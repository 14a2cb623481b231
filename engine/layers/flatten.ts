import { defineLayer } from './define';
import { reshape } from './run-helpers';
import { reshapeTarget } from './reshape-target';
import { elementsPerSample, formatShape } from '../core/shape';

export const Flatten = defineLayer({
  className: 'Flatten',
  group: 'Reshaping',
  description: 'Flattens each sample to a vector, row-major (channels vary fastest): (H, W, C) → (H·W·C).',
  arity: 'one',
  keras: {
    args: ['data_format'],
  },
  fields: {},
  outputShape(_config, [input]) {
    if (input.length < 2)
      return { code: 'expects-batched-input', message: `Flatten expects a batched input, got ${formatShape(input)}` };
    return [input[0], elementsPerSample(input)];
  },
  forward: (_ctx, _config, [x]) => ({ output: reshape(x, reshapeTarget(x)) }),
  backward: (_ctx, _config, dy, { inputs: [x] }) => ({ inputs: [reshape(dy, x.shape)] }),
});
