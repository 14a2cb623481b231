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
  },
  outputShape: (_config, [input]) => input,
  keyArgs: (config) => String(config.rate),
  forward(ctx, config, [x]) {
    const { rate } = config;
    if (!ctx.training || rate === 0) return { output: x, saved: null };
    const { y, mask } = ctx.backend.dropout(x, rate, ctx.nextSeed());
    return { output: y, saved: mask };
  },
  backward(ctx, _config, dy, { saved }) {
    return { inputs: [saved ? ctx.backend.dropoutGrad(dy, saved as Float32Array) : dy] };
  },
});
