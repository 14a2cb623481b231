// Models that nest a Sequential or Functional model as a layer, as Keras 3.15 builds and saves them
// (test/fixtures/nested/make_nested.py): `summary --json` states Keras's facts (the nested model one row, with its
// class, output shape and total parameters), and the .keras file read with its weights predicts what Keras did.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { predict } from '../../cli/predict';
import { readModelFile } from '../../engine/formats/detect';
import { gunzipSync } from 'node:zlib';
import { readKerasJson, writeKerasJson } from '../../engine/formats/keras-json';
import { exportKerasPython, importKerasPython } from '../../engine/formats/keras-python';
import { readProjectFile, writeProject } from '../../engine/formats/project';
import { summarize } from '../../engine/graph/summary';
import { disposeBackend, loadBackend } from '../../engine/kernels/registry';

const FIXTURES = join(import.meta.dirname, '../fixtures/nested');
const MODELS = ['seq_in_func', 'func_in_func', 'seq_in_seq', 'seq_in_func_in_func'];

interface KerasFacts {
  layers: { name: string; class_name: string; output_shape: (number | null)[]; params: number }[];
  total: number;
  trainable: number;
  non_trainable: number;
}

async function summaryJson(file: string) {
  let out = '';
  let err = '';
  const code = await main(['summary', join(FIXTURES, file), '--json'], {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
  });
  expect(err.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe('nested models read with Keras 3.15 facts', () => {
  it.each(MODELS.flatMap((m) => [`${m}.json`, `${m}.keras`, `${m}.h5`]))(
    "%s: summary --json equals Keras's model.layers, a nested model as one row",
    async (file) => {
      const facts = JSON.parse(
        readFileSync(join(FIXTURES, file.replace(/\.\w+$/, '.facts.json')), 'utf8'),
      ) as KerasFacts;
      const s = await summaryJson(file);
      expect(s.layers).toEqual(facts.layers);
      expect([s.total_params, s.trainable_params, s.non_trainable_params]).toEqual([
        facts.total,
        facts.trainable,
        facts.non_trainable,
      ]);
    },
  );

  it.each(MODELS.flatMap((m) => [`${m}.keras`, `${m}.h5`]))(
    '%s with its weights predicts what Keras predicted (rtol 1e-4)',
    async (file) => {
      const model = file.replace(/\.\w+$/, '');
      const read = await readModelFile(readFileSync(join(FIXTURES, file)), file);
      if (!read.ok) throw new Error(read.errors[0].message);
      expect(read.document.groups?.length).toBe(model === 'seq_in_func_in_func' ? 2 : 1);
      const expected = JSON.parse(readFileSync(join(FIXTURES, `${model}.predict.json`), 'utf8')) as {
        x: unknown[];
        y: number[][];
      };
      const shape = [expected.x.length];
      for (let v = expected.x[0]; Array.isArray(v); v = v[0]) shape.push(v.length);
      const x = Float32Array.from(expected.x.flat(Number.POSITIVE_INFINITY) as number[]);
      const { backend, issue } = await loadBackend('fast', { threads: 1 });
      if (issue) throw new Error(issue.message);
      try {
        const y = predict(read.document, { shape, data: x }, false, backend);
        if (!('data' in y)) throw new Error(y.message);
        const want = expected.y.flat();
        expect(y.shape).toEqual([expected.y.length, expected.y[0].length]);
        want.forEach((e, i) => expect(Math.abs(y.data[i] - e)).toBeLessThanOrEqual(1e-4 * Math.abs(e) + 1e-6));
      } finally {
        await disposeBackend(backend);
      }
    },
  );

  it('a project file keeps the nested models: the same groups and the same summary after saving and opening', async () => {
    const read = await readModelFile(readFileSync(join(FIXTURES, 'seq_in_func.keras')), 'seq_in_func.keras');
    if (!read.ok) throw new Error(read.errors[0].message);
    const doc = { ...read.document, groups: read.document.groups!.map((g) => ({ ...g, collapsed: true })) };
    const back = readProjectFile(writeProject(doc));
    if (!back.ok) throw new Error(back.errors[0].message);
    expect(back.warnings).toEqual([]);
    expect(back.document.groups).toEqual([
      { id: doc.groups[0].id, className: 'Sequential', name: 'stem', collapsed: true },
    ]);
    expect(back.document.nodes.filter((n) => n.group).map((n) => n.name)).toEqual([
      'stem_conv',
      'stem_bn',
      'stem_relu',
    ]);
    expect(summarize(back.document)).toEqual(summarize(doc));
  });

  it('a project file keeps a model nested two deep: the inner group names the outer as its parent', async () => {
    const file = 'seq_in_func_in_func.keras';
    const read = await readModelFile(readFileSync(join(FIXTURES, file)), file);
    if (!read.ok) throw new Error(read.errors[0].message);
    const back = readProjectFile(writeProject(read.document));
    if (!back.ok) throw new Error(back.errors[0].message);
    expect(back.warnings).toEqual([]);
    expect(back.document.groups).toEqual(read.document.groups);
    expect(
      read.document.groups!.map((g) => [g.name, read.document.groups!.find((p) => p.id === g.parent)?.name]),
    ).toEqual([
      ['mid', undefined],
      ['inner', 'mid'],
    ]);
    expect(summarize(back.document)).toEqual(summarize(read.document));
  });

  it('a project file whose nested models contain each other (a cycle of parents) leaves one in the outer model, with a warning', async () => {
    const file = 'seq_in_func_in_func.keras';
    const read = await readModelFile(readFileSync(join(FIXTURES, file)), file);
    if (!read.ok) throw new Error(read.errors[0].message);
    const saved = JSON.parse(writeProject(read.document));
    const [mid, inner] = saved.model.groups;
    mid.parent = inner.id;
    const back = readProjectFile(JSON.stringify(saved));
    if (!back.ok) throw new Error(back.errors[0].message);
    expect(back.warnings.map((w) => w.message)).toEqual([
      `the nested model "${mid.id}" names "${inner.id}" as the model it is in, which the file does not have (or which is in it); it is left in the outer model`,
    ]);
    // The cycle broken there, inner stays in mid.
    expect(back.document.groups!.map((g) => [g.name, g.parent])).toEqual([
      ['mid', undefined],
      ['inner', mid.id],
    ]);
  });

  it.each(MODELS)(
    "%s: the Keras JSON export equals Keras's own to_json() key for key, and reads back with the same groups",
    async (model) => {
      const text = readFileSync(join(FIXTURES, `${model}.json`), 'utf8');
      const read = readKerasJson(text);
      if (!read.ok) throw new Error(read.errors[0].message);
      const written = writeKerasJson(read.document);
      // Key order too: JSON.stringify of the parsed objects keeps it.
      expect(JSON.stringify(JSON.parse(written))).toBe(JSON.stringify(JSON.parse(text)));
      const back = readKerasJson(written);
      if (!back.ok) throw new Error(back.errors[0].message);
      expect(back.document.groups).toEqual(read.document.groups);
      expect(summarize(back.document)).toEqual(summarize(read.document));
    },
  );

  it("ConvNeXtTiny's Keras JSON export equals Keras's to_json() for every layer but its 18 `x + y` ops (Add layers)", () => {
    const text = gunzipSync(readFileSync(join(FIXTURES, '../applications/ConvNeXtTiny.json.gz'))).toString('utf8');
    const read = readKerasJson(text);
    if (!read.ok) throw new Error(read.errors[0].message);
    const ours = JSON.parse(writeKerasJson(read.document));
    const theirs = JSON.parse(text);
    const ops = new Set(
      theirs.config.layers
        .filter((l: { module: string }) => l.module === 'keras.src.ops.numpy')
        .map((l: { name: string }) => l.name),
    );
    expect(ops.size).toBe(18);
    const layers = (m: { config: { layers: { name: string }[] } }) => m.config.layers.filter((l) => !ops.has(l.name));
    expect(JSON.stringify(layers(ours))).toBe(JSON.stringify(layers(theirs)));
  });

  /** Each nested model as [class, name, the name of the model it is nested in], ids aside. */
  const nesting = (doc: Parameters<typeof summarize>[0]) =>
    (doc.groups ?? [])
      .map((g) => [g.className, g.name, doc.groups!.find((p) => p.id === g.parent)?.name ?? null])
      .sort();

  /** The summary without the node ids, which differ between readers. */
  const facts = (doc: Parameters<typeof summarize>[0]) => summarize(doc).layers.map(({ nodeId: _, ...row }) => row);

  it.each([...MODELS, 'ConvNeXtTiny'])(
    '%s: the Keras Python export reads back with the nested model as a group, and the same summary',
    async (model) => {
      const read =
        model === 'ConvNeXtTiny'
          ? readKerasJson(
              gunzipSync(readFileSync(join(FIXTURES, '../applications/ConvNeXtTiny.json.gz'))).toString('utf8'),
            )
          : await readModelFile(readFileSync(join(FIXTURES, `${model}.keras`)), `${model}.keras`);
      if (!read.ok) throw new Error(read.errors[0].message);
      const back = importKerasPython(exportKerasPython(read.document));
      if (!back.ok) throw new Error(back.errors[0].message);
      expect(back.warnings).toEqual([]);
      expect(nesting(back.document)).toEqual(nesting(read.document));
      expect(facts(back.document)).toEqual(facts(read.document));
    },
  );

  it('Python: a nested model used twice (shared weights) is refused at its second use, in one line', () => {
    const code = [
      'import keras',
      'from keras import layers',
      'inner = keras.Sequential([layers.Dense(4)], name="inner")',
      'x = keras.Input(shape=(4,))',
      'model = keras.Model(x, inner(inner(x)))',
    ].join('\n');
    const r = importKerasPython(code);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.message, e.location?.line])).toEqual([
      [
        "the model 'inner' is already used at line 5; using one model twice shares its weights, which LayerCanvas does not support",
        5,
      ],
    ]);
  });
});
