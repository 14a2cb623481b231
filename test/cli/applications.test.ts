// The 12 keras.applications architectures as Keras 3.15 builds them (weights=None): `summary --json` must state
// Keras's own facts, every layer's name, class, output shape and parameter count and the totals. Both sides come
// from test/fixtures/applications/make_applications.py, which ran real Keras.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { predict } from '../../cli/predict';
import { readModelFile } from '../../engine/formats/detect';
import type { NamedWeight } from '../../engine/graph/document';
import { infer } from '../../engine/graph/inference';
import { disposeBackend, loadBackend } from '../../engine/kernels/registry';

const FIXTURES = join(import.meta.dirname, '../fixtures/applications');
const dir = mkdtempSync(join(tmpdir(), 'lc-applications-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const unzip = (file: string) => gunzipSync(readFileSync(join(FIXTURES, file))).toString('utf8');

interface KerasFacts {
  layers: { name: string; class_name: string; output_shape: (number | null)[]; params: number }[];
  total: number;
  trainable: number;
  non_trainable: number;
}

async function summary(model: string) {
  const path = join(dir, `${model}.json`);
  writeFileSync(path, unzip(`${model}.json.gz`));
  let out = '';
  let err = '';
  const code = await main(['summary', path, '--json'], {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
  });
  return { code, out, err };
}

/**
 * The prediction of a fixture model with weights by the formula make_*_predict.py document, on the formula's input:
 * per weight `base + factor · sin(0.7071 j + 0.37 h + 1.3 k)` (kernels: factor √(6 / fan-in)), with `affine` giving
 * the other weights' base and factor by name. Returns Keras's expected output beside ours.
 */
async function formulaPrediction(model: string, affine: Record<string, [number, number]>) {
  const expected = JSON.parse(unzip(`${model}.predict.json.gz`)) as {
    input_shape: number[];
    shape: number[];
    data: number[];
  };
  const read = await readModelFile(Buffer.from(unzip(`${model}.json.gz`)), `${model}.json`);
  if (!read.ok) throw new Error(read.errors[0].message);
  const doc = read.document;
  const hash = (name: string) => [...name].reduce((h, c, i) => h + (i + 1) * c.charCodeAt(0), 0) % 997;
  const weights: Record<string, NamedWeight[]> = {};
  for (const [id, info] of infer(doc).nodes)
    weights[id] = info.weights.map(({ name, shape }, k) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      const [base, factor] = name === 'kernel' ? [0, Math.sqrt(6 / (size / shape[shape.length - 1]))] : affine[name];
      for (let j = 0; j < size; j++) data[j] = base + factor * Math.sin(0.7071 * j + 0.37 * hash(info.name) + 1.3 * k);
      return { name, tensor: { shape, data } };
    });
  const size = expected.input_shape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: size }, (_, j) => 127.5 + 127.5 * Math.sin(0.013 * j));
  const { backend, issue } = await loadBackend('fast', { threads: 2 });
  if (issue) throw new Error(issue.message);
  try {
    const y = predict({ ...doc, weights }, { shape: expected.input_shape, data: x }, false, backend);
    if (!('data' in y)) throw new Error(y.message);
    return { doc, y, expected };
  } finally {
    await disposeBackend(backend);
  }
}

/** Read exactly: every fact Keras prints about the model. */
const READ = [
  'MobileNet',
  'MobileNetV2',
  'ResNet50',
  'ResNet50V2',
  'VGG16',
  'DenseNet121',
  'NASNetMobile',
  'Xception',
  'InceptionV3',
  'EfficientNetB0',
];

describe('keras.applications read exactly as Keras 3.15 builds them', () => {
  it.each(READ)(
    "%s: summary --json equals Keras's layers, shapes and parameter counts",
    async (model) => {
      const facts = JSON.parse(unzip(`${model}.facts.json.gz`)) as KerasFacts;
      const r = await summary(model);
      expect(r.err.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
      expect(r.code).toBe(0);
      const s = JSON.parse(r.out);
      expect(s.layers).toEqual(
        facts.layers.map(({ name, class_name, output_shape, params }) => ({ name, class_name, output_shape, params })),
      );
      expect([s.total_params, s.trainable_params, s.non_trainable_params]).toEqual([
        facts.total,
        facts.trainable,
        facts.non_trainable,
      ]);
    },
    60_000,
  );
});

// MobileNetV3's hard_sigmoid is `ReLU(6)(x + 3) * (1 / 6)`: Keras serializes the `+ 3` and `* (1 / 6)` as ops
// (keras.src.ops.numpy Add, Multiply) that its model.layers leaves out and its model.summary() lists as rows of
// their own ("add (Add)", 0 params). Every layer Keras lists is read exactly; the 18 ops come in as Rescaling rows
// (x + 3 is scale 1, offset 3; x * (1/6) is scale 1/6) under the op's name, which compute what the op computes.
describe("MobileNetV3Small (hard_silu) is read with Keras's layers", () => {
  it('every layer Keras lists has its shape and parameter count; the totals match', async () => {
    const facts = JSON.parse(unzip('MobileNetV3Small.facts.json.gz')) as KerasFacts;
    const r = await summary('MobileNetV3Small');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as {
      layers: KerasFacts['layers'];
      total_params: number;
      trainable_params: number;
      non_trainable_params: number;
    };
    const byName = new Map(s.layers.map((l) => [l.name, l]));
    for (const { name, class_name, output_shape, params } of facts.layers)
      expect(byName.get(name)).toEqual({ name, class_name, output_shape, params });
    expect([s.total_params, s.trainable_params, s.non_trainable_params]).toEqual([
      facts.total,
      facts.trainable,
      facts.non_trainable,
    ]);
    const ops = s.layers.filter((l) => !facts.layers.some((f) => f.name === l.name));
    expect(ops.map((l) => [l.name.replace(/_\d+$/, ''), l.class_name, l.params])).toEqual(
      Array.from({ length: 9 }, () => [
        ['add', 'Rescaling', 0],
        ['multiply', 'Rescaling', 0],
      ]).flat(),
    );
  }, 60_000);

  /** Every other weight is base + factor · u (make_mobilenetv3_predict.py). */
  const AFFINE: Record<string, [number, number]> = {
    bias: [0, 0.05],
    gamma: [1, 0.1],
    beta: [0, 0.1],
    moving_mean: [0, 0.01],
    moving_variance: [0.06, 0.03],
  };

  // The weights come from the formula make_mobilenetv3_predict.py documents (the fixture would otherwise hold 2.5M
  // numbers); dropping the ops' constants turns every hard_sigmoid into ReLU6 and the predictions far from Keras's.
  it("predicts what Keras predicts, with the ops' constants", async () => {
    const { y, expected } = await formulaPrediction('MobileNetV3Small', AFFINE);
    expect(y.shape).toEqual(expected.shape);
    const worst = Math.max(...expected.data.map((e, i) => Math.abs(y.data[i] - e) / e));
    expect(worst).toBeLessThan(1e-4);
  }, 120_000);
});

// ConvNeXtTiny nests Sequential models (its stem and downsampling blocks: one row each, class Sequential, with
// their total parameters, as Keras's model.layers lists them), normalizes with Normalization(mean=…, variance=…)
// (no weights), and adds its residuals with `x + y`, a keras.src.ops.numpy Add that model.layers leaves out and
// model.summary() lists as a row of its own ("add (Add)", 0 params).
describe("ConvNeXtTiny (nested Sequential models) is read with Keras's layers", () => {
  it('every layer Keras lists, in its order, with its shape and parameter count; the totals match', async () => {
    const facts = JSON.parse(unzip('ConvNeXtTiny.facts.json.gz')) as KerasFacts;
    const r = await summary('ConvNeXtTiny');
    expect(r.err.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as {
      layers: KerasFacts['layers'];
      total_params: number;
      trainable_params: number;
      non_trainable_params: number;
    };
    const listed = new Set(facts.layers.map((l) => l.name));
    expect(s.layers.filter((l) => listed.has(l.name))).toEqual(
      facts.layers.map(({ name, class_name, output_shape, params }) => ({ name, class_name, output_shape, params })),
    );
    expect(
      s.layers.filter((l) => !listed.has(l.name)).map((l) => [l.name.replace(/_\d+$/, ''), l.class_name, l.params]),
    ).toEqual(Array.from({ length: 18 }, () => ['add', 'Add', 0]));
    expect(facts.layers.filter((l) => l.class_name === 'Sequential').length).toBe(4);
    expect([s.total_params, s.trainable_params, s.non_trainable_params]).toEqual([
      facts.total,
      facts.trainable,
      facts.non_trainable,
    ]);
  }, 60_000);

  // make_convnext_predict.py: ConvNeXtTiny at 32×32 without its classifier, weights by the formula it documents.
  it('predicts what Keras predicts at 32×32: nested stem and downsampling, Normalization(mean, variance), LayerScale', async () => {
    const AFFINE_CONVNEXT: Record<string, [number, number]> = {
      bias: [0, 0.05],
      gamma: [1, 0.1],
      beta: [0, 0.1],
      variable: [0.5, 0.1],
    };
    const { doc, y, expected } = await formulaPrediction('ConvNeXtTiny32', AFFINE_CONVNEXT);
    expect(doc.groups?.map((g) => g.className)).toEqual(['Sequential', 'Sequential', 'Sequential', 'Sequential']);
    expect(y.shape).toEqual(expected.shape);
    // Outputs of size about 1 after 18 residual blocks: float32 sums differ from TensorFlow's by about 1e-5
    // (measured: at most 1.2e-5, 3.9e-6 on average), so rtol 1e-4 with an absolute floor of 3e-5.
    const beyond = expected.data.filter((e, i) => Math.abs(y.data[i] - e) > 1e-4 * Math.abs(e) + 3e-5);
    expect(beyond).toEqual([]);
  }, 120_000);
});
