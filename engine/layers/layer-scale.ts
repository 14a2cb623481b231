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
  forward(_ctx, _config, [x], w) {
    const c = w.variable.shape[0],
      g = w.variable.data,
      X = x.data;
    const y = new Float32Array(X.length);
    for (let i = 0; i < X.length; i++) y[i] = X[i] * g[i % c];
    return { output: { shape: x.shape, data: y } };
  },
  backward(_ctx, _config, dy, { inputs: [x], weights: w }) {
    const c = w.variable.shape[0],
      g = w.variable.data,
      X = x.data,
      D = dy.data;
    const dx = new Float32Array(D.length),
      dgamma = new Float32Array(c);
    for (let i = 0; i < D.length; i++) {
      dx[i] = D[i] * g[i % c];
      dgamma[i % c] += D[i] * X[i];
    }
    return { inputs: [{ shape: x.shape, data: dx }], weights: { variable: dgamma } };
  },
});
