/** GlobalAveragePooling2D and GlobalMaxPooling2D: one value per channel. */
import type { LayerDefinition } from './types';
import { defineLayer } from './define';
import { expectImage } from './spatial';
import { reshape } from './run-helpers';

export function globalPooling2d(
  className: 'GlobalAveragePooling2D' | 'GlobalMaxPooling2D',
  description: string,
  alias: string,
): LayerDefinition {
  const average = className === 'GlobalAveragePooling2D';
  return defineLayer({
    className,
    group: 'Pooling',
    description,
    arity: 'one',
    keras: { args: ['data_format', 'keepdims'], aliases: [alias], noBuild: true },
    fields: {
      keepdims: { type: 'bool', default: false, doc: 'Keep height and width as 1 instead of dropping them.' },
    },
    outputShape(config, [input]) {
      const bad = expectImage(className, input);
      if (bad) return bad;
      return config.keepdims ? [input[0], 1, 1, input[3]] : [input[0], input[3]];
    },
    forward(ctx, config, [x]) {
      const y = average ? ctx.backend.globalAvgPool(x) : ctx.backend.globalMaxPool(x);
      return { output: config.keepdims ? reshape(y, [x.shape[0], 1, 1, x.shape[3]]) : y };
    },
    backward(ctx, _config, dy, { inputs: [x] }) {
      const flat = reshape(dy, [x.shape[0], x.shape[3]]);
      return {
        inputs: [average ? ctx.backend.globalAvgPoolGrad(flat, x.shape) : ctx.backend.globalMaxPoolGrad(flat, x)],
      };
    },
  });
}
