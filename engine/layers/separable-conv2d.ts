import {
  activationField,
  activationText,
  activityRegularizerField,
  constraintFields,
  initializerField,
  joinArgs,
  pair,
  regularizerFields,
  paddingField,
  tupleText,
  useBiasField,
} from './fields';
import { convOutputShape, stridesWithDilation } from './spatial';
import { defineLayer } from './define';
import type { Tensor } from '../core/tensor';
import { convParams } from './conv2d';
import { activationAndBiasGrad, biasThenActivate } from './run-helpers';

const POINTWISE = {
  strides: [1, 1] as [number, number],
  padding: 'valid' as const,
  dilations: [1, 1] as [number, number],
};

interface SeparableSaved {
  depthwise: Tensor;
  preActivation?: Tensor;
}

export const SeparableConv2D = defineLayer({
  className: 'SeparableConv2D',
  group: 'Convolution',
  description:
    'Depthwise convolution per channel, then a 1×1 convolution mixing channels: far fewer weights than Conv2D.',
  arity: 'one',
  traits: { linearWithBias: true, featureMaps: true },
  keras: {
    args: [
      'filters',
      'kernel_size',
      'strides',
      'padding',
      'data_format',
      'dilation_rate',
      'depth_multiplier',
      'activation',
      'use_bias',
      'depthwise_initializer',
      'pointwise_initializer',
      'bias_initializer',
      'depthwise_regularizer',
      'pointwise_regularizer',
      'bias_regularizer',
      'activity_regularizer',
      'depthwise_constraint',
      'pointwise_constraint',
      'bias_constraint',
    ],
    config: [
      'depth_multiplier',
      'filters',
      'kernel_size',
      'strides',
      'padding',
      'data_format',
      'dilation_rate',
      'activation',
      'use_bias',
      'depthwise_initializer',
      'pointwise_initializer',
      'bias_initializer',
      'depthwise_regularizer',
      'pointwise_regularizer',
      'bias_regularizer',
      'activity_regularizer',
      'depthwise_constraint',
      'pointwise_constraint',
      'bias_constraint',
    ],
    aliases: ['SeparableConvolution2D'],
  },
  fields: {
    filters: {
      type: 'int',
      default: 32,
      min: 1,
      required: true,
      doc: 'Number of output channels of the pointwise step.',
    },
    kernel_size: pair([3, 3], 'Height and width of each depthwise filter.', { required: true }),
    strides: pair([1, 1], 'Step of the window along height and width.'),
    padding: paddingField,
    dilation_rate: pair([1, 1], 'Spacing between kernel taps.', { advanced: true }),
    depth_multiplier: { type: 'int', default: 1, min: 1, doc: 'Depthwise output channels per input channel.' },
    activation: activationField(),
    use_bias: useBiasField,
    depthwise_initializer: initializerField('glorot_uniform', 'Initializer of the depthwise kernel.'),
    pointwise_initializer: initializerField('glorot_uniform', 'Initializer of the 1×1 pointwise kernel.'),
    bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
    ...regularizerFields('depthwise', 'pointwise', 'bias'),
    activity_regularizer: activityRegularizerField,
    ...constraintFields('depthwise', 'pointwise', 'bias'),
  },
  validate: (config) => stridesWithDilation(config.strides, config.dilation_rate),
  outputShape: (config, [input]) => convOutputShape('SeparableConv2D', config, input, () => config.filters),
  weights({ kernel_size: [kh, kw], depth_multiplier: dm, filters, use_bias }, [input]) {
    const cin = input[3] as number;
    const w = [
      { name: 'depthwise_kernel', shape: [kh, kw, cin, dm], trainable: true, initializer: 'depthwise_initializer' },
      {
        name: 'pointwise_kernel',
        shape: [1, 1, cin * dm, filters],
        trainable: true,
        initializer: 'pointwise_initializer',
      },
    ];
    if (use_bias) w.push({ name: 'bias', shape: [filters], trainable: true, initializer: 'bias_initializer' });
    return w;
  },
  keyArgs: (config) =>
    joinArgs(
      String(config.filters),
      tupleText(config.kernel_size),
      config.padding === 'same' && 'same',
      activationText(config),
    ),
  forward(ctx, config, [x], w) {
    const depthwise = ctx.backend.depthwiseConv2d(x, w.depthwise_kernel, convParams(config));
    const r = biasThenActivate(
      ctx,
      ctx.backend.conv2d(depthwise, w.pointwise_kernel, POINTWISE),
      w.bias,
      config.activation,
    );
    return { output: r.output, saved: { depthwise, preActivation: r.saved.preActivation } satisfies SeparableSaved };
  },
  backward(ctx, config, dy, { inputs: [x], weights: w, output, saved }) {
    const { dz, dBias } = activationAndBiasGrad(ctx, dy, output, saved, config.activation, !!w.bias);
    const { depthwise } = saved as SeparableSaved;
    const p = convParams(config);
    const dPointwise = ctx.backend.conv2dBackpropFilter(depthwise, dz, w.pointwise_kernel.shape, POINTWISE);
    const dDepthwiseOut = ctx.backend.conv2dBackpropInput(dz, w.pointwise_kernel, depthwise.shape, POINTWISE);
    const weights: Record<string, Float32Array> = {
      depthwise_kernel: ctx.backend.depthwiseConv2dBackpropFilter(x, dDepthwiseOut, w.depthwise_kernel.shape, p).data,
      pointwise_kernel: dPointwise.data,
    };
    if (dBias) weights.bias = dBias;
    return {
      inputs: [ctx.backend.depthwiseConv2dBackpropInput(dDepthwiseOut, w.depthwise_kernel, x.shape, p)],
      weights,
    };
  },
});
