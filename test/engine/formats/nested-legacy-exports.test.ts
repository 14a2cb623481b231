// Nested models in the formats of tf.keras 2's form (test/fixtures/nested, made by Keras 3.15.1): tf.keras 2 JSON
// holds the nested model's config as a layer, legacy .h5 its weights under its own group; both read back with the
// same nested models (Keras's loaders: the interop suite, test_nested_export.py). TF.js's modelTopology holds them
// as TF.js saves them (a nested model's output is its node 1): TF.js's own loader (tfjs-layers) builds them and
// predicts what Keras predicted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFile } from '../../../engine/formats/detect';
import { readKerasJson, writeKerasJson } from '../../../engine/formats/keras-json';
import { readKerasH5, writeKerasH5 } from '../../../engine/formats/keras-h5';
import { exportTfjs, readTfjs } from '../../../engine/formats/tfjs';
import type { ModelDocument } from '../../../engine/graph/document';
import { summarize } from '../../../engine/graph/summary';
import { loadInTfjs, ready, tf, tfl } from '../../fixtures/tfjs/tfjs-models';

const FIXTURES = join(import.meta.dirname, '../../fixtures/nested');
const MODELS = ['seq_in_func', 'func_in_func', 'seq_in_seq', 'seq_in_func_in_func'];

async function fixture(model: string): Promise<ModelDocument> {
  const read = await readModelFile(readFileSync(join(FIXTURES, `${model}.keras`)), `${model}.keras`);
  if (!read.ok) throw new Error(read.errors[0].message);
  return read.document;
}

/** Each nested model as [class, name, the model it is in], ids aside. */
const nesting = (doc: ModelDocument) =>
  (doc.groups ?? []).map((g) => [g.className, g.name, doc.groups!.find((p) => p.id === g.parent)?.name ?? null]).sort();
const facts = (doc: ModelDocument) => summarize(doc).layers.map(({ nodeId: _, ...row }) => row);

/** The nested models TF.js built, as [class, name, the model it is in]. */
function tfjsNesting(model: tfl.LayersModel, around: string | null = null): (string | null)[][] {
  return model.layers.flatMap((l) =>
    l instanceof tfl.LayersModel
      ? [[l.getClassName() === 'Sequential' ? 'Sequential' : 'Functional', l.name, around], ...tfjsNesting(l, l.name)]
      : [],
  );
}

beforeAll(ready);

describe('nested models in tf.keras 2 JSON, TF.js and legacy .h5', () => {
  it.each(MODELS)('%s: tf.keras 2 JSON holds the nested config as a layer and reads back the same', async (model) => {
    const doc = await fixture(model);
    const text = writeKerasJson(doc, 'tf.keras');
    const layers = JSON.parse(text).config.layers as { class_name: string }[];
    expect(layers.some((l) => l.class_name === 'Sequential' || l.class_name === 'Functional')).toBe(true);
    const back = readKerasJson(text);
    if (!back.ok) throw new Error(back.errors[0].message);
    expect(nesting(back.document)).toEqual(nesting(doc));
    expect(facts(back.document)).toEqual(facts(doc));
  });

  // func_in_func's Normalization is a layer TF.js lacks.
  it.each(['seq_in_func', 'seq_in_seq', 'seq_in_func_in_func'])(
    "%s: TF.js's loader builds the nested models and predicts what Keras predicted (rtol 1e-4)",
    async (model) => {
      const doc = await fixture(model);
      const out = exportTfjs(doc);
      const loaded = await loadInTfjs(out.modelJson, out.weightsBin);
      expect(tfjsNesting(loaded).sort()).toEqual(nesting(doc));
      const expected = JSON.parse(readFileSync(join(FIXTURES, `${model}.predict.json`), 'utf8')) as {
        x: unknown[];
        y: number[][];
      };
      const y = loaded.predict(tf.tensor(expected.x as number[][])) as tf.Tensor;
      const got = Array.from(y.dataSync());
      expected.y.flat().forEach((e, i) => expect(Math.abs(got[i] - e)).toBeLessThanOrEqual(1e-4 * Math.abs(e) + 1e-5));
      const back = readTfjs(out.modelJson, { read: (p) => out.files[p] });
      if (!back.ok) throw new Error(back.errors[0].message);
      expect(nesting(back.document)).toEqual(nesting(doc));
      expect(facts(back.document)).toEqual(facts(doc));
    },
  );

  it.each(MODELS)(
    "%s: legacy .h5 keeps a nested model's weights in its group and reads back the same",
    async (model) => {
      const doc = await fixture(model);
      const back = await readKerasH5(writeKerasH5(doc), `${model}.h5`);
      if (!back.ok) throw new Error(back.errors[0].message);
      expect(nesting(back.document)).toEqual(nesting(doc));
      expect(facts(back.document)).toEqual(facts(doc));
      const name = (d: ModelDocument, id: string) => d.nodes.find((n) => n.id === id)!.name;
      const weights = (d: ModelDocument) =>
        Object.fromEntries(
          Object.entries(d.weights ?? {}).map(([id, ws]) => [name(d, id), ws.map((w) => [...w.tensor.data])]),
        );
      expect(weights(back.document)).toEqual(weights(doc));
    },
  );
});
