import { formatShape } from '../core/shape';
import { defineLayer } from './define';

export const RepeatVector = defineLayer({
  className: 'RepeatVector',
  group: 'Reshaping',
  description: 'Repeats each input vector n times: (features) → (n, features), e.g. to feed a decoder RNN.',
  arity: 'one',
  keras: { args: ['n'] },
  fields: {
    n: {
      type: 'int',
      default: 2,
      min: 1,
      required: true,
      doc: 'How many times to repeat the vector: the new steps axis.',
    },
  },
  outputShape(config, [input]) {
    if (input.length !== 2)
      return {
        code: 'expects-2d-input',
        message: `RepeatVector expects a 2-D input (batch, features), got ${formatShape(input)}`,
        hint: 'put a Flatten or a global pooling before it',
      };
    return [input[0], config.n, input[1]];
  },
  keyArgs: (config) => `×${config.n}`,
  forward(ctx, config, [x]) {
    return { output: ctx.backend.repeatVector(x, config.n) };
  },
  backward(ctx, _config, dy) {
    return { inputs: [ctx.backend.repeatVectorGrad(dy)] };
  },
});
