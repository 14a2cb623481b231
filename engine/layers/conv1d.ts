import {
  activationField,
  activationText,
  bool,
  activityRegularizerField,
  constraintFields,
  initializerField,
  ints,
  joinArgs,
  num,
  regularizerFields,
  str,
  useBiasField,
} from './fields';
import { Conv2D } from './conv2d';
import { knownChannels } from './spatial';
import { asImage, asSequence, expectSequence, single, stepsOutput } from './temporal';
import { defineLayer } from './define';
import type { LayerConfig, RunContext } from './types';
import type { Tensor } from '../core/tensor';
import { reshape } from './run-helpers';

/** The Conv2D config that computes this Conv1D on a height-1 image; 'causal' becomes 'valid' after a left pad. */
function asConv2dConfig(config: LayerConfig): LayerConfig {
  const padding = str(config, 'padding');
  return {
    ...config,
    kernel_size: [1, ints(config, 'kernel_size')[0]],
    strides: [1, ints(config, 'strides')[0]],
    dilation_rate: [1, ints(config, 'dilation_rate')[0]],
    padding: padding === 'causal' ? 'valid' : padding,
  };
}

/** 'causal' pads dilation·(kernel − 1) zeros before the first step, so no output sees the future. */
function causalPad(config: LayerConfig): [[number, number], [number, number]] | null {
  if (config.padding !== 'causal') return null;
  return [
    [0, 0],
    [ints(config, 'dilation_rate')[0] * (ints(config, 'kernel_size')[0] - 1), 0],
  ];
}

function paddedImage(ctx: RunContext, config: LayerConfig, x: Tensor): Tensor {
  const pads = causalPad(config);
  return pads ? ctx.backend.zeroPad2d(asImage(x), pads) : asImage(x);
}

const kernel2d = (k: Tensor): Tensor => reshape(k, [1, ...k.shape]);

export const Conv1D = defineLayer({
  className: 'Conv1D',
  group: 'Convolution',
  description:
    '1-D convolution: slides `filters` learned kernels along the steps of a sequence, one output channel each.',
  details: "padding='causal' pads the start only, so the output at step t sees steps ≤ t (WaveNet-style).",
  arity: 'one',
  traits: { linearWithBias: true },
  // The same constructor as Conv2D's, argument for argument.
  keras: {
    args: Conv2D.keras.args,
    aliases: ['Convolution1D'],
  },
  fields: {
    filters: { type: 'int', default: 32, min: 1, required: true, doc: 'Number of filters: the output channels.' },
    kernel_size: single(3, 'Length of each filter, in steps.', { required: true }),
    strides: single(1, 'Step of the window along the sequence.'),
    padding: {
      type: 'enum',
      options: ['valid', 'same', 'causal'],
      default: 'valid',
      doc: "'valid': no padding; 'same': output = ceil(steps / stride); 'causal': pad the start only.",
    },
    dilation_rate: single(1, 'Spacing between kernel taps.', { advanced: true }),
    groups: {
      type: 'int',
      default: 1,
      min: 1,
      advanced: true,
      doc: 'Split the channels into this many independent groups.',
    },
    activation: activationField(),
    use_bias: useBiasField,
    kernel_initializer: initializerField(
      'glorot_uniform',
      'Initializer of the (kernel_size, c_in / groups, filters) kernel.',
    ),
    bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
    ...regularizerFields('kernel', 'bias'),
    activity_regularizer: activityRegularizerField,
    ...constraintFields('kernel', 'bias'),
  },
  validate: (config) => Conv2D.validate!(asConv2dConfig(config)),
  outputShape(config, [input]) {
    const bad = expectSequence('Conv1D', input);
    if (bad) return bad;
    const c = knownChannels('Conv1D', input);
    if (typeof c !== 'number') return c;
    const groups = num(config, 'groups');
    if (c % groups !== 0)
      return {
        code: 'bad-groups',
        message: `the input's ${c} channels are not divisible by groups ${groups}`,
        hint: 'set groups to a divisor of the input channels',
      };
    const steps = stepsOutput('Conv1D', input, {
      key: 'kernel_size',
      size: ints(config, 'kernel_size')[0],
      stride: ints(config, 'strides')[0],
      padding: str(config, 'padding'),
      dilation: ints(config, 'dilation_rate')[0],
    });
    if (steps !== null && typeof steps === 'object') return steps;
    return [input[0], steps, num(config, 'filters')];
  },
  weights(config, [input]) {
    const filters = num(config, 'filters');
    const cin = (input[2] as number) / num(config, 'groups');
    const w = [
      {
        name: 'kernel',
        shape: [ints(config, 'kernel_size')[0], cin, filters],
        trainable: true,
        initializer: 'kernel_initializer',
      },
    ];
    if (bool(config, 'use_bias'))
      w.push({ name: 'bias', shape: [filters], trainable: true, initializer: 'bias_initializer' });
    return w;
  },
  keyArgs: (config) =>
    joinArgs(
      String(config.filters),
      `(${ints(config, 'kernel_size')[0]},)`,
      ints(config, 'strides')[0] !== 1 && `s${ints(config, 'strides')[0]}`,
      config.padding !== 'valid' && String(config.padding),
      activationText(config),
    ),
  forward(ctx, config, [x], w) {
    const r = Conv2D.forward!(ctx, asConv2dConfig(config), [paddedImage(ctx, config, x)], {
      ...w,
      kernel: kernel2d(w.kernel),
    });
    return { output: asSequence(r.output), saved: r.saved };
  },
  backward(ctx, config, dy, { inputs: [x], weights: w, output, saved, inputGradsNeeded }) {
    const image = paddedImage(ctx, config, x);
    const r = Conv2D.backward!(ctx, asConv2dConfig(config), asImage(dy), {
      inputs: [image],
      weights: { ...w, kernel: kernel2d(w.kernel) },
      output: asImage(output),
      saved,
      inputGradsNeeded,
    });
    if (inputGradsNeeded === false) return r;
    const pads = causalPad(config);
    const dx = pads ? ctx.backend.zeroPad2dGrad(r.inputs[0], pads) : r.inputs[0];
    return { inputs: [asSequence(dx)], weights: r.weights };
  },
});
