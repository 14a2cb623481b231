import { defineLayer } from './define';
import { formatShape } from '../core/shape';
import { absoluteAxis, resolveAxis } from './batch-normalization';
import type { Tensor } from '../core/tensor';

function split(shape: readonly number[], axis: number) {
  return {
    outer: shape.slice(0, axis).reduce((a, b) => a * b, 1),
    size: shape[axis],
    inner: shape.slice(axis + 1).reduce((a, b) => a * b, 1),
  };
}

function softmaxAlong(x: Tensor, axis: number): Tensor {
  const { outer, size, inner } = split(x.shape, axis);
  const y = new Float32Array(x.data.length);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      let max = -Infinity;
      for (let k = 0; k < size; k++) max = Math.max(max, x.data[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < size; k++) sum += y[base + k * inner] = Math.exp(x.data[base + k * inner] - max);
      for (let k = 0; k < size; k++) y[base + k * inner] /= sum;
    }
  return { shape: x.shape, data: y };
}

export const Softmax = defineLayer({
  className: 'Softmax',
  group: 'Activation',
  description: 'Turns scores into probabilities that sum to 1 along an axis.',
  arity: 'one',
  traits: { keepsUnits: true },
  activationOf: () => 'softmax',
  keras: {
    args: ['axis'],
    noBuild: true,
    callKwargs: { mask: null },
  },
  fields: {
    axis: { type: 'int', default: -1, doc: 'The axis the probabilities sum to 1 along.' },
  },
  outputShape(config, [input]) {
    if (resolveAxis(config.axis, input.length) === null)
      return {
        code: 'bad-axis',
        message: `axis ${config.axis} is out of range for ${formatShape(input)}`,
        hint: 'use -1',
      };
    return input;
  },
  forward(ctx, config, [x]) {
    const axis = absoluteAxis(config.axis, x.shape.length);
    if (axis === x.shape.length - 1) return { output: ctx.backend.activation(x, 'softmax') };
    return { output: softmaxAlong(x, axis) };
  },
  backward(_ctx, config, dy, { output }) {
    // dx = y · (dy − Σ dy·y) along the axis.
    const { outer, size, inner } = split(output.shape, absoluteAxis(config.axis, output.shape.length));
    const dx = new Float32Array(dy.data.length);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < inner; j++) {
        const base = o * size * inner + j;
        let dot = 0;
        for (let k = 0; k < size; k++) dot += dy.data[base + k * inner] * output.data[base + k * inner];
        for (let k = 0; k < size; k++)
          dx[base + k * inner] = output.data[base + k * inner] * (dy.data[base + k * inner] - dot);
      }
    return { inputs: [{ shape: dy.shape, data: dx }] };
  },
});
