import { formatShape } from '../core/shape';
import {
  activationField,
  activationText,
  activityRegularizerField,
  constraintFields,
  initializerField,
  joinArgs,
  regularizerFields,
  useBiasField,
} from './fields';
import { defineLayer } from './define';
import { knownChannels } from './spatial';
import { activationAndBiasGrad, biasThenActivate, reshape } from './run-helpers';

export const Dense = defineLayer({
  className: 'Dense',
  group: 'Core',
  description: 'Fully connected: every output unit is a weighted sum of all inputs on the last axis, plus a bias.',
  details:
    'On a tensor of rank above 2 Keras applies it to the last axis only, at every position (every pixel of an image).',
  arity: 'one',
  traits: { linearWithBias: true, unitsOnLastAxis: true },
  keras: {
    args: [
      'units',
      'activation',
      'use_bias',
      'kernel_initializer',
      'bias_initializer',
      'kernel_regularizer',
      'bias_regularizer',
      'activity_regularizer',
      'kernel_constraint',
      'bias_constraint',
      'lora_rank',
    ],
    config: [
      'units',
      'activation',
      'use_bias',
      'kernel_initializer',
      'bias_initializer',
      'kernel_regularizer',
      'bias_regularizer',
      'kernel_constraint',
      'bias_constraint',
      'quantization_config',
    ],
  },
  fields: {
    units: { type: 'int', default: 32, min: 1, required: true, doc: 'Number of output units.' },
    activation: activationField(),
    use_bias: useBiasField,
    kernel_initializer: initializerField('glorot_uniform', 'Initializer of the (inputs, units) kernel.'),
    bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
    ...regularizerFields('kernel', 'bias'),
    activity_regularizer: activityRegularizerField,
    ...constraintFields('kernel', 'bias'),
  },
  outputShape(config, [input]) {
    if (input.length < 2)
      return {
        code: 'expects-2d-input',
        message: `Dense expects at least a 2-D input (batch, features), got ${formatShape(input)}`,
      };
    const c = knownChannels('Dense', input);
    if (typeof c !== 'number') return c;
    return [...input.slice(0, -1), config.units];
  },
  weights({ units, use_bias }, [input]) {
    const w = [
      {
        name: 'kernel',
        shape: [input[input.length - 1] as number, units],
        trainable: true,
        initializer: 'kernel_initializer',
      },
    ];
    if (use_bias) w.push({ name: 'bias', shape: [units], trainable: true, initializer: 'bias_initializer' });
    return w;
  },
  keyArgs: (config) => joinArgs(String(config.units), activationText(config)),
  forward(ctx, config, [x], w) {
    // On rank > 2 Keras contracts the last axis only: fold the leading axes into rows.
    const inFeatures = x.shape[x.shape.length - 1];
    const rows = reshape(x, [x.data.length / inFeatures, inFeatures]);
    const z = ctx.backend.matMul(rows, w.kernel);
    return biasThenActivate(ctx, reshape(z, [...x.shape.slice(0, -1), config.units]), w.bias, config.activation);
  },
  backward(ctx, config, dy, { inputs: [x], weights: w, output, saved, inputGradsNeeded }) {
    const { dz, dBias } = activationAndBiasGrad(ctx, dy, output, saved, config.activation, !!w.bias);
    const inFeatures = x.shape[x.shape.length - 1];
    const { units } = config;
    const rows = reshape(x, [x.data.length / inFeatures, inFeatures]);
    const dzRows = reshape(dz, [dz.data.length / units, units]);
    const dKernel = ctx.backend.matMul(rows, dzRows, true, false);
    const weights: Record<string, Float32Array> = { kernel: dKernel.data };
    if (dBias) weights.bias = dBias;
    if (inputGradsNeeded === false) return { inputs: [], weights };
    const dx = ctx.backend.matMul(dzRows, w.kernel, false, true);
    return { inputs: [reshape(dx, x.shape)], weights };
  },
});
