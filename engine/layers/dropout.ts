import { formatShape } from '../core/shape';
import { sizeOf } from '../core/tensor';
import { defineLayer } from './define';

export const Dropout = defineLayer({
  className: 'Dropout',
  group: 'Regularization',
  description:
    'While training, zeroes a random fraction `rate` of values and scales the rest by 1/(1 − rate); does nothing at inference.',
  arity: 'one',
  traits: { keepsUnits: true },
  keras: {
    args: ['rate', 'noise_shape', 'seed'],
    config: ['rate', 'seed', 'noise_shape'],
    noBuild: true,
    callKwargs: { training: false },
  },
  fields: {
    rate: {
      type: 'float',
      default: 0.5,
      min: 0,
      max: 1,
      exclusiveMax: true,
      required: true,
      doc: 'Fraction of the values dropped while training.',
    },
    seed: { type: 'int', default: null, nullable: true, min: 0, advanced: true, doc: 'Seed of the random mask.' },
    noise_shape: {
      type: 'shape',
      default: null,
      nullable: true,
      allowNone: true,
      advanced: true,
      doc: "The mask's shape, batch axis first, broadcast over the input: a 1 shares one decision along that axis (None: the input's size). (None, 1, 1, C) drops whole channels.",
    },
  },
  outputShape(config, [input]) {
    const ns = config.noise_shape;
    if (ns === null) return input;
    const fits =
      ns.length === input.length && ns.every((d, i) => d === null || d === 1 || input[i] === null || d === input[i]);
    if (!fits)
      return {
        code: 'bad-noise-shape',
        message: `noise_shape ${formatShape(ns)} does not broadcast to the input ${formatShape(input)}`,
        hint: `give ${input.length} sizes, batch axis first, each None, 1 or the input's size`,
      };
    return input;
  },
  keyArgs: (config) => String(config.rate),
  forward(ctx, config, [x]) {
    const { rate, noise_shape } = config;
    if (!ctx.training || rate === 0) return { output: x, saved: null };
    if (noise_shape === null) {
      const { y, mask } = ctx.backend.dropout(x, rate, ctx.nextSeed());
      return { output: y, saved: mask };
    }
    // Keras's Dropout: None takes the input's size; one keep/drop decision per mask entry, broadcast over the 1s.
    const ns = noise_shape.map((d, i) => d ?? x.shape[i]);
    const { mask } = ctx.backend.dropout(
      { shape: ns, data: new Float32Array(sizeOf(ns)).fill(1) },
      rate,
      ctx.nextSeed(),
    );
    const scale = new Float32Array(x.data.length);
    const rank = x.shape.length;
    const index = new Array<number>(rank).fill(0);
    for (let i = 0; i < scale.length; i++) {
      let m = 0;
      for (let a = 0; a < rank; a++) m = m * ns[a] + (ns[a] === 1 ? 0 : index[a]);
      scale[i] = mask[m];
      for (let a = rank - 1; a >= 0; a--) {
        if (++index[a] < x.shape[a]) break;
        index[a] = 0;
      }
    }
    return { output: { shape: x.shape, data: x.data.map((v, i) => v * scale[i]) }, saved: scale };
  },
  backward(ctx, _config, dy, { saved }) {
    return { inputs: [saved ? ctx.backend.dropoutGrad(dy, saved as Float32Array) : dy] };
  },
});
