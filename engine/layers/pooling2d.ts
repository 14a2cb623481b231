/** MaxPooling2D and AveragePooling2D share everything but the reduction. */
import { ints, intsOrNull, joinArgs, pair, paddingField, str, tupleText } from './fields';
import { valuesEqual } from './config';
import { expectImage, windowOutput } from './spatial';
import type { LayerDefinition } from './types';

export function pooling2d(className: string, description: string): LayerDefinition {
  return {
    className,
    group: 'Pooling',
    description,
    arity: 'one',
    fields: {
      pool_size: pair([2, 2], 'Height and width of the pooling window.'),
      strides: pair(null, 'Step of the window; None means pool_size.', { nullable: true }),
      padding: paddingField,
    },
    normalize(config) {
      return valuesEqual(config.strides, config.pool_size) ? { ...config, strides: null } : config;
    },
    outputShape(config, [input]) {
      const bad = expectImage(className, input);
      if (bad) return bad;
      const pool = ints(config, 'pool_size');
      const hw = windowOutput(className, input, {
        key: 'pool_size',
        size: pool,
        strides: intsOrNull(config, 'strides') ?? pool,
        padding: str(config, 'padding') as 'valid' | 'same',
      });
      if (!Array.isArray(hw)) return hw;
      return [input[0], ...hw, input[3]];
    },
    keyArgs: (config) =>
      joinArgs(tupleText(config.pool_size), config.strides !== null && `s${tupleText(config.strides)}`, config.padding === 'same' && 'same'),
  };
}
