import { defineLayer } from './define';
import { joinArgs } from './fields';

export const Rescaling = defineLayer({
  className: 'Rescaling',
  group: 'Core',
  description: 'Multiplies by scale and adds offset, e.g. scale=1/255 maps pixels to [0, 1] (min-max normalization).',
  arity: 'one',
  keras: {
    args: ['scale', 'offset'],
  },
  fields: {
    scale: { type: 'float', default: 0.00392156862745098, required: true, doc: 'Multiplier, e.g. 1/255.' },
    offset: { type: 'float', default: 0.0, doc: 'Added after scaling.' },
  },
  outputShape: (_config, [input]) => input,
  keyArgs: (config) => joinArgs(`×${Number(config.scale).toPrecision(3)}`, config.offset !== 0 && `+${config.offset}`),
  // x · scale + offset in float32 (Keras casts both to the input's dtype), on the backend's affine pass.
  forward: (ctx, config, [x]) => ({
    output: ctx.backend.affine(x, { scale: Float32Array.of(config.scale), shift: Float32Array.of(config.offset) }),
  }),
  backward: (ctx, config, dy) => ({ inputs: [ctx.backend.affine(dy, { scale: Float32Array.of(config.scale) })] }),
});
