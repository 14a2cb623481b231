// Bidirectional beyond its numbers (sequence-keras-values.test.ts, text-model-step.test.ts): a Keras 3.15 to_json()
// reads as the wrapped layer's fields, shapes and parameters as Keras's summary gives them; what LayerCanvas can't
// compute as Keras does (merge_mode=None's two outputs, a backward_layer other than the go_backwards copy, a wrapped
// layer that already reads backwards, a layer other than LSTM or GRU) is refused at its place in one line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasJson } from '../../../engine/formats/keras-json';
import { importKerasPython } from '../../../engine/formats/keras-python';
import { infer } from '../../../engine/graph/inference';

const KERAS_JSON = readFileSync(
  join(import.meta.dirname, '../../fixtures/keras-json/keras3.15-sequential-bidirectional.json'),
  'utf8',
);

const model = (layer: string) => `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(6, 3)),
    ${layer},
])
`;

describe('Bidirectional', () => {
  it("reads Keras 3.15's to_json() as the wrapped layer's fields, with Keras's shapes and parameters", () => {
    const r = readKerasJson(KERAS_JSON);
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.warnings).toEqual([]);
    const [lstm, gru] = r.document.nodes.filter((n) => n.className === 'Bidirectional');
    expect(lstm.config).toMatchObject({
      layer: 'LSTM',
      merge_mode: 'concat',
      units: 4,
      return_sequences: true,
      recurrent_activation: 'hard_sigmoid',
      go_backwards: false,
    });
    expect(gru.config).toMatchObject({ layer: 'GRU', merge_mode: 'mul', units: 2, use_bias: false });
    // As model.summary() prints them (make_keras315_fixtures.py).
    const rows = [...infer(r.document).nodes.values()].map((n) => [
      n.name,
      n.outputShape,
      n.trainableParams + n.nonTrainableParams,
    ]);
    expect(rows).toEqual([
      ['input_layer_2', [null, 10, 3], 0],
      ['bidirectional', [null, 10, 8], 256],
      ['bidirectional_1', [null, 2], 120],
      ['dense_2', [null, 1], 3],
    ]);
  });

  it('refuses a backward_layer that is not the go_backwards copy of layer, at its JSON path', () => {
    const json = JSON.parse(KERAS_JSON);
    json.config.layers[1].config.backward_layer.config.units = 5;
    const r = readKerasJson(JSON.stringify(json));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      message: "Bidirectional backward_layer differs from layer's go_backwards copy: LayerCanvas runs that copy",
      path: 'config.layers[1].config.backward_layer',
    });
  });

  it('refuses merge_mode None (two outputs) in JSON', () => {
    const json = JSON.parse(KERAS_JSON);
    json.config.layers[1].config.merge_mode = null;
    const r = readKerasJson(JSON.stringify(json));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toEqual(['config.layers[1].config.merge_mode']);
  });

  it.each([
    ['layers.Bidirectional(layers.LSTM(4), merge_mode=None)', 'merge_mode'],
    ['layers.Bidirectional(layers.LSTM(4, go_backwards=True))', 'go_backwards=True'],
    ['layers.Bidirectional(layers.Dense(4))', 'wraps a new LSTM or GRU layer, got the layer Dense'],
    [
      'layers.Bidirectional(layers.LSTM(4), backward_layer=layers.LSTM(4, go_backwards=True))',
      'backward_layer is not supported',
    ],
    ['layers.Bidirectional(layers.GRU(4, return_state=True))', 'return_state=True'],
  ])('Python %s is refused in one line at line 6', (layer, message) => {
    const r = importKerasPython(model(layer));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toContain(message);
    expect(r.errors[0].location?.line).toBe(6);
  });

  it('Python reads the wrapped layer into the node and makes no node of it', () => {
    const r = importKerasPython(model('layers.Bidirectional(layers.GRU(3, activation="relu"), merge_mode="ave")'));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.document.nodes.map((n) => n.className)).toEqual(['InputLayer', 'Bidirectional']);
    expect(r.document.nodes[1].config).toMatchObject({ layer: 'GRU', units: 3, activation: 'relu', merge_mode: 'ave' });
  });
});
