import {
  activationField,
  activationText,
  activityRegularizerField,
  constraintFields,
  initializerField,
  ints,
  joinArgs,
  pair,
  regularizerFields,
  paddingField,
  tupleText,
  useBiasField,
} from './fields';
import { type ConvWindowConfig, convOutputShape, stridesWithDilation } from './spatial';
import type { RunContext } from './types';
import type { Tensor } from '../core/tensor';
import type { ConvParams } from '../kernels/types';
import { activationAndBiasGrad, biasThenActivate, linearThenActivate } from './run-helpers';
import { defineLayer } from './define';

/** The kernels' parameters from a convolution's checked config. */
export function convParams(config: ConvWindowConfig): ConvParams {
  return { strides: config.strides, padding: config.padding, dilations: config.dilation_rate };
}

/** Splits the last axis into `groups` equal parts (the gradient of a concat is exactly that split). */
function splitChannels(ctx: RunContext, t: Tensor, groups: number): Tensor[] {
  if (groups === 1) return [t];
  const c = t.shape[t.shape.length - 1] / groups;
  const part = [...t.shape.slice(0, -1), c];
  return ctx.backend.concatGrad(
    t,
    Array.from({ length: groups }, () => part),
    -1,
  );
}

/** A grouped convolution is `groups` convolutions on channel slices, concatenated. */
function groupedConv(ctx: RunContext, x: Tensor, kernel: Tensor, groups: number, p: ConvParams): Tensor {
  if (groups === 1) return ctx.backend.conv2d(x, kernel, p);
  const xs = splitChannels(ctx, x, groups);
  const ks = splitChannels(ctx, kernel, groups);
  return ctx.backend.concat(
    xs.map((xi, g) => ctx.backend.conv2d(xi, ks[g], p)),
    -1,
  );
}

/** Conv2D's fields in Keras's order; Conv2DTranspose takes them less `groups`. */
export const CONV2D_FIELDS = {
  filters: { type: 'int', default: 32, min: 1, required: true, doc: 'Number of filters: the output channels.' },
  kernel_size: pair([3, 3], 'Height and width of each filter.', { required: true }),
  strides: pair([1, 1], 'Step of the window along height and width.'),
  padding: paddingField,
  dilation_rate: pair([1, 1], 'Spacing between kernel taps (atrous convolution).', { advanced: true }),
  groups: {
    type: 'int',
    default: 1,
    min: 1,
    advanced: true,
    doc: 'Split the channels into this many independent groups.',
  },
  activation: activationField(),
  use_bias: useBiasField,
  kernel_initializer: initializerField('glorot_uniform', 'Initializer of the (kh, kw, c_in / groups, filters) kernel.'),
  bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
  ...regularizerFields('kernel', 'bias'),
  activity_regularizer: activityRegularizerField,
  ...constraintFields('kernel', 'bias'),
} as const;

export const Conv2D = defineLayer({
  className: 'Conv2D',
  group: 'Convolution',
  description:
    '2-D convolution: slides `filters` learned kernels over the image, one output channel (feature map) each.',
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
      'groups',
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
    aliases: ['Convolution2D'],
  },
  fields: CONV2D_FIELDS,
  validate({ strides, dilation_rate, filters, groups }) {
    return stridesWithDilation(strides, dilation_rate).concat(
      filters % groups === 0
        ? []
        : [
            {
              code: 'bad-groups',
              message: `filters ${filters} is not divisible by groups ${groups}`,
              hint: 'make filters a multiple of groups',
            },
          ],
    );
  },
  outputShape: (config, [input]) =>
    convOutputShape('Conv2D', config, input, (c) => {
      const { groups } = config;
      if (c % groups === 0) return config.filters;
      return {
        code: 'bad-groups',
        message: `the input's ${c} channels are not divisible by groups ${groups}`,
        hint: 'set groups to a divisor of the input channels',
      };
    }),
  weights({ kernel_size: [kh, kw], filters, groups, use_bias }, [input]) {
    const cin = (input[3] as number) / groups;
    const w = [{ name: 'kernel', shape: [kh, kw, cin, filters], trainable: true, initializer: 'kernel_initializer' }];
    if (use_bias) w.push({ name: 'bias', shape: [filters], trainable: true, initializer: 'bias_initializer' });
    return w;
  },
  keyArgs: (config) =>
    joinArgs(
      String(config.filters),
      tupleText(config.kernel_size),
      ints(config, 'strides').some((s) => s !== 1) && `s${tupleText(config.strides)}`,
      config.padding === 'same' && 'same',
      activationText(config),
    ),
  forward(ctx, config, [x], w) {
    const p = convParams(config);
    if (config.groups === 1)
      return linearThenActivate(ctx, (e) => ctx.backend.conv2d(x, w.kernel, p, e), w.bias, config.activation);
    return biasThenActivate(ctx, groupedConv(ctx, x, w.kernel, config.groups, p), w.bias, config.activation);
  },
  backward(ctx, config, dy, { inputs: [x], weights: w, output, saved, inputGradsNeeded }) {
    const { dz, dBias } = activationAndBiasGrad(ctx, dy, output, saved, config.activation, !!w.bias);
    const p = convParams(config);
    const { groups } = config;
    const xs = splitChannels(ctx, x, groups);
    const ks = splitChannels(ctx, w.kernel, groups);
    const dzs = splitChannels(ctx, dz, groups);
    const dks = dzs.map((d, g) => ctx.backend.conv2dBackpropFilter(xs[g], d, ks[g].shape, p));
    const weights: Record<string, Float32Array> = {
      kernel: (groups === 1 ? dks[0] : ctx.backend.concat(dks, -1)).data,
    };
    if (dBias) weights.bias = dBias;
    if (inputGradsNeeded === false) return { inputs: [], weights };
    const dxs = dzs.map((d, g) => ctx.backend.conv2dBackpropInput(d, ks[g], xs[g].shape, p));
    return { inputs: [groups === 1 ? dxs[0] : ctx.backend.concat(dxs, -1)], weights };
  },
});
