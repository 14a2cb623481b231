import { defineLayer } from './define';
import { expectImage } from './spatial';
import { joinArgs, pair, tupleText } from './fields';

export const UpSampling2D = defineLayer({
  className: 'UpSampling2D',
  group: 'Reshaping',
  description: 'Repeats rows and columns to enlarge each image by an integer factor.',
  arity: 'one',
  keras: {
    args: ['size', 'data_format', 'interpolation'],
  },
  fields: {
    size: pair([2, 2], 'Factor along height and width.'),
    interpolation: {
      type: 'enum',
      options: ['nearest', 'bilinear'],
      default: 'nearest',
      doc: 'How new pixels are filled.',
    },
  },
  outputShape(config, [input]) {
    const bad = expectImage('UpSampling2D', input);
    if (bad) return bad;
    const [sh, sw] = config.size;
    return [input[0], input[1] === null ? null : input[1] * sh, input[2] === null ? null : input[2] * sw, input[3]];
  },
  keyArgs: (config) =>
    joinArgs(tupleText(config.size), config.interpolation !== 'nearest' && String(config.interpolation)),
  // Both interpolations on the backend's kernels (wasm, threaded).
  forward(ctx, config, [x]) {
    const s = size(config.size);
    return {
      output:
        config.interpolation === 'nearest' ? ctx.backend.upSampleNearest(x, s) : ctx.backend.upSampleBilinear(x, s),
    };
  },
  backward(ctx, config, dy, { inputs: [x] }) {
    const s = size(config.size);
    return {
      inputs: [
        config.interpolation === 'nearest'
          ? ctx.backend.upSampleNearestGrad(dy, s)
          : ctx.backend.upSampleBilinearGrad(dy, x.shape, s),
      ],
    };
  },
});

const size = (s: readonly number[]): [number, number] => [s[0], s[1]];
