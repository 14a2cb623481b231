import { activationField, activationText, bool, initializerField, ints, joinArgs, num, pair, paddingField, str, tupleText, useBiasField } from './fields';
import { expectImage, knownChannels, stridesWithDilation, windowOutput } from './spatial';
import type { LayerDefinition } from './types';

export const Conv2D: LayerDefinition = {
  className: 'Conv2D',
  group: 'Convolution',
  description: '2-D convolution: slides `filters` learned kernels over the image, one output channel (feature map) each.',
  arity: 'one',
  fields: {
    filters: { type: 'int', default: 32, min: 1, required: true, doc: 'Number of filters: the output channels.' },
    kernel_size: pair([3, 3], 'Height and width of each filter.', { required: true }),
    strides: pair([1, 1], 'Step of the window along height and width.'),
    padding: paddingField,
    dilation_rate: pair([1, 1], 'Spacing between kernel taps (atrous convolution).', { advanced: true }),
    groups: { type: 'int', default: 1, min: 1, advanced: true, doc: 'Split the channels into this many independent groups.' },
    activation: activationField(),
    use_bias: useBiasField,
    kernel_initializer: initializerField('glorot_uniform', 'Initializer of the (kh, kw, c_in / groups, filters) kernel.'),
    bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
  },
  validate(config) {
    return stridesWithDilation(ints(config, 'strides'), ints(config, 'dilation_rate')).concat(
      num(config, 'filters') % num(config, 'groups') === 0
        ? []
        : [{ code: 'bad-groups', message: `filters ${num(config, 'filters')} is not divisible by groups ${num(config, 'groups')}`, hint: 'make filters a multiple of groups' }],
    );
  },
  outputShape(config, [input]) {
    const bad = expectImage('Conv2D', input);
    if (bad) return bad;
    const c = knownChannels('Conv2D', input);
    if (typeof c !== 'number') return c;
    const groups = num(config, 'groups');
    if (c % groups !== 0)
      return { code: 'bad-groups', message: `the input's ${c} channels are not divisible by groups ${groups}`, hint: 'set groups to a divisor of the input channels' };
    const hw = windowOutput('Conv2D', input, {
      key: 'kernel_size',
      size: ints(config, 'kernel_size'),
      strides: ints(config, 'strides'),
      padding: str(config, 'padding') as 'valid' | 'same',
      dilation: ints(config, 'dilation_rate'),
    });
    if (!Array.isArray(hw)) return hw;
    return [input[0], ...hw, num(config, 'filters')];
  },
  weights(config, [input]) {
    const [kh, kw] = ints(config, 'kernel_size');
    const filters = num(config, 'filters');
    const cin = (input[3] as number) / num(config, 'groups');
    const w = [{ name: 'kernel', shape: [kh, kw, cin, filters], trainable: true, initializer: 'kernel_initializer' }];
    if (bool(config, 'use_bias')) w.push({ name: 'bias', shape: [filters], trainable: true, initializer: 'bias_initializer' });
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
};
