// The legacy .h5 writer (tf.keras 2's whole-model layout) read back by LayerCanvas's own .h5 reader: the same
// model and bit-equal weights; layer_names in Keras's model.layers order, which Keras loads weights by.
// test/interop/test_keras_files.py loads these files in Keras 3.15 itself.
import { describe, expect, it } from 'vitest';
import { withHdf5 } from '../../../engine/formats/keras-files/hdf5';
import { exportModel } from '../../../engine/formats/export';
import { readKerasH5 } from '../../../engine/formats/keras-h5';
import { importKerasPython } from '../../../engine/formats/keras-python';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { initializeWeights } from '../../../engine/train/initializers';

const BRANCHES = `import keras
from keras import layers
inputs = keras.Input(shape=(6,))
a = layers.Dense(4, name="wide")(inputs)
b = layers.Dense(5, activation="tanh")(layers.Dense(3)(inputs))
c = layers.BatchNormalization()(layers.Concatenate()([b, a]))
model = keras.Model(inputs, layers.Dense(2)(c))
`;

describe('export --format h5', () => {
  it('writes model_config and model_weights that read back as the same model with bit-equal weights', async () => {
    const read = importKerasPython(BRANCHES);
    if (!read.ok) throw new Error(read.errors[0].message);
    const doc = { ...read.document, weights: initializeWeights(read.document, 3) };
    const out = await exportModel(doc, 'h5', { baseName: 'branches' });
    if (!out.ok) throw new Error(out.message);
    const [file] = out.files;
    expect(file.name).toBe('branches.h5');
    const bytes = file.data as Uint8Array;
    const back = await readKerasH5(bytes, 'branches.h5');
    if (!back.ok) throw new Error(back.errors[0].message);
    const byName = (d: ModelDocument) =>
      Object.fromEntries(
        d.nodes.map((n) => [
          infer(d).nodes.get(n.id)!.name,
          (d.weights?.[n.id] ?? []).map((w) => [w.name, Array.from(w.tensor.data)]),
        ]),
      );
    expect(byName(back.document)).toEqual(byName(doc));
    const layout = withHdf5(bytes, (root) => {
      const group = root.children.get('model_weights');
      if (group?.kind !== 'group') throw new Error('no model_weights');
      const bn = group.children.get('batch_normalization');
      return {
        config: JSON.parse(root.attrs.model_config as string).class_name,
        layers: group.attrs.layer_names,
        bn: bn?.kind === 'group' ? bn.attrs.weight_names : null,
      };
    });
    // Keras 3.15's [l.name for l in model.layers if l.weights] for this model: deepest from the output first
    // (Dense(5) is made before Dense(3), so it is 'dense').
    expect(layout).toEqual({
      config: 'Functional',
      layers: ['dense_1', 'dense', 'wide', 'batch_normalization', 'dense_2'],
      bn: [
        'batch_normalization/gamma:0',
        'batch_normalization/beta:0',
        'batch_normalization/moving_mean:0',
        'batch_normalization/moving_variance:0',
      ],
    });
  });
});
