import { formatShape } from '../core/shape';
import { elementwiseShape, mergeGradOn, mergeOn } from './merge';
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
  forward: (ctx, _config, inputs) => mergeOn(ctx.backend, 'subtract', inputs),
  backward: (ctx, _config, dy, { inputs }) => mergeGradOn(ctx.backend, 'subtract', dy, inputs),
});
