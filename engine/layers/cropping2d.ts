import { defineLayer } from './define';
import { expectImage } from './spatial';
import { tupleText } from './fields';
import { formatShape } from '../core/shape';

export const Cropping2D = defineLayer({
  className: 'Cropping2D',
  group: 'Reshaping',
  description: 'Removes rows and columns at the borders of each image.',
  arity: 'one',
  keras: {
    args: ['cropping', 'data_format'],
  },
  fields: {
    cropping: {
      type: 'pairs2d',
      default: [
        [0, 0],
        [0, 0],
      ],
      doc: 'int, (height, width) or ((top, bottom), (left, right)) to remove.',
    },
  },
  outputShape(config, [input]) {
    const bad = expectImage('Cropping2D', input);
    if (bad) return bad;
    const [[t, b], [l, r]] = config.cropping;
    const h = input[1] === null ? null : input[1] - t - b;
    const w = input[2] === null ? null : input[2] - l - r;
    if ((h !== null && h <= 0) || (w !== null && w <= 0))
      return {
        code: 'crop-too-large',
        message: `cropping ${tupleText(config.cropping)} removes all of the input ${formatShape(input)}`,
        hint: 'crop less than the height and width',
      };
    return [input[0], h, w, input[3]];
  },
  keyArgs: (config) => tupleText(config.cropping),
  forward: (ctx, config, [x]) => ({ output: ctx.backend.zeroPad2dGrad(x, config.cropping) }),
  backward: (ctx, config, dy) => ({ inputs: [ctx.backend.zeroPad2d(dy, config.cropping)] }),
});
