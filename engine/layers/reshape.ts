import { defineLayer } from './define';
import { reshape } from './run-helpers';
import { reshapeTarget } from './reshape-target';
import { elementsPerSample, formatShape } from '../core/shape';
import { tupleText } from './fields';

export const Reshape = defineLayer({
  className: 'Reshape',
  group: 'Reshaping',
  description: 'Gives each sample a new shape with the same number of elements; -1 lets one size be inferred.',
  arity: 'one',
  keras: {
    args: ['target_shape'],
    noBuild: true,
  },
  fields: {
    target_shape: {
      type: 'shape',
      default: [-1],
      allowInferred: true,
      required: true,
      doc: 'The new shape of one sample, without the batch axis.',
    },
  },
  outputShape(config, [input]) {
    const target = config.target_shape;
    const total = elementsPerSample(input);
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const inferredAt = target.indexOf(-1);
    if (total === null) return [input[0], ...target.map((d) => (d === -1 ? null : d))];
    if (inferredAt >= 0) {
      if (known === 0 || total % known !== 0)
        return {
          code: 'reshape-size',
          message: `target_shape ${tupleText(target)} cannot hold the ${total} elements of ${formatShape(input)}: ${total} is not a multiple of ${known}`,
          hint: 'choose sizes whose product divides the input size',
        };
      return [input[0], ...target.map((d) => (d === -1 ? total / known : d))];
    }
    if (known !== total)
      return {
        code: 'reshape-size',
        message: `target_shape ${tupleText(target)} has ${known} elements but each sample of ${formatShape(input)} has ${total}`,
        hint: `the product of target_shape must be ${total}; use -1 for one axis to infer it`,
      };
    return [input[0], ...target];
  },
  keyArgs: (config) => tupleText(config.target_shape),
  forward: (_ctx, config, [x]) => ({ output: reshape(x, reshapeTarget(x, config.target_shape)) }),
  backward: (_ctx, _config, dy, { inputs: [x] }) => ({ inputs: [reshape(dy, x.shape)] }),
});
