import { defineLayer } from './define';
import { joinArgs } from './fields';

/**
 * keras.applications.convnext's own LayerScale (keras/src/applications/convnext.py): x · gamma, one learned factor
 * per channel of the last axis, starting at init_values (1e-6 in ConvNeXt, so each residual branch starts nearly off).
 */
export const LayerScale = defineLayer({
  className: 'LayerScale',
  group: 'Normalization',
  description:
    "Multiplies each channel by a learned factor gamma that starts at init_values (ConvNeXt's residual scaling).",
  arity: 'one',
  traits: { keepsUnits: true },
  tfjs: { missing: 'use a DepthwiseConv2D(1) without bias in its place' },
  keras: { args: ['init_values', 'projection_dim'], module: 'keras.src.applications.convnext' },
  fields: {
    init_values: { type: 'float', default: 1e-6, required: true, doc: 'The value every gamma starts at.' },
    projection_dim: {
      type: 'int',
      default: 96,
      min: 1,
      required: true,
      doc: 'Length of gamma: the channels of the input.',
    },
  },
  outputShape(config, [input]) {
    const c = input[input.length - 1];
    const dim = config.projection_dim;
    if (c !== null && c !== dim && dim !== 1)
      return {
        code: 'bad-projection-dim',
        message: `projection_dim ${dim} does not match the input's ${c} channels`,
        hint: `set projection_dim=${c}`,
      };
    return input;
  },
  weights: (config) => [
    {
      name: 'variable',
      shape: [config.projection_dim],
      trainable: true,
      initializer: 'init_values',
      constant: config.init_values,
    },
  ],
  keyArgs: (config) => joinArgs(`γ₀=${config.init_values}`),
  // Keras names the weight `variable` (add_weight without a name): the paper's gamma, projection_dim values along
  // the last axis (one, broadcast, when projection_dim is 1).
  forward: (ctx, _config, [x], w) => ({ output: ctx.backend.affine(x, { scale: w.variable.data }) }),
  backward(ctx, _config, dy, { inputs: [x], weights: w }) {
    const dx = ctx.backend.affine(dy, { scale: w.variable.data });
    // dgamma = Σ dy · x over every axis but the last (over everything when gamma is one value).
    const products = ctx.backend.merge('multiply', dy, x);
    const c = w.variable.shape[0];
    const dgamma =
      c === x.shape[x.shape.length - 1]
        ? ctx.backend.biasAddGrad(products)
        : Float32Array.of(products.data.reduce((a, b) => a + b, 0));
    return { inputs: [dx], weights: { variable: dgamma } };
  },
});
