// ONNX export against onnxruntime-node: every template and model fixture of the interop suite (test/interop),
// with seeded random weights (BN's moving statistics away from 0 and 1) or its own, exported as ONNX, run by
// onnxruntime-node on a fixed batch, and compared with LayerCanvas's own inference (predict) within 1e-5; then one
// small model per layer form the templates and fixtures don't reach (test/interop/test_keras_predict.py proves
// LayerCanvas's predict equals Keras's).
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predict } from '../../../cli/predict';
import { sideFilesOf } from '../../../cli/io';
import { Random } from '../../../engine/core/random';
import { sizeOf } from '../../../engine/core/tensor';
import { readModel } from '../../../engine/formats/detect';
import { importKerasPython } from '../../../engine/formats/keras-python';
import { onnxRefusal, writeOnnx } from '../../../engine/formats/onnx';
import type { ModelDocument, NamedWeight } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { ACTIVATIONS } from '../../../engine/layers/fields';
import { TEMPLATES } from '../../../engine/graph/templates';
import { disposeBackend, loadBackend } from '../../../engine/kernels/registry';
import type { Backend } from '../../../engine/kernels/types';
import { INTEROP_FIXTURES } from '../../interop/fixtures';

const fixtures = join(import.meta.dirname, '../../fixtures');
const MODELS: [string, () => ModelDocument][] = [
  ...TEMPLATES.filter((t) => t.id !== 'blank').map((t): [string, () => ModelDocument] => [
    `template ${t.id}`,
    () => t.build(),
  ]),
  ...INTEROP_FIXTURES.map((f): [string, () => ModelDocument] => [
    f,
    () => {
      const path = join(fixtures, f);
      const r = readModel(readFileSync(path, 'utf8'), basename(path), sideFilesOf(path));
      if (!r.ok) throw new Error(r.errors[0].message);
      return r.document;
    },
  ]),
];

function withWeights(doc: ModelDocument, seed: number): ModelDocument {
  const rng = new Random(seed);
  const weights: Record<string, NamedWeight[]> = { ...doc.weights };
  for (const [id, info] of infer(doc).nodes) {
    if (weights[id]?.length || info.weights.length === 0) continue;
    weights[id] = info.weights.map((w) => {
      const [lo, hi] = w.name === 'moving_variance' || w.name === 'variance' ? [0.5, 1.5] : [-0.5, 0.5];
      return {
        name: w.name,
        tensor: {
          shape: [...w.shape],
          data: Float32Array.from({ length: sizeOf(w.shape) }, () => rng.uniform(lo, hi)),
        },
      };
    });
  }
  return { ...doc, weights };
}

/** Exports the model as ONNX, runs it in onnxruntime-node on a fixed batch and returns the worst difference from
 * LayerCanvas's predict, relative to max(1, |value|); null when the model is refused (asserted by the caller). */
async function worstDifference(doc: ModelDocument, scale = 1): Promise<number | null> {
  const inference = infer(doc);
  if (onnxRefusal(doc, inference)) return null;
  const inputShape = [
    3,
    ...inference.nodes
      .get(inference.inputs[0])!
      .outputShape!.slice(1)
      .map((d) => d ?? 1),
  ];
  const rng = new Random(2);
  // A model that starts with an Embedding takes token ids.
  const embedding = doc.nodes.find((n) => n.className === 'Embedding');
  const vocabulary = embedding ? Number(embedding.config.input_dim) : 0;
  const x = Float32Array.from({ length: sizeOf(inputShape) }, () =>
    vocabulary ? Math.floor(rng.uniform(0, vocabulary)) : rng.uniform(-scale, scale),
  );
  const expected = predict(doc, { shape: inputShape, data: x }, false, backend);
  if (!('data' in expected)) throw new Error(expected.message);
  const session = await ort.InferenceSession.create(writeOnnx(doc));
  const inputName = inference.nodes.get(inference.inputs[0])!.name;
  const outputs = await session.run({ [inputName]: new ort.Tensor('float32', x, inputShape) });
  const got = outputs[session.outputNames[0]];
  expect(got.dims).toEqual(expected.shape);
  const data = got.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < data.length; i++)
    worst = Math.max(worst, Math.abs(data[i] - expected.data[i]) / Math.max(1, Math.abs(expected.data[i])));
  return worst;
}

const python = (layers: string, input: string) => {
  const r = importKerasPython(
    `import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=${input}), ${layers}])\n`,
  );
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.document;
};

// The WASM kernels (the reference ones take a minute on image-classification-from-scratch's 180×180 images).
let backend: Backend;
beforeAll(async () => {
  const loaded = await loadBackend('fast', { threads: 1 });
  if (loaded.issue) throw new Error(loaded.issue.message);
  backend = loaded.backend;
});
afterAll(() => disposeBackend(backend));

/** One small model per layer form the export writes beyond the templates and fixtures. */
const LAYER_CASES: [string, string, string][] = [
  [
    'SeparableConv2D (depth_multiplier, same, strides)',
    '(8, 8, 3)',
    'layers.SeparableConv2D(4, 3, padding="same", depth_multiplier=2, activation="relu"), layers.SeparableConv2D(5, 3, strides=2, use_bias=False)',
  ],
  [
    'DepthwiseConv2D (depth_multiplier, same, strides, dilation)',
    '(9, 9, 3)',
    'layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", strides=2), layers.DepthwiseConv2D((2, 3), dilation_rate=2, use_bias=False)',
  ],
  [
    'BatchNormalization (inference; without center, without scale)',
    '(5, 5, 3)',
    'layers.BatchNormalization(center=False), layers.BatchNormalization(scale=False, epsilon=0.01)',
  ],
  [
    'LayerNormalization (plain, rms_scaling, epsilon)',
    '(6, 4)',
    'layers.LayerNormalization(), layers.LayerNormalization(rms_scaling=True, epsilon=0.01)',
  ],
  [
    'UpSampling2D nearest and bilinear',
    '(3, 4, 2)',
    'layers.UpSampling2D((2, 3)), layers.UpSampling2D(interpolation="bilinear")',
  ],
  [
    'ReLU with max_value, negative_slope and threshold',
    '(6,)',
    'layers.Dense(8), layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.5), layers.Dense(4), layers.ReLU(threshold=0.2)',
  ],
  [
    'Conv2DTranspose (valid, same, strides above the kernel)',
    '(4, 5, 3)',
    'layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu"), layers.Conv2DTranspose(2, (2, 3), strides=(1, 2)), layers.Conv2DTranspose(3, 1, strides=3, padding="same"), layers.Conv2DTranspose(2, 2, strides=3)',
  ],
  [
    'LSTM and GRU (sequences, then the last state)',
    '(5, 3)',
    'layers.LSTM(4, return_sequences=True), layers.GRU(3, return_sequences=True), layers.LSTM(2, use_bias=False), layers.Dense(2)',
  ],
  [
    'GRU (the last state, hard_sigmoid gates) and LSTM with relu',
    '(6, 2)',
    'layers.GRU(5, recurrent_activation="hard_sigmoid"), layers.RepeatVector(2), layers.LSTM(3, activation="relu")',
  ],
  [
    'LSTM and GRU with go_backwards (sequences in the order read, and the last state)',
    '(5, 3)',
    'layers.LSTM(4, return_sequences=True, go_backwards=True), layers.GRU(3, return_sequences=True, go_backwards=True), layers.LSTM(2, go_backwards=True), layers.Dense(2)',
  ],
  [
    'Bidirectional LSTM and GRU (sequences summed, concatenated; the last states multiplied, averaged)',
    '(5, 3)',
    'layers.Bidirectional(layers.LSTM(4, return_sequences=True), merge_mode="sum"), layers.Bidirectional(layers.GRU(3, return_sequences=True)), layers.Bidirectional(layers.LSTM(2, use_bias=False), merge_mode="mul")',
  ],
  [
    'Bidirectional GRU averaged (the last state)',
    '(4, 2)',
    'layers.Bidirectional(layers.GRU(3, recurrent_activation="hard_sigmoid"), merge_mode="ave"), layers.Dense(2)',
  ],
  ['Permute', '(3, 4, 2)', 'layers.Permute((3, 1, 2))'],
  ['Cropping2D', '(7, 6, 2)', 'layers.Cropping2D(((1, 2), (0, 1)))'],
  [
    'grouped Conv2D',
    '(6, 6, 6)',
    'layers.Conv2D(4, 3, groups=2, padding="same"), layers.Conv2D(6, 2, groups=2, strides=2)',
  ],
  [
    'Conv1D (causal, dilation, same, strides, groups) and 1-D pooling',
    '(12, 4)',
    'layers.Conv1D(4, 3, padding="causal", dilation_rate=2), layers.Conv1D(6, 2, strides=2, padding="same", groups=2), layers.MaxPooling1D(2, padding="same"), layers.AveragePooling1D(2, strides=1, padding="same"), layers.Conv1D(3, 2, activation="tanh"), layers.GlobalAveragePooling1D()',
  ],
  [
    'GlobalMaxPooling1D (keepdims) and pooling with strides',
    '(10, 3)',
    'layers.MaxPooling1D(3, strides=2), layers.AveragePooling1D(2), layers.GlobalMaxPooling1D(keepdims=True)',
  ],
  ...ACTIVATIONS.map((a): [string, string, string] => [
    `activation ${a}`,
    '(5,)',
    `layers.Dense(8, activation="${a}")`,
  ]),
];

describe('ONNX export, run by onnxruntime-node', () => {
  it.each(MODELS)('%s: onnxruntime predicts what LayerCanvas predicts, within 1e-5', async (_name, build) => {
    const doc = withWeights(build(), 1);
    const worst = await worstDifference(doc);
    // A layer with no ONNX form here (one that landed after the export) is refused in one line, by name.
    if (worst === null) {
      expect(onnxRefusal(doc)!.message).toMatch(/^\w+: \w+ is not exported to ONNX yet$/);
      return;
    }
    expect(worst).toBeLessThan(1e-5);
  });

  // Inputs in ±2 so that the piecewise activations see every piece.
  it.each(LAYER_CASES)(
    '%s: written, and onnxruntime predicts what LayerCanvas predicts within 1e-5',
    async (_n, input, layers) => {
      const doc = withWeights(python(layers, input), 1);
      expect(onnxRefusal(doc)).toBeNull();
      expect(await worstDifference(doc, 2)).toBeLessThan(1e-5);
    },
  );

  it('Embedding: onnxruntime looks up the token ids LayerCanvas looks up, followed by 1-D layers', async () => {
    const doc = withWeights(
      python(
        'layers.Embedding(20, 6), layers.Conv1D(4, 3, padding="same"), layers.GlobalAveragePooling1D(), layers.Dense(2)',
        '(7,)',
      ),
      1,
    );
    expect(onnxRefusal(doc)).toBeNull();
    const rng = new Random(5);
    const ids = Float32Array.from({ length: 3 * 7 }, () => Math.floor(rng.uniform(0, 20)));
    const expected = predict(doc, { shape: [3, 7], data: ids }, false, backend);
    if (!('data' in expected)) throw new Error(expected.message);
    const session = await ort.InferenceSession.create(writeOnnx(doc));
    const got = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', ids, [3, 7]) });
    const data = got[session.outputNames[0]].data as Float32Array;
    expect(data).toHaveLength(expected.data.length);
    for (let i = 0; i < data.length; i++) expect(Math.abs(data[i] - expected.data[i])).toBeLessThan(1e-5);
  });

  it('a model without weights, or with two outputs, is refused in one line that says so', () => {
    const doc = TEMPLATES.find((t) => t.id === 'article-cnn')!.build();
    expect(onnxRefusal(doc)?.message).toBe(
      "conv2d: the weight 'kernel' is missing; train the model or load its weights first",
    );
    const two = importKerasPython(
      'import keras\nfrom keras import layers\ninputs = keras.Input(shape=(4,))\nmodel = keras.Model(inputs, [layers.Dense(2)(inputs), layers.Dense(3)(inputs)])\n',
    );
    if (!two.ok) throw new Error(two.errors[0].message);
    expect(onnxRefusal(withWeights(two.document, 1))?.message).toBe(
      'ONNX export takes a model with one input and one output',
    );
  });

  it("a Bidirectional layer whose activation ONNX's RNN ops lack is refused naming the layer and what it wraps", () => {
    const r = importKerasPython(
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input((4, 2)), layers.Bidirectional(layers.GRU(3, activation="softsign"))])\n',
    );
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(onnxRefusal(withWeights(r.document, 1))?.message).toBe(
      "bidirectional: Bidirectional GRU with activation 'softsign' is not exported to ONNX yet",
    );
  });
});
