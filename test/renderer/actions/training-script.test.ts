// Export ▸ Training script: the Train tab's settings go into the script's SETTINGS; an imported dataset (no path
// the script could read) travels beside it as an .npz of its arrays; the 'auto' loss is the one the Train tab picks.
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importKerasPython } from '../../../engine/formats/keras-python';
import { appTrainingScript } from '../../../renderer/actions/training-script';
import type { ImportedDataset } from '../../../renderer/stores/datasets';
import { DEFAULT_CONFIG } from '../../../renderer/stores/training';

const model = (head: string) => {
  const r = importKerasPython(
    `import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="relu"), ${head}])\n`,
  );
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.document;
};

const setting = (script: string, key: string) => script.match(new RegExp(`"${key}": (.*),\\n`))?.[1];

const npyShape = (file: Uint8Array) =>
  new TextDecoder()
    .decode(file.subarray(10, 10 + new DataView(file.buffer, file.byteOffset).getUint16(8, true)))
    .match(/'shape': \(([^)]*)\)/)?.[1];

function imported(numClasses: number | undefined, perTarget: number): ImportedDataset {
  const count = 5;
  return {
    id: 'imported:1',
    fileName: 'my data.csv',
    dataset: {
      name: 'my data.csv',
      description: '',
      x: Float32Array.from({ length: count * 3 }, (_, i) => i / 10),
      y: numClasses ? Int32Array.from({ length: count }, (_, i) => i % 2) : new Float32Array(count * perTarget),
      sampleShape: [3],
      count,
      ...(numClasses ? { numClasses } : {}),
      normalization: [],
    },
  };
}

describe('appTrainingScript', () => {
  it("writes the Train tab's settings and strategy, MNIST from keras.datasets with no file beside it", () => {
    const out = appTrainingScript(
      model('layers.Dense(10, activation="softmax")'),
      { ...DEFAULT_CONFIG, datasetId: 'mnist', subset: 500, learningRate: 0.2, batchSize: 8, epochs: 4 },
      'tpu',
      'cnn',
      [],
    );
    if (!out.ok) throw new Error(out.message);
    expect(out.files.map((f) => f.name)).toEqual(['cnn.py']);
    const script = out.files[0].data as string;
    expect(
      ['data_kind', 'strategy', 'subset', 'learning_rate', 'batch_size', 'epochs', 'optimizer', 'loss'].map((k) =>
        setting(script, k),
      ),
    ).toEqual(['"mnist"', '"tpu"', '500', '0.2', '8', '4', '"sgd"', '"sparse_categorical_crossentropy"']);
  });

  it('an imported classification dataset goes beside the script as x and integer y in <name>.npz', () => {
    const out = appTrainingScript(
      model('layers.Dense(1, activation="sigmoid")'),
      { ...DEFAULT_CONFIG, datasetId: 'imported:1', subset: null },
      'default',
      'm',
      [imported(2, 1)],
    );
    if (!out.ok) throw new Error(out.message);
    expect(out.files.map((f) => f.name)).toEqual(['m.py', 'my_data.npz']);
    const script = out.files[0].data as string;
    expect([setting(script, 'data_kind'), setting(script, 'data'), setting(script, 'subset')]).toEqual([
      '"npz"',
      '"my_data.npz"',
      'None',
    ]);
    expect(setting(script, 'loss')).toBe('"binary_crossentropy"');
    const arrays = unzipSync(out.files[1].data as Uint8Array);
    expect(npyShape(arrays['x.npy'])).toBe('5, 3');
    expect(npyShape(arrays['y.npy'])).toBe('5,');
    expect(new TextDecoder().decode(arrays['y.npy'].subarray(0, 60))).toContain("'<i4'");
  });

  it('an imported regression dataset keeps its targets as float (count, targets) and trains with MSE', () => {
    const out = appTrainingScript(
      model('layers.Dense(2)'),
      { ...DEFAULT_CONFIG, datasetId: 'imported:1' },
      'mirrored',
      'm',
      [imported(undefined, 2)],
    );
    if (!out.ok) throw new Error(out.message);
    expect(setting(out.files[0].data as string, 'loss')).toBe('"mean_squared_error"');
    const arrays = unzipSync(out.files[1].data as Uint8Array);
    expect(npyShape(arrays['y.npy'])).toBe('5, 2');
    expect(new TextDecoder().decode(arrays['y.npy'].subarray(0, 60))).toContain("'<f4'");
  });

  it('an imported dataset no longer listed is refused in one line', () => {
    const out = appTrainingScript(
      model('layers.Dense(2)'),
      { ...DEFAULT_CONFIG, datasetId: 'imported:9' },
      'default',
      'm',
      [],
    );
    expect(out).toEqual({
      ok: false,
      message: "The Train tab's dataset 'imported:9' is gone: pick one in Train first",
    });
  });
});
