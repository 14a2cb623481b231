import { defineLayer } from './define';
import { expectImage } from './spatial';

export const SpatialDropout2D = defineLayer({
  className: 'SpatialDropout2D',
  group: 'Regularization',
  description: 'Dropout of whole feature maps: while training, drops entire channels rather than single pixels.',
  arity: 'one',
  keras: {
    args: ['rate', 'data_format', 'seed'],
    noBuild: true,
    callKwargs: { training: false },
  },
  noTrainableArgument: true,
  tfjs: { missing: 'use Dropout, or remove the layer before exporting' },
  fields: {
    rate: {
      type: 'float',
      default: 0.5,
      min: 0,
      max: 1,
      exclusiveMax: true,
      required: true,
      doc: 'Fraction of the channels dropped while training.',
    },
    seed: { type: 'int', default: null, nullable: true, min: 0, advanced: true, doc: 'Seed of the random mask.' },
  },
  outputShape: (_config, [input]) => expectImage('SpatialDropout2D', input) ?? input,
  keyArgs: (config) => String(config.rate),
  forward(ctx, config, [x]) {
    const { rate } = config;
    if (!ctx.training || rate === 0) return { output: x, saved: null };
    // One keep/drop decision per (sample, channel), shared by every pixel of that feature map.
    const [n, , , c] = x.shape;
    const { mask } = ctx.backend.dropout(
      { shape: [n, c], data: new Float32Array(n * c).fill(1) },
      rate,
      ctx.nextSeed(),
    );
    // Each image's channels times their mask value, on the backend's per-channel scaling (wasm, threaded; a
    // JavaScript map here took 43 ms on 32×26×26×32).
    const gate = { shape: [n, 1, 1, c], data: mask };
    return { output: ctx.backend.scaleChannels(x, gate), saved: mask };
  },
  backward(ctx, _config, dy, { saved }) {
    if (!saved) return { inputs: [dy] };
    const [n, , , c] = dy.shape;
    return { inputs: [ctx.backend.scaleChannels(dy, { shape: [n, 1, 1, c], data: saved as Float32Array })] };
  },
});
