// Regularizers and weight constraints in the fit loop equal real Keras 3.15's: the models of
// test/fixtures/train/generate_regularized_training.py (every regularizer and constraint class, on Conv2D, BN,
// DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, LayerNormalization, Dense, Embedding, Conv1D, LSTM and GRU, and
// Bidirectional LSTM (concat, with an activity regularizer) and GRU (sum) whose copies each carry the rules),
// read from Keras's own to_json(), trained by `train` for three SGD steps from Keras's weights: each step's reported
// loss (with the regularization losses) and every weight after the last step (constraints applied after each
// update), then evaluate's loss with them, on the reference kernels and the fast ones. Then the pieces against their
// definitions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../engine/core/tensor';
import { parseRule } from '../../../engine/core/weight-rules';
import type { Dataset } from '../../../engine/data/types';
import { readKerasJson } from '../../../engine/formats/keras-json';
import { chainDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';
import { referenceBackend } from '../../../engine/kernels/reference';
import type { Backend } from '../../../engine/kernels/types';
import { compileModel } from '../../../engine/train/executor';
import { evaluate, train } from '../../../engine/train/trainer';
import { addPenaltyGrad, constrain, penalty } from '../../../engine/train/weight-rules';
import { useFastBackend } from '../kernels/fast-backend';

interface Weight {
  name: string;
  shape: number[];
  data: number[];
}
interface Fixture {
  keras_version: string;
  model_json: unknown;
  sample_shape: number[];
  classes: number;
  batch_size: number;
  learning_rate: number;
  x: number[];
  y: number[];
  weights_before: Weight[][];
  losses: number[];
  weights_after: Omit<Weight, 'shape'>[][];
  evaluate_loss: number;
}
const load = (file: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/train', file), 'utf8')) as Fixture;

async function fit(backend: Backend, f: Fixture) {
  const read = readKerasJson(JSON.stringify(f.model_json));
  if (!read.ok) throw new Error(read.errors.map((e) => e.message).join('\n'));
  const doc = read.document;
  const layers = doc.nodes.filter((n) => n.className !== 'InputLayer');
  doc.weights = Object.fromEntries(
    layers.map((n, i) => [
      n.id,
      f.weights_before[i].map((w) => ({ name: w.name, tensor: { shape: w.shape, data: Float32Array.from(w.data) } })),
    ]),
  );
  const dataset: Dataset = {
    name: 'fixture',
    description: 'the batches Keras trained on',
    x: Float32Array.from(f.x),
    y: Int32Array.from(f.y),
    sampleShape: f.sample_shape,
    numClasses: f.classes,
    count: f.y.length,
    normalization: [],
  };
  const result = await train(
    doc,
    dataset,
    {
      loss: 'sparse_categorical_crossentropy',
      optimizer: { name: 'sgd', learning_rate: f.learning_rate },
      epochs: 1,
      batchSize: f.batch_size,
      shuffle: false,
      seed: 0,
    },
    { backend, yieldToEvents: async () => {} },
  );
  if (result.status !== 'completed') throw new Error(result.error?.message);
  // Keras's evaluate on every sample with the trained weights, in inference mode.
  const trained = compileModel({ ...doc, weights: result.weights });
  if (!trained.ok) throw new Error(trained.message);
  const evaluated = evaluate(
    trained.model,
    dataset,
    { loss: 'sparse_categorical_crossentropy', batchSize: f.y.length },
    backend,
  );
  return { result, layers, names: infer(doc).nodes, evaluated };
}

async function check(backend: Backend, f: Fixture) {
  const { result, layers, names, evaluated } = await fit(backend, f);
  result.batchLoss.forEach((loss, i) => expect(loss, `step ${i + 1}`).toBeCloseTo(f.losses[i], 4));
  expect(evaluated.loss, 'evaluate').toBeCloseTo(f.evaluate_loss, 4);
  layers.forEach((node, i) => {
    const got = result.weights![node.id];
    for (const w of f.weights_after[i]) {
      const mine = got.find((g) => g.name === w.name)!.tensor.data;
      let worst = 0;
      for (let k = 0; k < w.data.length; k++)
        worst = Math.max(worst, Math.abs(mine[k] - w.data[k]) / (1e-3 + Math.abs(w.data[k])));
      expect(worst, `${names.get(node.id)!.name}/${w.name}`).toBeLessThan(1e-4);
    }
  });
}

for (const file of ['regularized-image.json', 'regularized-text.json', 'regularized-bidirectional.json']) {
  const fixture = load(file);
  describe(`${file}: three SGD steps equal Keras ${fixture.keras_version}'s train_on_batch`, () => {
    it('reference kernels', () => check(referenceBackend, fixture));
    const fast = useFastBackend();
    it('fast kernels', () => check(fast(), fixture));
  });
}

const rule = (text: string) => {
  const kind = /^L/.test(text) ? 'regularizer' : 'constraint';
  const r = parseRule(kind, text);
  if (!r) throw new Error(text);
  return r;
};
const t = (shape: number[], data: number[]): Tensor => ({ shape, data: Float32Array.from(data) });

describe('the pieces, against their definitions', () => {
  it("L1L2's penalty is l1·Σ|x| + l2·Σx² (no ½), its gradient l1·sign(x) + 2·l2·x (sign(0) = 0)", () => {
    const x = Float32Array.from([-2, 0, 3]);
    expect(penalty(rule('L1L2(l1=0.1, l2=0.01)'), x)).toBeCloseTo(0.1 * 5 + 0.01 * 13, 6);
    const g = new Float32Array(3);
    addPenaltyGrad(rule('L1L2(l1=0.1, l2=0.01)'), x, g, 0.5);
    expect(Array.from(g)).toEqual([0.5 * (-0.1 - 0.04), 0, 0.5 * (0.1 + 0.06)].map(Math.fround));
  });

  it('MaxNorm scales each group over axis down to max_value, with the 1e-7 epsilon; smaller norms stay', () => {
    // A (2, 2) kernel, axis 0: columns [3, 4] (norm 5) and [0.3, 0.4] (norm 0.5).
    const w = t([2, 2], [3, 0.3, 4, 0.4]);
    constrain(rule('MaxNorm(max_value=2, axis=0)'), w);
    const s = 2 / (5 + 1e-7);
    const small = 0.5 / (0.5 + 1e-7);
    expect(Array.from(w.data)).toEqual([3 * s, 0.3 * small, 4 * s, 0.4 * small].map(Math.fround));
  });

  it('UnitNorm over axes [0, 1] of a (2, 1, 2) kernel normalizes each last-axis slice; NonNeg clips at 0', () => {
    const w = t([2, 1, 2], [3, -1, 4, 0]);
    constrain(rule('UnitNorm(axis=[0, 1])'), w);
    expect(Array.from(w.data)).toEqual([3 / (5 + 1e-7), -1 / (1 + 1e-7), 4 / (5 + 1e-7), 0].map(Math.fround));
    const v = t([3], [-1, 0, 2]);
    constrain(rule('NonNeg()'), v);
    expect(Array.from(v.data)).toEqual([0, 0, 2]);
  });

  it('MinMaxNorm moves the norm rate of the way into [min, max]; axis -1 is the last', () => {
    const w = t([1, 2], [0.3, 0.4]); // norm 0.5 over the last axis
    constrain(rule('MinMaxNorm(min_value=1, max_value=2, rate=0.5, axis=-1)'), w);
    const desired = 0.5 * 1 + 0.5 * 0.5;
    [0.3, 0.4].forEach((v, i) => expect(w.data[i]).toBeCloseTo((v * desired) / (0.5 + 1e-7), 6));
  });

  it('a constraint axis the weight lacks, or an activity regularizer on a fused softmax output, is refused in one line', async () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [3] } },
      { className: 'Dense', config: { units: 2, kernel_constraint: 'MaxNorm(max_value=2, axis=2)' } },
    ]);
    const data: Dataset = {
      name: 'd',
      description: '',
      x: new Float32Array(6),
      y: Float32Array.from([0, 0, 1, 1]),
      sampleShape: [3],
      count: 2,
      normalization: [],
    };
    const settings = {
      loss: 'mean_squared_error' as const,
      optimizer: { name: 'sgd' as const, learning_rate: 0.1 },
      epochs: 1,
      batchSize: 2,
      seed: 0,
    };
    const hooks = { backend: referenceBackend, yieldToEvents: async () => {} };
    const bad = await train(doc, data, settings, hooks);
    expect(bad.error?.message).toBe('dense: kernel_constraint MaxNorm has axis 2, but kernel has 2 axes (3, 2)');
    const fused = chainDocument([
      { className: 'InputLayer', config: { shape: [3] } },
      { className: 'Dense', config: { units: 2, activation: 'softmax', activity_regularizer: 'L2(l2=0.01)' } },
    ]);
    const r = await train(
      fused,
      { ...data, y: Int32Array.from([0, 1]), numClasses: 2 },
      { ...settings, loss: 'sparse_categorical_crossentropy' },
      hooks,
    );
    expect(r.error?.message).toBe(
      'dense: an activity_regularizer on the output layer, whose activation the loss computes from logits, is not computed',
    );
  });
});
