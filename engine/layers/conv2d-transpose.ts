import { CONV2D_FIELDS, Conv2D, convParams } from './conv2d';
import { type ConvWindowConfig, expectImage, knownChannels, stridesWithDilation } from './spatial';
import { activationAndBiasGrad, biasThenActivate } from './run-helpers';
import { defineLayer } from './define';

// Conv2D's fields in its order, less groups, which Conv2DTranspose doesn't take.
const { groups: _groups, ...fields } = CONV2D_FIELDS;

/** Keras's compute_conv_transpose_output_length with output_padding=None: the input size a conv would shrink to it. */
function transposeLength(
  input: number | null,
  kernel: number,
  stride: number,
  padding: string,
  dilation: number,
): number | null {
  if (input === null) return null;
  const k = kernel + (kernel - 1) * (dilation - 1);
  return padding === 'valid' ? input * stride + Math.max(k - stride, 0) : input * stride;
}

function outputHW(config: ConvWindowConfig, h: number | null, w: number | null): (number | null)[] {
  const { kernel_size: k, strides: s, dilation_rate: d, padding } = config;
  return [transposeLength(h, k[0], s[0], padding, d[0]), transposeLength(w, k[1], s[1], padding, d[1])];
}

/**
 * Keras's Conv2DTranspose: the gradient of a Conv2D with respect to its input, run forward, so the image grows by the
 * strides. Its kernel is (kh, kw, filters, c_in): the Conv2D it transposes maps `filters` channels to c_in.
 */
export const Conv2DTranspose = defineLayer({
  className: 'Conv2DTranspose',
  group: 'Convolution',
  description:
    'Transposed 2-D convolution: upsamples by the strides with learned kernels (the decoder half of autoencoders and U-Nets).',
  arity: 'one',
  traits: { linearWithBias: true, featureMaps: true },
  keras: {
    args: [
      'filters',
      'kernel_size',
      'strides',
      'padding',
      'output_padding',
      'data_format',
      'dilation_rate',
      'activation',
      'use_bias',
      'kernel_initializer',
      'bias_initializer',
      'kernel_regularizer',
      'bias_regularizer',
      'activity_regularizer',
      'kernel_constraint',
      'bias_constraint',
    ],
    aliases: ['Convolution2DTranspose'],
  },
  fields,
  validate: (config) => stridesWithDilation(config.strides, config.dilation_rate),
  outputShape(config, [input]) {
    const bad = expectImage('Conv2DTranspose', input);
    if (bad) return bad;
    const c = knownChannels('Conv2DTranspose', input);
    if (typeof c !== 'number') return c;
    return [input[0], ...outputHW(config, input[1], input[2]), config.filters];
  },
  weights({ kernel_size: [kh, kw], filters, use_bias }, [input]) {
    const w = [
      {
        name: 'kernel',
        shape: [kh, kw, filters, input[3] as number],
        trainable: true,
        initializer: 'kernel_initializer',
      },
    ];
    if (use_bias) w.push({ name: 'bias', shape: [filters], trainable: true, initializer: 'bias_initializer' });
    return w;
  },
  keyArgs: Conv2D.keyArgs,
  forward(ctx, config, [x], w) {
    const [h, wd] = outputHW(config, x.shape[1], x.shape[2]) as number[];
    const z = ctx.backend.conv2dBackpropInput(x, w.kernel, [x.shape[0], h, wd, config.filters], convParams(config));
    return biasThenActivate(ctx, z, w.bias, config.activation);
  },
  backward(ctx, config, dy, { inputs: [x], weights: w, output, saved, inputGradsNeeded }) {
    const { dz, dBias } = activationAndBiasGrad(ctx, dy, output, saved, config.activation, !!w.bias);
    const p = convParams(config);
    // The transposed conv's input plays the forward conv's output gradient, and its output the conv's input.
    const weights: Record<string, Float32Array> = {
      kernel: ctx.backend.conv2dBackpropFilter(dz, x, w.kernel.shape, p).data,
    };
    if (dBias) weights.bias = dBias;
    if (inputGradsNeeded === false) return { inputs: [], weights };
    return { inputs: [ctx.backend.conv2d(dz, w.kernel, p)], weights };
  },
});
