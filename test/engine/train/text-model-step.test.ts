// One SGD step of a text model (Embedding → LSTM(return_sequences) → GRU → Dense softmax, and the same with
// Bidirectional LSTM and GRU) equals real Keras 3.15's train_on_batch on the same weights and batch: the loss before
// the step and every weight after it, through the engine's own forward, loss, backward and optimizer, on the
// reference kernels and on the fast ones. The numbers come from test/fixtures/keras-layers/generate_text_step.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { referenceBackend } from '../../../engine/kernels/reference';
import type { Backend } from '../../../engine/kernels/types';
import { backward, compileModel, forward, makeContext } from '../../../engine/train/executor';
import { computeLoss } from '../../../engine/train/losses';
import { makeOptimizer } from '../../../engine/train/optimizers';
import { useFastBackend } from '../kernels/fast-backend';

interface Weight {
  name: string;
  shape: number[];
  data: number[];
}
type Fixture = {
  keras_version: string;
  layers: { class_name: string; config: Record<string, unknown> }[];
  input_shape: number[];
  learning_rate: number;
  x: number[];
  y: number[];
  weights_before: Weight[][];
  loss: number;
  weights_after: Omit<Weight, 'shape'>[][];
};
const load = (file: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/keras-layers', file), 'utf8')) as Fixture;

function step(backend: Backend, fixture: Fixture) {
  const doc = chainDocument([
    { className: 'InputLayer', config: { shape: fixture.input_shape } },
    ...fixture.layers.map((l) => ({ className: l.class_name, config: l.config })),
  ]);
  // Keras's Sequential lists no InputLayer: its layer i is node i + 1.
  doc.weights = {};
  doc.nodes.slice(1).forEach((n, i) => {
    doc.weights![n.id] = fixture.weights_before[i].map((w) => ({
      name: w.name,
      tensor: { shape: w.shape, data: Float32Array.from(w.data) },
    }));
  });
  const compiled = compileModel(doc);
  if (!compiled.ok) throw new Error(compiled.message);
  const model = compiled.model;
  const ctx = makeContext(backend, true, 0);
  const x = { shape: [fixture.y.length, ...fixture.input_shape], data: Float32Array.from(fixture.x) };
  let loss = 0;
  const run = () => {
    const pass = forward(model, [x], ctx);
    const l = computeLoss('sparse_categorical_crossentropy', pass.output, Int32Array.from(fixture.y), {
      fromLogits: false,
      outputActivation: null,
    });
    loss = l.loss;
    const grads = backward(model, pass, l.grad, ctx, l.gradIsLogits);
    const variables = new Map<string, { value: Float32Array; grad: Float32Array }>();
    for (const node of model.nodes)
      for (const name of node.trainable)
        variables.set(`${node.id}/${name}`, { value: node.weights[name].data, grad: grads.get(node.id)![name] });
    makeOptimizer({ name: 'sgd', learning_rate: fixture.learning_rate }).step(variables);
  };
  if (backend.stepScope) backend.stepScope(run);
  else run();
  return { loss, model };
}

function check(backend: Backend, fixture: Fixture) {
  const { loss, model } = step(backend, fixture);
  expect(loss).toBeCloseTo(fixture.loss, 5);
  model.nodes.slice(1).forEach((node, i) => {
    for (const w of fixture.weights_after[i]) {
      const got = node.weights[w.name].data;
      let worst = 0;
      for (let k = 0; k < w.data.length; k++) worst = Math.max(worst, Math.abs(got[k] - w.data[k]));
      expect(worst, `${node.def.className} ${w.name}`).toBeLessThan(2e-5);
    }
  });
}

for (const [model, file] of [
  ['a text model', 'text-model-step.json'],
  ['a Bidirectional LSTM (sum) and GRU (concat) text model', 'bidirectional-model-step.json'],
]) {
  const fixture = load(file);
  describe(`${model}'s SGD step equals Keras ${fixture.keras_version}'s train_on_batch`, () => {
    it('reference kernels', () => check(referenceBackend, fixture));
    const fast = useFastBackend();
    it('fast kernels', () => check(fast(), fixture));
  });
}
