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
  forward(_ctx, config, [x]) {
    const [batch, features] = x.shape;
    const n = config.n;
    const out = new Float32Array(batch * n * features);
    for (let b = 0; b < batch; b++) {
      const row = x.data.subarray(b * features, (b + 1) * features);
      for (let t = 0; t < n; t++) out.set(row, (b * n + t) * features);
    }
    return { output: { shape: [batch, n, features], data: out } };
  },
  backward(_ctx, config, dy, { inputs: [x] }) {
    const [batch, features] = x.shape;
    const n = config.n;
    const dx = new Float32Array(batch * features);
    for (let b = 0; b < batch; b++)
      for (let t = 0; t < n; t++) {
        const at = (b * n + t) * features;
        for (let f = 0; f < features; f++) dx[b * features + f] += dy.data[at + f];
      }
    return { inputs: [{ shape: x.shape, data: dx }] };
  },
});
