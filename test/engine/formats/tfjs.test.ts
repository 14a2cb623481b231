import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initializeWeights } from '../../../engine/train/initializers';
import { exportTfjs, readTfjs, tfjs, TFJS_EXPORT_SEED } from '../../../engine/formats/tfjs';
import type { SideFiles } from '../../../engine/formats/types';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { graphDocument } from '../../../engine/graph/build';
import { getTemplate } from '../../../engine/graph/templates';
import { layerDefinitions } from '../../../engine/layers/registry';
import { caseDocument } from './layer-cases';
import {
  buildArticleCnn,
  buildArticleMlp,
  loadInTfjs,
  ready,
  saveArtifacts,
  tf,
  tfl,
} from '../../fixtures/tfjs/tfjs-models';

const FIXTURES = join(__dirname, '../../fixtures/tfjs');
const filesIn = (dir: string): SideFiles => ({
  read: (p) => {
    try {
      return new Uint8Array(readFileSync(join(dir, p)));
    } catch {
      return undefined;
    }
  },
});
const memory = (files: Record<string, Uint8Array>): SideFiles => ({ read: (p) => files[p] });

function imported(modelJson: string, side: SideFiles): ModelDocument {
  const r = readTfjs(modelJson, side);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path ?? ''} ${e.message}`).join('\n'));
  expect(r.warnings).toEqual([]);
  return r.document;
}

/** Every layer's weights as TF.js holds them (its own order: gamma, beta, moving_mean, moving_variance). */
function tfjsWeights(model: tfl.LayersModel): Map<string, { shape: number[]; data: Float32Array }[]> {
  const out = new Map<string, { shape: number[]; data: Float32Array }[]>();
  for (const layer of model.layers)
    out.set(
      layer.name,
      layer.getWeights().map((w) => ({ shape: w.shape, data: w.dataSync() as Float32Array })),
    );
  return out;
}

function docWeightsByName(doc: ModelDocument) {
  const inf = infer(doc);
  const out = new Map<string, { shape: number[]; data: Float32Array }[]>();
  for (const [id, ws] of Object.entries(doc.weights ?? {}))
    out.set(
      inf.nodes.get(id)!.name,
      ws.map((w) => ({ shape: w.tensor.shape, data: w.tensor.data })),
    );
  return out;
}

beforeAll(ready);

describe('TF.js import: genuine model.json + weights saved by tfjs-layers 4.22.0', () => {
  it("the article's CNN fixture: 10,466 params, every weight where Keras puts it", () => {
    const dir = join(FIXTURES, 'article-cnn');
    const doc = imported(readFileSync(join(dir, 'model.json'), 'utf8'), filesIn(dir));
    const inf = infer(doc);
    expect(inf.totals).toEqual({ total: 10466, trainable: 10338, nonTrainable: 128 });
    const bn = doc.nodes.find((n) => n.name === 'batch_normalization')!;
    // The manifest lists moving_mean and moving_variance after every trainable weight; by name they land in Keras's order.
    expect(doc.weights![bn.id].map((w) => [w.name, w.tensor.shape])).toEqual([
      ['gamma', [32]],
      ['beta', [32]],
      ['moving_mean', [32]],
      ['moving_variance', [32]],
    ]);
    const conv = doc.nodes.find((n) => n.name === 'conv2d')!;
    expect(doc.weights![conv.id][0].tensor.shape).toEqual([3, 3, 3, 32]);
  });

  it.each([
    ['CNN', buildArticleCnn],
    ['MLP', buildArticleMlp],
  ])('the article %s built and saved in TF.js imports with exactly the weights TF.js holds', async (_name, build) => {
    const model = await build();
    const { modelJson, weights } = await saveArtifacts(model);
    const doc = imported(modelJson, memory({ 'group1-shard1of1.bin': weights }));
    expect(infer(doc).totals.total).toBe(model.countParams());
    const ours = docWeightsByName(doc);
    for (const [layer, ws] of tfjsWeights(model)) {
      if (ws.length === 0) continue;
      const mine = ours.get(layer)!;
      expect(mine.map((w) => w.shape)).toEqual(ws.map((w) => w.shape));
      mine.forEach((w, k) => expect(Array.from(w.data)).toEqual(Array.from(ws[k].data)));
    }
  });

  it('tensorflowjs_converter output, whose modelTopology wraps the model as {keras_version, backend, model_config}, reads the same', () => {
    const dir = join(FIXTURES, 'article-cnn');
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    j.modelTopology = { keras_version: '2.12.0', backend: 'tensorflow', model_config: j.modelTopology };
    j.convertedBy = 'TensorFlow.js Converter v4.22.0';
    const doc = imported(JSON.stringify(j), filesIn(dir));
    expect(infer(doc).totals.total).toBe(10466);
  });

  it('shards of one group are concatenated in the listed order, wherever a weight straddles them', () => {
    const dir = join(FIXTURES, 'article-cnn');
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const bin = new Uint8Array(readFileSync(join(dir, 'group1-shard1of1.bin')));
    j.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
    const split = 1001 * 4 + 2; // mid-float, inside conv2d_1's kernel (after conv2d's 896 and BN's 64 trainable values)
    const doc = imported(
      JSON.stringify(j),
      memory({ 'group1-shard1of2.bin': bin.slice(0, split), 'group1-shard2of2.bin': bin.slice(split) }),
    );
    const whole = imported(readFileSync(join(dir, 'model.json'), 'utf8'), filesIn(dir));
    for (const [id, ws] of Object.entries(whole.weights!))
      ws.forEach((w, k) => expect(Array.from(doc.weights![id][k].tensor.data)).toEqual(Array.from(w.tensor.data)));
  });

  it('DepthwiseConv2D saved by TF.js as depthwise_kernel lands on the Keras 3 kernel; a name prefix is tolerated', async () => {
    const m = tfl.sequential({ name: 'dw' });
    m.add(
      tfl.layers.depthwiseConv2d({
        inputShape: [8, 8, 3],
        kernelSize: 3,
        depthMultiplier: 2,
        name: 'depthwise_conv2d',
      }),
    );
    const { modelJson, weights } = await saveArtifacts(m);
    expect(modelJson).toContain('depthwise_conv2d/depthwise_kernel');
    const prefixed = modelJson.replace(/"depthwise_conv2d\//g, '"dw/depthwise_conv2d/');
    const doc = imported(prefixed, memory({ 'group1-shard1of1.bin': weights }));
    const node = doc.nodes.find((n) => n.className === 'DepthwiseConv2D')!;
    expect(doc.weights![node.id].map((w) => w.name)).toEqual(['kernel', 'bias']);
    expect(Array.from(doc.weights![node.id][0].tensor.data)).toEqual(
      Array.from(m.layers[0].getWeights()[0].dataSync()),
    );
  });
});

describe('TF.js import errors', () => {
  const dir = join(FIXTURES, 'article-cnn');
  const json = () => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));

  it('a missing weight file is named', () => {
    const r = readTfjs(JSON.stringify(json()), memory({}));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0]).toMatchObject({
        message: "the weight file 'group1-shard1of1.bin' is missing",
        path: 'weightsManifest[0].paths[0]',
      });
  });

  it('a shape mismatch names the layer, the weight and both shapes', () => {
    const j = json();
    const dense = j.modelTopology.config.layers.find((l: { class_name: string }) => l.class_name === 'Dense');
    dense.config.units = 3;
    const r = readTfjs(JSON.stringify(j), filesIn(dir));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors.map((e) => e.message)).toContain(
        "layer 'dense' weight 'kernel' has shape (32, 2) in the file, but the model needs (32, 3)",
      );
  });

  it('a layer whose weights are missing from the manifest is an error, not a half-loaded model', () => {
    const j = json();
    j.weightsManifest[0].weights = j.weightsManifest[0].weights.filter(
      (w: { name: string }) => !w.name.startsWith('dense/'),
    );
    const bin = readFileSync(join(dir, 'group1-shard1of1.bin'));
    const r = readTfjs(JSON.stringify(j), memory({ 'group1-shard1of1.bin': new Uint8Array(bin) }));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors.map((e) => e.message)).toEqual([
        "layer 'dense' (Dense) has no saved weight 'kernel' of shape (32, 2)",
        "layer 'dense' (Dense) has no saved weight 'bias' of shape (2,)",
      ]);
  });

  it('a truncated shard is reported with the bytes needed', () => {
    const bin = new Uint8Array(readFileSync(join(dir, 'group1-shard1of1.bin'))).slice(0, 1000);
    const r = readTfjs(JSON.stringify(json()), memory({ 'group1-shard1of1.bin': bin }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/hold only 1000/);
  });

  it('a graph model is refused with the converter option to use', () => {
    const r = readTfjs(JSON.stringify({ format: 'graph-model', modelTopology: {} }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].hint).toMatch(/tfjs_layers_model/);
  });
});

describe('TF.js export: tf.loadLayersModel accepts it', () => {
  it('re-exporting a TF.js model gives TF.js the same weights and the same predictions', async () => {
    const original = await buildArticleCnn();
    const saved = await saveArtifacts(original);
    const doc = imported(saved.modelJson, memory({ 'group1-shard1of1.bin': saved.weights }));
    const out = exportTfjs(doc);
    expect(out.files).toEqual({ [out.weightsPath]: out.weightsBin });
    const loaded = await loadInTfjs(out.modelJson, out.weightsBin);
    const a = tfjsWeights(original);
    const b = tfjsWeights(loaded);
    for (const [layer, ws] of a)
      ws.forEach((w, k) => expect(Array.from(b.get(layer)![k].data)).toEqual(Array.from(w.data)));
    const x = tf.randomNormal([2, 28, 28, 3], 0, 1, 'float32', 11);
    const y1 = (original.predict(x) as tf.Tensor).dataSync();
    const y2 = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(y2)).toEqual(Array.from(y1));
  });

  it.each(['article-mlp', 'article-cnn', 'cnn-bn-before-activation', 'residual-block'])(
    'template %s without weights exports seeded Keras-default weights that TF.js loads unchanged',
    async (id) => {
      const doc = getTemplate(id)!.build();
      const out = exportTfjs(doc);
      expect(out.weightsBin.length).toBe(infer(doc).totals.total * 4);
      const loaded = await loadInTfjs(out.modelJson, out.weightsBin);
      expect(loaded.countParams()).toBe(infer(doc).totals.total);
      const expected = initializeWeights(doc, TFJS_EXPORT_SEED);
      const names = infer(doc);
      for (const [id2, ws] of Object.entries(expected)) {
        const layer = loaded.getLayer(names.nodes.get(id2)!.name);
        const got = layer.getWeights();
        ws.forEach((w, k) => expect(Array.from(got[k].dataSync())).toEqual(Array.from(w.tensor.data)));
      }
      // and it reads back into LayerCanvas as the same weights
      const back = imported(out.modelJson, memory(out.files));
      expect(Object.keys(back.weights!).length).toBe(Object.keys(expected).length);
    },
  );

  it.each(layerDefinitions().map((d) => d.className))(
    '%s: TF.js loads the export with the same weights, or the export warns why it cannot',
    async (className) => {
      const doc = caseDocument(className);
      doc.weights = initializeWeights(doc, 21);
      const out = exportTfjs(doc);
      let loaded: tfl.LayersModel | null = null;
      try {
        loaded = await loadInTfjs(out.modelJson, out.weightsBin);
      } catch {
        loaded = null;
      }
      if (!loaded) {
        expect(out.warnings.length).toBeGreaterThan(0);
        return;
      }
      // It loaded, so no warning may claim it would not (a ReLU slope warning says it computes differently).
      expect(out.warnings.filter((w) => /refuse|will not load/.test(w.message))).toEqual([]);
      const names = infer(doc).nodes;
      for (const [id, ws] of Object.entries(doc.weights)) {
        const got = loaded.getLayer(names.get(id)!.name).getWeights();
        expect(got.map((t) => t.shape)).toEqual(ws.map((w) => w.tensor.shape));
        ws.forEach((w, k) => expect(Array.from(got[k].dataSync())).toEqual(Array.from(w.tensor.data)));
      }
      const back = imported(out.modelJson, memory(out.files));
      expect(Object.keys(back.weights ?? {}).length).toBe(Object.keys(doc.weights).length);
    },
  );

  it("a VarianceScaling with untruncated_normal warns by name: TF.js's VarianceScaling has no such distribution", () => {
    const doc = caseDocument('Dense');
    const dense = doc.nodes.find((n) => n.className === 'Dense')!;
    dense.config = {
      ...dense.config,
      kernel_initializer: "VarianceScaling(scale=2, mode='fan_out', distribution='untruncated_normal')",
    };
    expect(exportTfjs(doc).warnings.map((w) => w.message)).toContain(
      "TF.js's VarianceScaling has no untruncated_normal: tf.loadLayersModel will refuse 'my_dense' (kernel_initializer)",
    );
    dense.config = {
      ...dense.config,
      kernel_initializer: "VarianceScaling(scale=2, mode='fan_out', distribution='uniform')",
    };
    expect(exportTfjs(doc).warnings).toEqual([]);
  });

  it('ReLU with a slope exports with a warning, since TF.js would silently drop it', () => {
    expect(exportTfjs(caseDocument('ReLU')).warnings[0].message).toMatch(/negative_slope=0\.1/);
  });

  it('match() takes a TF.js model.json and not a Keras to_json()', () => {
    expect(tfjs.match(readFileSync(join(FIXTURES, 'article-mlp/model.json'), 'utf8'))).toBe(true);
    expect(tfjs.match('{"class_name": "Sequential", "config": {"layers": []}}')).toBe(false);
  });
});

describe('TF.js export warnings read what each layer definition says TF.js lacks', () => {
  const messages = (doc: ModelDocument) => exportTfjs(doc).warnings.map((w) => w.message);

  it('a layer whose definition names no TF.js class is refused by name, with its own hint', () => {
    const missing = layerDefinitions().filter((d) => d.tfjs?.missing);
    expect(missing.map((d) => d.className).sort()).toEqual([
      'LayerScale',
      'Normalization',
      'SpatialDropout2D',
      'Subtract',
    ]);
    for (const def of missing) {
      const warnings = exportTfjs(caseDocument(def.className)).warnings;
      const w = warnings.find((x) => x.message.startsWith(`TF.js Layers has no ${def.className} layer`));
      expect(w?.hint).toBe(def.tfjs?.missing);
    }
    expect(messages(caseDocument('Dense')).filter((m) => m.startsWith('TF.js Layers has no'))).toEqual([]);
  });

  it('fields TF.js lacks warn only away from their defaults; groups warns on the convolutions that have it', () => {
    const relu = (config: Record<string, unknown>) =>
      graphDocument(
        [
          { className: 'InputLayer', config: { shape: [4] } },
          { className: 'ReLU', config, name: 'r' },
        ],
        [[0, 1]],
      );
    expect(messages(relu({}))).toEqual([]);
    expect(messages(relu({ negative_slope: 0.1 }))).toEqual([
      "TF.js ReLU has only max_value: 'r' would lose negative_slope=0.1 and threshold=0",
    ]);
    const conv = (className: string, groups: number) =>
      graphDocument(
        [
          { className: 'InputLayer', config: { shape: [8, 8, 4] } },
          { className, config: { filters: 4, kernel_size: [1, 1], groups }, name: 'c' },
        ],
        [[0, 1]],
      );
    expect(messages(conv('Conv2D', 2))).toEqual(["TF.js Conv2D has no groups: 'c' with groups=2 will not load"]);
    expect(messages(conv('Conv2D', 1))).toEqual([]);
  });
});
