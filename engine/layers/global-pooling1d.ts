/** GlobalAveragePooling1D and GlobalMaxPooling1D: one value per channel over all steps. */
import { defineLayer } from './define';
import type { LayerDefinition } from './types';
import { expectSequence } from './temporal';
import { reshape } from './run-helpers';

export function globalPooling1d(
  className: 'GlobalAveragePooling1D' | 'GlobalMaxPooling1D',
  description: string,
  alias: string,
): LayerDefinition {
  const average = className === 'GlobalAveragePooling1D';
  return defineLayer({
    className,
    group: 'Pooling',
    description,
    arity: 'one',
    // Keras's GlobalAveragePooling1D takes a mask (padded steps): its functional calls record mask=None.
    keras: {
      args: ['data_format', 'keepdims'],
      aliases: [alias],
      noBuild: true,
      ...(average ? { callKwargs: { mask: null } } : {}),
    },
    fields: {
      keepdims: { type: 'bool', default: false, doc: 'Keep the steps axis as 1 instead of dropping it.' },
    },
    outputShape(config, [input]) {
      const bad = expectSequence(className, input);
      if (bad) return bad;
      return config.keepdims ? [input[0], 1, input[2]] : [input[0], input[2]];
    },
    forward(ctx, config, [x]) {
      const [n, steps, c] = x.shape;
      const image = reshape(x, [n, 1, steps, c]);
      const y = average ? ctx.backend.globalAvgPool(image) : ctx.backend.globalMaxPool(image);
      return { output: config.keepdims ? reshape(y, [n, 1, c]) : y };
    },
    backward(ctx, _config, dy, { inputs: [x] }) {
      const [n, steps, c] = x.shape;
      const image = reshape(x, [n, 1, steps, c]);
      const flat = reshape(dy, [n, c]);
      const dx = average
        ? ctx.backend.globalAvgPoolGrad(flat, image.shape)
        : ctx.backend.globalMaxPoolGrad(flat, image);
      return { inputs: [reshape(dx, x.shape)] };
    },
  });
}
