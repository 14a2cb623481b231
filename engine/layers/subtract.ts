import { formatShape } from '../core/shape';
import { elementwiseShape, mergeBackward, mergeForward } from './merge';
import { defineLayer } from './define';

export const Subtract = defineLayer({
  className: 'Subtract',
  group: 'Merge',
  description: 'Subtracts its second input from its first, element-wise.',
  arity: 'many',
  exactInputs: 2,
  tfjs: { missing: 'use Add with a Rescaling(-1) branch' },
  keras: {
    args: [],
    functional: 'subtract',
  },
  fields: {},
  outputShape(_config, inputs) {
    if (inputs.length !== 2)
      return {
        code: 'needs-two-inputs',
        message: `Subtract takes exactly 2 inputs, got ${inputs.length}: ${inputs.map(formatShape).join(', ')}`,
        hint: 'connect exactly two branches',
      };
    return elementwiseShape('Subtract', inputs);
  },
  forward: (_ctx, _config, inputs) => mergeForward('subtract', inputs),
  backward: (_ctx, _config, dy, { inputs }) => mergeBackward('subtract', dy, inputs),
});
