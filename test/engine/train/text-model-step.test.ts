// One SGD step of a text model (Embedding → LSTM(return_sequences) → GRU → Dense softmax, and the same with
// Bidirectional LSTM and GRU, and a functional model fed by LSTM's and GRU's return_state states) equals real Keras
// 3.15's train_on_batch on the same weights and batch: the loss before the step and every weight after it, through
// the engine's own forward, loss, backward and optimizer, on the reference kernels and on the fast ones. The numbers
// come from test/fixtures/keras-layers/generate_text_step.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importKerasPython } from '../../../engine/formats/keras-python';
import { chainDocument } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
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

/** A functional model from a Python fixture, its weights by layer name (return-state-model-step.json). */
type SourceFixture = Omit<Fixture, 'layers' | 'input_shape' | 'weights_before' | 'weights_after'> & {
  source: string;
  x_shape: number[];
  weights_before: Record<string, Weight[]>;
  weights_after: Record<string, Omit<Weight, 'shape'>[]>;
};

const tensorOf = (w: Weight) => ({ name: w.name, tensor: { shape: w.shape, data: Float32Array.from(w.data) } });

function chainModel(fixture: Fixture): ModelDocument {
  const doc = chainDocument([
    { className: 'InputLayer', config: { shape: fixture.input_shape } },
    ...fixture.layers.map((l) => ({ className: l.class_name, config: l.config })),
  ]);
  // Keras's Sequential lists no InputLayer: its layer i is node i + 1.
  doc.weights = {};
  doc.nodes.slice(1).forEach((n, i) => {
    doc.weights![n.id] = fixture.weights_before[i].map(tensorOf);
  });
  return doc;
}

function sourceModel(fixture: SourceFixture): ModelDocument {
  const r = importKerasPython(readFileSync(join(import.meta.dirname, '../../..', fixture.source), 'utf8'));
  if (!r.ok) throw new Error(r.errors[0].message);
  const names = infer(r.document).nodes;
  r.document.weights = {};
  for (const n of r.document.nodes) {
    const saved = fixture.weights_before[names.get(n.id)!.name];
    if (saved) r.document.weights[n.id] = saved.map(tensorOf);
  }
  return r.document;
}

function step(backend: Backend, doc: ModelDocument, fixture: Fixture | SourceFixture) {
  const compiled = compileModel(doc);
  if (!compiled.ok) throw new Error(compiled.message);
  const model = compiled.model;
  const ctx = makeContext(backend, true, 0);
  const shape = 'x_shape' in fixture ? fixture.x_shape : [fixture.y.length, ...fixture.input_shape];
  const x = { shape, data: Float32Array.from(fixture.x) };
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

function check(backend: Backend, fixture: Fixture | SourceFixture) {
  const { loss, model } = step(backend, 'source' in fixture ? sourceModel(fixture) : chainModel(fixture), fixture);
  expect(loss).toBeCloseTo(fixture.loss, 5);
  const after = (node: (typeof model.nodes)[number], i: number) =>
    'source' in fixture ? (fixture.weights_after[node.name] ?? []) : fixture.weights_after[i];
  model.nodes.slice(1).forEach((node, i) => {
    for (const w of after(node, i)) {
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
  ["a functional model fed by LSTM's and GRU's return_state states", 'return-state-model-step.json'],
]) {
  const fixture = load(file) as Fixture | SourceFixture;
  describe(`${model}'s SGD step equals Keras ${fixture.keras_version}'s train_on_batch`, () => {
    it('reference kernels', () => check(referenceBackend, fixture));
    const fast = useFastBackend();
    it('fast kernels', () => check(fast(), fixture));
  });
}
