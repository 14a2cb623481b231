import {
  activationField,
  activationText,
  activityRegularizerField,
  constraintFields,
  initializerField,
  joinArgs,
  num,
  pair,
  regularizerFields,
  paddingField,
  tupleText,
  useBiasField,
} from './fields';
import { convOutputShape, stridesWithDilation } from './spatial';
import { defineLayer } from './define';
import { convParams } from './conv2d';
import { activationAndBiasGrad, biasThenActivate } from './run-helpers';

export const DepthwiseConv2D = defineLayer({
  className: 'DepthwiseConv2D',
  group: 'Convolution',
  description: 'Depthwise convolution: each input channel is convolved with its own filters, channels never mix.',
  arity: 'one',
  traits: { linearWithBias: true, featureMaps: true },
  keras: {
    args: [
      'kernel_size',
      'strides',
      'padding',
      'depth_multiplier',
      'data_format',
      'dilation_rate',
      'activation',
      'use_bias',
      'depthwise_initializer',
      'bias_initializer',
      'depthwise_regularizer',
      'bias_regularizer',
      'activity_regularizer',
      'depthwise_constraint',
      'bias_constraint',
    ],
    config: [
      'depth_multiplier',
      'kernel_size',
      'strides',
      'padding',
      'data_format',
      'dilation_rate',
      'activation',
      'use_bias',
      'depthwise_initializer',
      'bias_initializer',
      'depthwise_regularizer',
      'bias_regularizer',
      'activity_regularizer',
      'depthwise_constraint',
      'bias_constraint',
    ],
  },
  fields: {
    kernel_size: pair([3, 3], 'Height and width of each depthwise filter.', { required: true }),
    strides: pair([1, 1], 'Step of the window along height and width.'),
    padding: paddingField,
    depth_multiplier: { type: 'int', default: 1, min: 1, doc: 'Output channels per input channel.' },
    dilation_rate: pair([1, 1], 'Spacing between kernel taps.', { advanced: true }),
    activation: activationField(),
    use_bias: useBiasField,
    depthwise_initializer: initializerField(
      'glorot_uniform',
      'Initializer of the (kh, kw, c_in, depth_multiplier) kernel.',
    ),
    bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
    ...regularizerFields('depthwise', 'bias'),
    activity_regularizer: activityRegularizerField,
    ...constraintFields('depthwise', 'bias'),
  },
  validate: (config) => stridesWithDilation(config.strides, config.dilation_rate),
  outputShape: (config, [input]) =>
    convOutputShape('DepthwiseConv2D', config, input, (c) => c * config.depth_multiplier),
  weights({ kernel_size: [kh, kw], depth_multiplier: dm, use_bias }, [input]) {
    const cin = input[3] as number;
    const w = [{ name: 'kernel', shape: [kh, kw, cin, dm], trainable: true, initializer: 'depthwise_initializer' }];
    if (use_bias) w.push({ name: 'bias', shape: [cin * dm], trainable: true, initializer: 'bias_initializer' });
    return w;
  },
  keyArgs: (config) =>
    joinArgs(
      tupleText(config.kernel_size),
      num(config, 'depth_multiplier') !== 1 && `×${config.depth_multiplier}`,
      config.padding === 'same' && 'same',
      activationText(config),
    ),
  forward(ctx, config, [x], w) {
    return biasThenActivate(
      ctx,
      ctx.backend.depthwiseConv2d(x, w.kernel, convParams(config)),
      w.bias,
      config.activation,
    );
  },
  backward(ctx, config, dy, { inputs: [x], weights: w, output, saved }) {
    const { dz, dBias } = activationAndBiasGrad(ctx, dy, output, saved, config.activation, !!w.bias);
    const p = convParams(config);
    const weights: Record<string, Float32Array> = {
      kernel: ctx.backend.depthwiseConv2dBackpropFilter(x, dz, w.kernel.shape, p).data,
    };
    if (dBias) weights.bias = dBias;
    return { inputs: [ctx.backend.depthwiseConv2dBackpropInput(dz, w.kernel, x.shape, p)], weights };
  },
});
