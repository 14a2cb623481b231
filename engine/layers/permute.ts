import type { LayerIssue } from '../core/problems';
import { formatShape } from '../core/shape';
import { tupleText } from './fields';
import { defineLayer } from './define';

/** Keras's dims are 1-based over the axes after the batch: (2, 1) swaps the first two. */
function permutationIssue(dims: readonly number[]): LayerIssue | null {
  const sorted = [...dims].sort((a, b) => a - b);
  if (sorted.every((d, i) => d === i + 1)) return null;
  return {
    code: 'bad-permutation',
    message: `dims ${tupleText(dims)} is not a permutation of ${tupleText(dims.map((_, i) => i + 1))}`,
    hint: 'list every axis after the batch exactly once, counting from 1',
  };
}

const axesOf = (dims: readonly number[]) => [0, ...dims];

export const Permute = defineLayer({
  className: 'Permute',
  group: 'Reshaping',
  description: 'Reorders the axes after the batch: Permute((2, 1)) turns (steps, features) into (features, steps).',
  arity: 'one',
  keras: { args: ['dims'] },
  fields: {
    dims: {
      type: 'shape',
      default: [2, 1],
      required: true,
      doc: 'The new order of the axes after the batch, counting from 1.',
    },
  },
  validate: (config) => {
    const issue = permutationIssue(config.dims);
    return issue ? [issue] : [];
  },
  outputShape(config, [input]) {
    const dims = config.dims;
    if (dims.length !== input.length - 1)
      return {
        code: 'permute-rank',
        message: `dims ${tupleText(dims)} orders ${dims.length} axes but the input ${formatShape(input)} has ${input.length - 1} after the batch`,
        hint: `give ${input.length - 1} axes, e.g. ${tupleText(Array.from({ length: input.length - 1 }, (_, i) => input.length - 1 - i))}`,
      };
    return axesOf(dims).map((a) => input[a]);
  },
  keyArgs: (config) => tupleText(config.dims),
  forward: (ctx, config, [x]) => ({ output: ctx.backend.transpose(x, axesOf(config.dims)) }),
  backward(ctx, config, dy) {
    const axes = axesOf(config.dims);
    const inverse = axes.map((_, i) => axes.indexOf(i));
    return { inputs: [ctx.backend.transpose(dy, inverse)] };
  },
});
