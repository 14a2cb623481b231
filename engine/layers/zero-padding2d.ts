import { defineLayer } from './define';
import { expectImage } from './spatial';
import { tupleText } from './fields';

export const ZeroPadding2D = defineLayer({
  className: 'ZeroPadding2D',
  group: 'Reshaping',
  description: 'Adds rows and columns of zeros around each image.',
  arity: 'one',
  keras: {
    args: ['padding', 'data_format'],
  },
  fields: {
    padding: {
      type: 'pairs2d',
      default: [
        [1, 1],
        [1, 1],
      ],
      doc: 'int, (height, width) or ((top, bottom), (left, right)) zeros to add.',
    },
  },
  outputShape(config, [input]) {
    const bad = expectImage('ZeroPadding2D', input);
    if (bad) return bad;
    const [[t, b], [l, r]] = config.padding;
    const add = (d: number | null, n: number) => (d === null ? null : d + n);
    return [input[0], add(input[1], t + b), add(input[2], l + r), input[3]];
  },
  keyArgs: (config) => tupleText(config.padding),
  forward: (ctx, config, [x]) => ({ output: ctx.backend.zeroPad2d(x, config.padding) }),
  backward: (ctx, config, dy) => ({ inputs: [ctx.backend.zeroPad2dGrad(dy, config.padding)] }),
});
