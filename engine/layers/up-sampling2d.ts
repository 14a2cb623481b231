import type { LayerDefinition } from './types';
import { expectImage } from './spatial';
import { ints, joinArgs, pair, tupleText } from './fields';

export const UpSampling2D: LayerDefinition = {
  className: 'UpSampling2D',
  group: 'Reshaping',
  description: 'Repeats rows and columns to enlarge each image by an integer factor.',
  arity: 'one',
  fields: {
    size: pair([2, 2], 'Factor along height and width.'),
    interpolation: { type: 'enum', options: ['nearest', 'bilinear'], default: 'nearest', doc: 'How new pixels are filled.' },
  },
  outputShape(config, [input]) {
    const bad = expectImage('UpSampling2D', input);
    if (bad) return bad;
    const [sh, sw] = ints(config, 'size');
    return [input[0], input[1] === null ? null : input[1] * sh, input[2] === null ? null : input[2] * sw, input[3]];
  },
  keyArgs: (config) => joinArgs(tupleText(config.size), config.interpolation !== 'nearest' && String(config.interpolation)),
};
