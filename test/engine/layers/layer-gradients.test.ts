// Every layer's backward against central finite differences of its own forward, on small shapes with odd sizes,
// run on the reference kernels. The loss is a fixed random projection of the output, summed in float64.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../engine/core/random';
import type { Shape } from '../../../engine/core/shape';
import type { Tensor } from '../../../engine/core/tensor';
import { referenceBackend } from '../../../engine/kernels/reference';
import { completeConfig } from '../../../engine/layers/config';
import { getLayer, layerDefinitions } from '../../../engine/layers/registry';
import type { LayerConfig, RunContext } from '../../../engine/layers/types';

interface Case {
  layer: string;
  config?: Record<string, unknown>;
  inputs: number[][];
  training?: boolean;
  /** The input holds integer ids below this (Embedding): no gradient with respect to it. */
  ids?: number;
}

const CASES: Case[] = [
  { layer: 'Dense', config: { units: 3, activation: 'tanh' }, inputs: [[2, 5]] },
  { layer: 'Dense', config: { units: 2, activation: 'softmax' }, inputs: [[2, 3, 4]] },
  { layer: 'Dense', config: { units: 3, use_bias: false, activation: 'gelu' }, inputs: [[3, 4]] },
  { layer: 'Conv2D', config: { filters: 3, kernel_size: 3, activation: 'relu' }, inputs: [[2, 5, 5, 2]] },
  {
    layer: 'Conv2D',
    config: { filters: 2, kernel_size: [2, 3], strides: 2, padding: 'same', activation: 'sigmoid' },
    inputs: [[1, 7, 6, 3]],
  },
  {
    layer: 'Conv2D',
    config: { filters: 2, kernel_size: 3, dilation_rate: 2, activation: 'elu' },
    inputs: [[1, 7, 7, 1]],
  },
  { layer: 'Conv2D', config: { filters: 4, kernel_size: 1, groups: 2 }, inputs: [[1, 3, 3, 4]] },
  {
    layer: 'DepthwiseConv2D',
    config: { kernel_size: 3, depth_multiplier: 2, padding: 'same', activation: 'silu' },
    inputs: [[1, 5, 4, 2]],
  },
  {
    layer: 'SeparableConv2D',
    config: { filters: 3, kernel_size: 3, depth_multiplier: 2, activation: 'softplus' },
    inputs: [[1, 5, 5, 2]],
  },
  { layer: 'BatchNormalization', inputs: [[3, 3, 3, 2]], training: true },
  { layer: 'BatchNormalization', config: { center: false, axis: 1 }, inputs: [[4, 3, 2]], training: true },
  { layer: 'BatchNormalization', inputs: [[3, 4]], training: false },
  { layer: 'LayerNormalization', inputs: [[2, 3, 5]] },
  { layer: 'LayerNormalization', config: { rms_scaling: true }, inputs: [[3, 4]] },
  { layer: 'Normalization', config: { axis: 1 }, inputs: [[2, 3, 2]] },
  { layer: 'LayerScale', config: { init_values: 0.5, projection_dim: 3 }, inputs: [[2, 2, 3]] },
  {
    layer: 'Conv2DTranspose',
    config: { filters: 2, kernel_size: 3, strides: 2, padding: 'same', activation: 'tanh' },
    inputs: [[1, 3, 2, 2]],
  },
  { layer: 'Conv2DTranspose', config: { filters: 3, kernel_size: [2, 3] }, inputs: [[2, 2, 3, 1]] },
  { layer: 'MaxPooling2D', config: { pool_size: 3, strides: 2, padding: 'same' }, inputs: [[1, 5, 5, 2]] },
  { layer: 'AveragePooling2D', config: { pool_size: 2, strides: 1, padding: 'same' }, inputs: [[2, 3, 3, 1]] },
  { layer: 'GlobalAveragePooling2D', config: { keepdims: true }, inputs: [[2, 3, 3, 2]] },
  { layer: 'GlobalMaxPooling2D', inputs: [[2, 3, 3, 2]] },
  { layer: 'Flatten', inputs: [[2, 2, 3, 2]] },
  { layer: 'Reshape', config: { target_shape: [-1, 2] }, inputs: [[2, 3, 2]] },
  { layer: 'Activation', config: { activation: 'selu' }, inputs: [[2, 5]] },
  { layer: 'Activation', config: { activation: 'softsign' }, inputs: [[2, 5]] },
  { layer: 'ReLU', config: { max_value: 0.7, negative_slope: 0.1, threshold: 0.2 }, inputs: [[3, 5]] },
  { layer: 'LeakyReLU', inputs: [[3, 5]] },
  { layer: 'Softmax', config: { axis: 1 }, inputs: [[2, 3, 4]] },
  { layer: 'Rescaling', config: { scale: 0.5, offset: 1 }, inputs: [[2, 3]] },
  {
    layer: 'ZeroPadding2D',
    config: {
      padding: [
        [1, 0],
        [2, 1],
      ],
    },
    inputs: [[1, 3, 2, 2]],
  },
  {
    layer: 'Cropping2D',
    config: {
      cropping: [
        [1, 0],
        [0, 2],
      ],
    },
    inputs: [[1, 4, 5, 2]],
  },
  { layer: 'UpSampling2D', config: { size: [2, 3] }, inputs: [[1, 2, 3, 2]] },
  { layer: 'UpSampling2D', config: { size: 2, interpolation: 'bilinear' }, inputs: [[1, 3, 2, 1]] },
  {
    layer: 'Add',
    inputs: [
      [2, 3, 3, 2],
      [2, 1, 1, 2],
    ],
  },
  {
    layer: 'Subtract',
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  {
    layer: 'Multiply',
    inputs: [
      [2, 4],
      [2, 4],
      [2, 4],
    ],
  },
  {
    layer: 'Multiply',
    inputs: [
      [2, 3, 3, 4],
      [2, 4],
    ],
  },
  {
    layer: 'Average',
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  {
    layer: 'Maximum',
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  {
    layer: 'Concatenate',
    config: { axis: 1 },
    inputs: [
      [2, 2, 3],
      [2, 1, 3],
    ],
  },
  { layer: 'Dropout', config: { rate: 0.4 }, inputs: [[3, 4]], training: true },
  {
    layer: 'Conv1D',
    config: { filters: 3, kernel_size: 3, padding: 'causal', dilation_rate: 2, activation: 'tanh' },
    inputs: [[2, 7, 2]],
  },
  { layer: 'Conv1D', config: { filters: 2, kernel_size: 2, strides: 2, padding: 'same' }, inputs: [[1, 5, 3]] },
  { layer: 'MaxPooling1D', config: { pool_size: 3, strides: 2, padding: 'same' }, inputs: [[2, 7, 2]] },
  { layer: 'AveragePooling1D', config: { pool_size: 2, strides: 1 }, inputs: [[2, 5, 2]] },
  { layer: 'GlobalAveragePooling1D', inputs: [[2, 4, 3]] },
  { layer: 'GlobalMaxPooling1D', config: { keepdims: true }, inputs: [[2, 4, 3]] },
  { layer: 'RepeatVector', config: { n: 3 }, inputs: [[2, 4]] },
  { layer: 'Permute', config: { dims: [3, 1, 2] }, inputs: [[2, 2, 3, 4]] },
  { layer: 'SpatialDropout2D', config: { rate: 0.5 }, inputs: [[2, 2, 2, 3]], training: true },
  { layer: 'Embedding', config: { input_dim: 4, output_dim: 3 }, inputs: [[2, 5]], ids: 4 },
  { layer: 'LSTM', config: { units: 3 }, inputs: [[2, 4, 2]] },
  {
    layer: 'LSTM',
    config: { units: 2, return_sequences: true, activation: 'softsign', recurrent_activation: 'hard_sigmoid' },
    inputs: [[2, 3, 3]],
  },
  { layer: 'GRU', config: { units: 3 }, inputs: [[2, 4, 2]] },
  { layer: 'LSTM', config: { units: 3, dropout: 0.4, recurrent_dropout: 0.3 }, inputs: [[3, 4, 2]], training: true },
  // initial_state: the sequence, then h (and c), whose gradients come out as the inputs 1 (and 2).
  {
    layer: 'LSTM',
    config: { units: 3 },
    inputs: [
      [2, 4, 2],
      [2, 3],
      [2, 3],
    ],
  },
  {
    layer: 'LSTM',
    config: { units: 2, return_sequences: true, go_backwards: true },
    inputs: [
      [2, 3, 2],
      [2, 2],
      [2, 2],
    ],
  },
  {
    layer: 'GRU',
    config: { units: 3 },
    inputs: [
      [2, 4, 2],
      [2, 3],
    ],
  },
  {
    layer: 'GRU',
    config: { units: 2, activation: 'softsign', return_sequences: true },
    inputs: [
      [2, 3, 3],
      [2, 2],
    ],
  },
  {
    layer: 'GRU',
    config: { units: 3, recurrent_dropout: 0.3, return_state: true },
    inputs: [
      [2, 4, 2],
      [2, 3],
    ],
    training: true,
  },
  {
    layer: 'GRU',
    config: { units: 3, dropout: 0.3, recurrent_dropout: 0.4, return_sequences: true },
    inputs: [[3, 4, 2]],
    training: true,
  },
  {
    layer: 'Bidirectional',
    config: { layer: 'LSTM', units: 2, dropout: 0.5 },
    inputs: [[2, 3, 3]],
    training: true,
  },
  { layer: 'GRU', config: { units: 2, return_sequences: true, use_bias: false }, inputs: [[1, 5, 3]] },
  { layer: 'Bidirectional', config: { layer: 'LSTM', units: 2, merge_mode: 'mul' }, inputs: [[2, 3, 2]] },
  {
    layer: 'Bidirectional',
    config: { layer: 'GRU', units: 2, return_sequences: true, merge_mode: 'concat' },
    inputs: [[2, 4, 2]],
  },
];

function randomTensor(shape: number[], rng: Random, scale = 1): Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-scale, scale);
  return { shape, data };
}

/** A context whose random layers draw the same mask on every call, so finite differences see one function. */
const context = (training: boolean): RunContext => ({ backend: referenceBackend, training, nextSeed: () => 1234 });

function check(c: Case) {
  const def = getLayer(c.layer)!;
  const config: LayerConfig = completeConfig(def, c.config ?? {}).config;
  const rng = new Random(7);
  const inputs = c.inputs.map((s) => randomTensor(s, rng));
  const ids = c.ids;
  if (ids !== undefined) for (const x of inputs) x.data.forEach((v, i, a) => (a[i] = Math.floor(((v + 1) / 2) * ids)));
  const shapes: Shape[] = c.inputs.map((s) => [null, ...s.slice(1)]);
  const weights: Record<string, Tensor> = {};
  for (const w of def.weights?.(config, shapes) ?? []) weights[w.name] = randomTensor(w.shape, rng, 0.8);
  for (const variance of [weights.moving_variance, weights.variance])
    variance?.data.forEach((v, i, a) => (a[i] = 0.5 + Math.abs(v)));
  const ctx = context(c.training ?? false);
  const first = def.forward!(ctx, config, inputs, weights);
  const projection = randomTensor(first.output.shape, rng);
  const loss = () => {
    const out = def.forward!(ctx, config, inputs, weights).output.data;
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] * projection.data[i];
    return s;
  };
  const grads = def.backward!(ctx, config, projection, { inputs, weights, output: first.output, saved: first.saved });
  const eps = 1e-3;
  const compare = (what: string, values: Float32Array, analytic: Float32Array) => {
    expect(analytic.length, what).toBe(values.length);
    const stride = Math.max(1, Math.floor(values.length / 24));
    for (let i = 0; i < values.length; i += stride) {
      const keep = values[i];
      values[i] = keep + eps;
      const up = loss();
      values[i] = keep - eps;
      const down = loss();
      values[i] = keep;
      const numeric = (up - down) / (2 * eps);
      expect(
        Math.abs(numeric - analytic[i]),
        `${what}[${i}]: numeric ${numeric}, analytic ${analytic[i]}`,
      ).toBeLessThan(3e-3 + 2e-2 * Math.abs(numeric));
    }
  };
  if (c.ids === undefined) inputs.forEach((x, k) => compare(`input ${k}`, x.data, grads.inputs[k].data));
  for (const [name, g] of Object.entries(grads.weights ?? {})) compare(name, weights[name].data, g);
  const trainable = (def.weights?.(config, shapes) ?? []).filter((w) => w.trainable).map((w) => w.name);
  expect(Object.keys(grads.weights ?? {}).sort()).toEqual(trainable.sort());
}

describe('layer gradients equal finite differences', () => {
  for (const c of CASES) {
    it(`${c.layer}(${JSON.stringify(c.config ?? {})}) x=${c.inputs.map((s) => `[${s}]`).join(' ')}${c.training ? ' training' : ''}`, () =>
      check(c));
  }
  it('every runnable layer in the registry is covered', () => {
    const covered = new Set(CASES.map((c) => c.layer));
    const runnable = layerDefinitions().filter((d) => d.arity !== 'none');
    expect(runnable.filter((d) => !d.forward || !d.backward).map((d) => d.className)).toEqual([]);
    expect(runnable.map((d) => d.className).filter((n) => !covered.has(n))).toEqual([]);
  });
});

describe('layer forward semantics', () => {
  it('BatchNormalization in training normalizes each channel over batch, height and width, and moves the moving averages by momentum', () => {
    const def = getLayer('BatchNormalization')!;
    const config = completeConfig(def, { momentum: 0.9 }).config;
    // Channel 0 holds 1..8, channel 1 holds 10×(1..8): one mean and one variance per channel, shared by every pixel.
    const x: Tensor = {
      shape: [2, 2, 2, 2],
      data: Float32Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? i / 2 + 1 : 10 * ((i - 1) / 2 + 1))),
    };
    const w = {
      gamma: { shape: [2], data: Float32Array.of(2, 1) },
      beta: { shape: [2], data: Float32Array.of(0.5, 0) },
      moving_mean: { shape: [2], data: Float32Array.of(0, 0) },
      moving_variance: { shape: [2], data: Float32Array.of(1, 1) },
    };
    const r = def.forward!(context(true), config, [x], w);
    const mean = [4.5, 45];
    const variance = [5.25, 525]; // biased: Σ(x − mean)² / 8
    for (let i = 0; i < 16; i++) {
      const c = i % 2;
      const expected = w.gamma.data[c] * ((x.data[i] - mean[c]) / Math.sqrt(variance[c] + 0.001)) + w.beta.data[c];
      expect(r.output.data[i]).toBeCloseTo(expected, 4);
    }
    expect(r.updates!.moving_mean[0]).toBeCloseTo(0.1 * 4.5, 5);
    expect(r.updates!.moving_mean[1]).toBeCloseTo(0.1 * 45, 4);
    expect(r.updates!.moving_variance[0]).toBeCloseTo(0.9 + 0.1 * 5.25, 5);
    expect(r.updates!.moving_variance[1]).toBeCloseTo(0.9 + 0.1 * 525, 3);
    // Inference mode uses the moving statistics instead.
    const inf = def.forward!(context(false), config, [x], w);
    expect(inf.output.data[0]).toBeCloseTo((2 * (1 - 0)) / Math.sqrt(1 + 0.001) + 0.5, 5);
    expect(inf.updates).toBeUndefined();
  });

  it('a frozen BatchNormalization runs in inference mode while the model trains, as in Keras', () => {
    const def = getLayer('BatchNormalization')!;
    const config = completeConfig(def, { trainable: false }).config;
    const x: Tensor = { shape: [2, 1], data: Float32Array.of(3, 5) };
    const w = {
      gamma: { shape: [1], data: Float32Array.of(1) },
      beta: { shape: [1], data: Float32Array.of(0) },
      moving_mean: { shape: [1], data: Float32Array.of(1) },
      moving_variance: { shape: [1], data: Float32Array.of(4) },
    };
    const r = def.forward!(context(true), config, [x], w);
    expect(r.output.data[0]).toBeCloseTo((3 - 1) / Math.sqrt(4.001), 5);
    expect(r.updates).toBeUndefined();
  });

  it('Dropout is inverted in training (kept values scaled by 1/(1 − rate)) and the identity at inference', () => {
    const def = getLayer('Dropout')!;
    const config = completeConfig(def, { rate: 0.25 }).config;
    const x: Tensor = { shape: [1, 400], data: new Float32Array(400).fill(1) };
    const t = def.forward!(context(true), config, [x], {}).output.data;
    expect(new Set(Array.from(t).map((v) => v.toFixed(4)))).toEqual(new Set(['0.0000', (1 / 0.75).toFixed(4)]));
    expect(def.forward!(context(false), config, [x], {}).output).toBe(x);
  });

  it("ReLU with a threshold cuts at it, as Keras's relu docstring shows: relu([-10, -5, 0, 5, 10], threshold=5) = [0, 0, 0, 0, 10]", () => {
    const def = getLayer('ReLU')!;
    const x: Tensor = { shape: [1, 5], data: Float32Array.of(-10, -5, 0, 5, 10) };
    expect(
      Array.from(def.forward!(context(false), completeConfig(def, { threshold: 5 }).config, [x], {}).output.data).map(
        (v) => v + 0,
      ),
    ).toEqual([0, 0, 0, 0, 10]);
    const capped = def.forward!(
      context(false),
      completeConfig(def, { max_value: 6, negative_slope: 0.5 }).config,
      [x],
      {},
    ).output.data;
    expect(Array.from(capped)).toEqual([-5, -2.5, 0, 5, 6]);
  });

  it('Dense on a 4-D tensor acts on the last axis at every pixel', () => {
    const def = getLayer('Dense')!;
    const config = completeConfig(def, { units: 1 }).config;
    const x: Tensor = { shape: [1, 2, 2, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8) };
    const w = {
      kernel: { shape: [2, 1], data: Float32Array.of(1, 10) },
      bias: { shape: [1], data: Float32Array.of(0.5) },
    };
    expect(Array.from(def.forward!(context(false), config, [x], w).output.data)).toEqual([21.5, 43.5, 65.5, 87.5]);
  });

  it('UpSampling2D bilinear uses half-pixel centres like tf.image.resize', () => {
    const def = getLayer('UpSampling2D')!;
    const config = completeConfig(def, { size: [1, 2], interpolation: 'bilinear' }).config;
    const x: Tensor = { shape: [1, 1, 2, 1], data: Float32Array.of(0, 4) };
    // Output columns sample at source x = -0.25, 0.25, 0.75, 1.25 → clamped 0, 1, 3, 4.
    expect(Array.from(def.forward!(context(false), config, [x], {}).output.data)).toEqual([0, 1, 3, 4]);
  });
});
