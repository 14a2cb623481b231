/** GlobalAveragePooling2D and GlobalMaxPooling2D: one value per channel. */
import type { LayerDefinition } from './types';
import { expectImage } from './spatial';

export function globalPooling2d(className: string, description: string): LayerDefinition {
  return {
    className,
    group: 'Pooling',
    description,
    arity: 'one',
    fields: {
      keepdims: { type: 'bool', default: false, doc: 'Keep height and width as 1 instead of dropping them.' },
    },
    outputShape(config, [input]) {
      const bad = expectImage(className, input);
      if (bad) return bad;
      return config.keepdims ? [input[0], 1, 1, input[3]] : [input[0], input[3]];
    },
  };
}
