/**
 * `.keras` and `.h5` files that Keras 3.15.1 wrote (test/fixtures/binary, made by make_binary_fixtures.py) read
 * into the model and its weights and predict what Keras predicted; our `.keras` reads back the same; weights
 * files load onto a model, and a mismatch is one line naming the layer, the weight, the shapes and the path.
 * (test/interop loads what we write in real Keras.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { predict } from '../../../cli/predict';
import type { ModelDocument } from '../../../engine/graph/document';
import { chainDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';
import { readModelFile } from '../../../engine/formats/detect';
import { exportModel } from '../../../engine/formats/export';
import { readKerasFile, writeKerasFile } from '../../../engine/formats/keras-file';
import { loadHdf5, withHdf5, type H5Group } from '../../../engine/formats/keras-files/hdf5';
import { kerasVariablePaths } from '../../../engine/formats/keras-files/variable-paths';
import { loadWeightsH5, readKerasH5 } from '../../../engine/formats/keras-h5';
import { referenceBackend } from '../../../engine/kernels/reference';

const BINARY = join(__dirname, '../../fixtures/binary');
const bytes = (name: string) => new Uint8Array(readFileSync(join(BINARY, name)));
const KERAS_PREDICTIONS: Record<
  string,
  { input: { shape: number[]; data: number[] }; output: { shape: number[]; data: number[] } }
> = JSON.parse(readFileSync(join(BINARY, 'keras-predictions.json'), 'utf8'));

async function read(name: string): Promise<ModelDocument> {
  const result = await readModelFile(bytes(name), name);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.document;
}

function predicts(doc: ModelDocument, model: string): number[] {
  const { input } = KERAS_PREDICTIONS[model];
  const out = predict(doc, { shape: input.shape, data: Float32Array.from(input.data) }, false, referenceBackend);
  if (!('data' in out)) throw new Error(out.message);
  return Array.from(out.data);
}

const close = (got: number[], want: number[]) => {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
};

describe('.keras and .h5 files Keras wrote read with their weights and predict as Keras', () => {
  it.each([
    ['cnn-bn', 'keras'],
    ['cnn-bn', 'h5'],
    ['branches', 'keras'],
    ['branches', 'h5'],
  ])('%s.%s', async (model, ext) => {
    const doc = await read(`${model}.${ext}`);
    expect(infer(doc).errorCount).toBe(0);
    expect(Object.keys(doc.weights ?? {}).length).toBeGreaterThan(0);
    close(predicts(doc, model), KERAS_PREDICTIONS[model].output.data);
  });

  it('names the layers as the file does and reads the model class', async () => {
    const doc = await read('branches.keras');
    expect(doc.modelClass).toBe('Functional');
    expect(doc.nodes.map((n) => n.name).sort()).toEqual([
      'concatenate',
      'deep_1',
      'deep_2',
      'features',
      'head',
      'wide',
    ]);
    expect((await read('cnn-bn.keras')).modelClass).toBe('Sequential');
  });

  it.each(['tiny', 'cnn-bn', 'branches'])(
    '%s: our Keras 3 weight paths are the ones Keras wrote (layers/<class slot>, not the layer names)',
    async (model) => {
      const doc = await read(`${model}.keras`);
      const inference = infer(doc);
      const named = new Map<string, string>();
      await loadHdf5();
      withHdf5(bytes(`${model}.weights.h5`), (root) => {
        const layers = root.children.get('layers') as H5Group;
        for (const [slot, g] of layers.children) {
          const vars = (g as H5Group).children.get('vars') as H5Group;
          named.set(vars.attrs.name as string, `layers/${slot}`);
        }
      });
      const ours = kerasVariablePaths(doc, inference);
      for (const [id, { path }] of ours)
        expect([inference.nodes.get(id)!.name, path]).toEqual([
          inference.nodes.get(id)!.name,
          named.get(inference.nodes.get(id)!.name),
        ]);
      expect(ours.size).toBe(named.size);
    },
  );
});

describe('writing .keras', () => {
  it('is a zip of metadata.json, config.json and model.weights.h5 that reads back with the same weights', async () => {
    const doc = await read('branches.keras');
    const out = await exportModel(doc, 'keras', { baseName: 'branches' });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.files.map((f) => f.name)).toEqual(['branches.keras']);
    const data = out.files[0].data as Uint8Array;
    expect(Object.keys(unzipSync(data))).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    const back = await readKerasFile(data, 'branches.keras');
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    // Node ids are the reader's own; layers are matched by name.
    const backId = new Map(back.document.nodes.map((n) => [n.name, n.id]));
    for (const node of doc.nodes) {
      const want = doc.weights?.[node.id] ?? [];
      const got = back.document.weights?.[backId.get(node.name)!] ?? [];
      expect(got.map((w) => [w.name, w.tensor.shape])).toEqual(want.map((w) => [w.name, w.tensor.shape]));
      got.forEach((w, i) => expect(Array.from(w.tensor.data)).toEqual(Array.from(want[i].tensor.data)));
    }
    close(predicts(back.document, 'branches'), KERAS_PREDICTIONS.branches.output.data);
  });

  it('a model without weights gets seeded fresh ones: the same model writes the same weights', async () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [4] } },
      { className: 'Dense', config: { units: 3 } },
      { className: 'BatchNormalization', config: {} },
    ]);
    await loadHdf5();
    // (Not the same bytes: HDF5 records each object's creation time.)
    const [a, b] = [await readKerasFile(writeKerasFile(doc)), await readKerasFile(writeKerasFile(doc))];
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.document.weights?.n2.map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    const values = (d: ModelDocument) =>
      Object.values(d.weights ?? {}).flatMap((ws) => ws.map((w) => Array.from(w.tensor.data)));
    expect(values(a.document)).toEqual(values(b.document));
    expect(
      values(a.document)
        .flat()
        .some((v) => v !== 0 && v !== 1),
    ).toBe(true);
  });

  it('refuses a model with errors, naming the first', async () => {
    const broken = chainDocument([
      { className: 'InputLayer', config: { shape: [3, 3, 1] } },
      { className: 'Conv2D', config: { filters: 2, kernel_size: [5, 5] } },
    ]);
    const out = await exportModel(broken, 'keras');
    expect(!out.ok && out.message).toMatch(
      /^The model has 1 error\(s\), so it can't be exported as keras: .*kernel_size \(5, 5\)/,
    );
  });
});

describe('weights files onto a model', () => {
  const bare = async (name: string) => ({ ...(await read(name)), weights: undefined });

  it.each(['cnn-bn.weights.h5', 'cnn-bn.h5', 'branches.weights.h5', 'branches.h5'])(
    '%s loads onto the model and predicts as Keras',
    async (file) => {
      const model = file.split('.')[0];
      const loaded = await loadWeightsH5(bytes(file), await bare(`${model}.keras`), file);
      expect(loaded.ok).toBe(true);
      if (loaded.ok) close(predicts(loaded.document, model), KERAS_PREDICTIONS[model].output.data);
    },
  );

  it('a layer of another size: one line naming the layer, the weight, both shapes and where it is', async () => {
    const doc = await bare('cnn-bn.keras');
    const dense = doc.nodes.find((n) => n.className === 'Dense')!;
    dense.config = { ...dense.config, units: 5 };
    const loaded = await loadWeightsH5(bytes('cnn-bn.weights.h5'), doc, 'cnn-bn.weights.h5');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map((e) => e.message)).toEqual([
      "layer 'dense_1' weight 'kernel' has shape (48, 2) in cnn-bn.weights.h5 (layers/dense/vars/0), but the model needs (48, 5)",
      "layer 'dense_1' weight 'bias' has shape (2,) in cnn-bn.weights.h5 (layers/dense/vars/1), but the model needs (5,)",
    ]);
  });

  it('weights of another model: each layer without weights is named, with where Keras would keep them', async () => {
    const loaded = await loadWeightsH5(bytes('tiny.weights.h5'), await bare('branches.keras'), 'tiny.weights.h5');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors).toContainEqual({
      message: "layer 'head' (Dense) has no weights in tiny.weights.h5",
      hint: "Keras keeps its weights at layers/dense_3/vars, by the layer's class and place in the model",
      path: 'layers/dense_3',
    });
    for (const e of loaded.errors) expect(e.message).not.toContain('\n');
  });

  it('a whole-model .h5 and a .weights.h5 opened as a model: what each is, in one line', async () => {
    const weightsOnly = await readModelFile(bytes('tiny.weights.h5'), 'tiny.weights.h5');
    expect(!weightsOnly.ok && weightsOnly.errors[0].message).toBe('tiny.weights.h5 holds weights only, no model');
    const h5 = await readKerasH5(bytes('tiny.h5'), 'tiny.h5');
    expect(h5.ok).toBe(true);
  });
});
