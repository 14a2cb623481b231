import { formatShape } from '../core/shape';
import { defineLayer } from './define';

export const Concatenate = defineLayer({
  className: 'Concatenate',
  group: 'Merge',
  description: 'Joins its inputs along one axis (the channels by default); every other axis must match.',
  arity: 'many',
  keras: {
    args: ['axis'],
    functional: 'concatenate',
  },
  fields: {
    axis: { type: 'int', default: -1, doc: 'The axis to join along; -1 is the channel axis.' },
  },
  outputShape(config, inputs) {
    const rank = inputs[0].length;
    const { axis } = config;
    const a = axis < 0 ? rank + axis : axis;
    if (inputs.some((s) => s.length !== rank))
      return {
        code: 'concat-rank-mismatch',
        message: `Concatenate needs inputs of the same rank, got ${inputs.map(formatShape).join(' and ')}`,
        hint: 'Flatten or Reshape the branches to the same rank first',
      };
    if (a < 1 || a >= rank)
      return {
        code: 'bad-axis',
        message: `axis ${axis} is out of range for inputs of rank ${rank}`,
        hint: 'use -1 to join along the channels',
      };
    for (let i = 1; i < rank; i++) {
      if (i === a) continue;
      const sizes = inputs.map((s) => s[i]).filter((d) => d !== null);
      if (new Set(sizes).size > 1)
        return {
          code: 'concat-mismatch',
          message: `Concatenate along axis ${axis} needs every other axis equal, but axis ${i} differs: ${inputs.map(formatShape).join(' and ')}`,
          hint: 'make the branches agree on height and width (same padding and strides), or join along another axis',
        };
    }
    const out: (number | null)[] = [...inputs[0]];
    out[a] = inputs.some((s) => s[a] === null) ? null : inputs.reduce((n, s) => n + (s[a] as number), 0);
    return out;
  },
  keyArgs: (config) => (config.axis === -1 ? '' : `axis ${config.axis}`),
  forward: (ctx, config, inputs) => ({ output: ctx.backend.concat(inputs, config.axis) }),
  backward: (ctx, config, dy, { inputs }) => ({
    inputs: ctx.backend.concatGrad(
      dy,
      inputs.map((t) => t.shape),
      config.axis,
    ),
  }),
});
