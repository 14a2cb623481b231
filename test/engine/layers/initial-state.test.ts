// initial_state: Keras's `LSTM(u)(x, initial_state=[h, c])` and `GRU(u)(x, initial_state=[h])` read from Python and
// Keras 3 JSON (its call kwarg, as to_json writes it) as the RNN's inputs 1 (and 2), written back the same way, and
// checked for count and width where they are connected. Values against Keras: test_keras_files.py (initial_state);
// gradients into the states: layer-gradients.test.ts.
import { describe, expect, it } from 'vitest';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { readKerasJson, writeKerasJson } from '../../../engine/formats/keras-json';
import { readKerasH5, writeKerasH5 } from '../../../engine/formats/keras-h5';
import { loadHdf5, withHdf5 } from '../../../engine/formats/keras-files/hdf5';
import { infer } from '../../../engine/graph/inference';

const model = (body: string) => `import keras
from keras import layers

x = keras.Input(shape=(6, 3))
h0 = keras.Input(shape=(4,))
c0 = keras.Input(shape=(4,))
${body}
model = keras.Model(inputs=[x, h0, c0], outputs=y)
`;

function errorsOf(code: string) {
  const r = importKerasPython(code);
  if (!r.ok) return r.errors.map((e) => e.message);
  return infer(r.document).problems.map((p) => p.message);
}

describe('initial_state', () => {
  it('reads from Python, writes Keras 3 JSON with the initial_state kwarg alone, and reads that back', () => {
    const r = importKerasPython(
      model(
        's = layers.LSTM(4, return_sequences=True)(x, initial_state=[h0, c0])\ny = layers.GRU(4)(s, initial_state=[h0])',
      ),
    );
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(infer(r.document).problems).toEqual([]);
    const json = JSON.parse(writeKerasJson(r.document, 'keras3'));
    const lstm = json.config.layers.find((l: { class_name: string }) => l.class_name === 'LSTM');
    expect(Object.keys(lstm.inbound_nodes[0].kwargs)).toEqual(['initial_state']);
    expect(
      lstm.inbound_nodes[0].kwargs.initial_state.map(
        (t: { config: { keras_history: unknown } }) => t.config.keras_history,
      ),
    ).toEqual([
      ['input_layer_1', 0, 0],
      ['input_layer_2', 0, 0],
    ]);
    expect(lstm.build_config).toEqual({
      shapes_dict: {
        sequences_shape: [null, 6, 3],
        initial_state_shape: [
          [null, 4],
          [null, 4],
        ],
      },
    });
    const back = readKerasJson(JSON.stringify(json));
    if (!back.ok) throw new Error(back.errors[0].message);
    expect(exportKerasPython(back.document)).toContain('initial_state=[input_layer_1, input_layer_2]');
  });

  it('writes its .h5 with Keras 3.15\'s config, as model.save("m.h5") does, and reads it back with the states', async () => {
    const r = importKerasPython(model('y = layers.LSTM(4)(x, initial_state=[h0, c0])'));
    if (!r.ok) throw new Error(r.errors[0].message);
    await loadHdf5();
    const bytes = writeKerasH5(r.document);
    const back = await readKerasH5(bytes, 'm.h5');
    if (!back.ok) throw new Error(back.errors[0].message);
    expect(exportKerasPython(back.document)).toContain('initial_state=[input_layer_1, input_layer_2]');
    // A model without initial_state keeps tf.keras 2's layout.
    const plain = importKerasPython(model('y = layers.LSTM(4)(x)'));
    if (!plain.ok) throw new Error(plain.errors[0].message);
    const version = (b: Uint8Array) => withHdf5(b, (root) => root.attrs.keras_version);
    expect(version(bytes)).toBe('3.15.1');
    expect(version(writeKerasH5(plain.document))).toBe('2.15.0');
  });

  it('refuses a wrong number of states in Python with the form Keras takes', () => {
    expect(errorsOf(model('y = layers.LSTM(4)(x, initial_state=[h0])'))).toEqual([
      "LSTM's initial_state is a list of two tensors, [h, c], got 1 tensors",
    ]);
  });

  it('refuses a state of the wrong width where it is connected', () => {
    expect(errorsOf(model('y = layers.GRU(5)(x, initial_state=[h0])'))).toContain(
      "initial_state[0] has shape (None, 4), but GRU(5)'s states are (None, 5)",
    );
  });
});
