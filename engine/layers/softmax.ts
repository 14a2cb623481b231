import { defineLayer } from './define';
import { formatShape } from '../core/shape';
import { absoluteAxis, resolveAxis } from './batch-normalization';

export const Softmax = defineLayer({
  className: 'Softmax',
  group: 'Activation',
  description: 'Turns scores into probabilities that sum to 1 along an axis.',
  arity: 'one',
  traits: { keepsUnits: true },
  activationOf: () => 'softmax',
  keras: {
    args: ['axis'],
    noBuild: true,
    callKwargs: { mask: null },
  },
  fields: {
    axis: { type: 'int', default: -1, doc: 'The axis the probabilities sum to 1 along.' },
  },
  outputShape(config, [input]) {
    if (resolveAxis(config.axis, input.length) === null)
      return {
        code: 'bad-axis',
        message: `axis ${config.axis} is out of range for ${formatShape(input)}`,
        hint: 'use -1',
      };
    return input;
  },
  // Along any axis on the backend (wasm; the last axis by rows, a middle one with the inner values as lanes).
  forward: (ctx, config, [x]) => ({ output: ctx.backend.softmaxAxis(x, absoluteAxis(config.axis, x.shape.length)) }),
  backward: (ctx, config, dy, { output }) => ({
    inputs: [ctx.backend.softmaxAxisGrad(dy, output, absoluteAxis(config.axis, output.shape.length))],
  }),
});
