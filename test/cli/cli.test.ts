// The `layercanvas` command in-process: outputs, exit codes (0 ok, 1 invalid model, 2 bad usage), and no stack traces.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, scratch } from './run-cli';
import { EXPORT_FORMATS } from '../../engine/formats/export';
import { readKerasFile } from '../../engine/formats/keras-file';
import { exportKerasPython } from '../../engine/formats/keras-python';
import { readProject } from '../../engine/formats/project';
import { getTemplate } from '../../engine/graph/templates';

const ARTICLE_CNN = readFileSync(new URL('../fixtures/python/article-cnn.py', import.meta.url), 'utf8');

const tmp = scratch();
const file = tmp.file;
let dir: string;
beforeAll(() => {
  tmp.make();
  dir = tmp.dir();
});

describe('layercanvas --help', () => {
  it('names every format export writes and every kind of model file the commands read', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const f of EXPORT_FORMATS) expect(r.out).toContain(f === 'keras-py' ? 'f: keras-py' : ` ${f}`);
    expect(r.out).toContain(`f: ${EXPORT_FORMATS.join(' | ')}`);
    for (const kind of ['.layercanvas.json', '.keras', '.h5', 'model.to_json()', 'TF.js', 'Keras Python'])
      expect(r.out).toContain(kind);
  });
});

describe('layercanvas summary', () => {
  it("prints the article CNN's Keras numbers once the missing comma is added", async () => {
    const fixed = file('cnn.py', ARTICLE_CNN.replace('(28, 28, 3) activation', '(28, 28, 3), activation'));
    const r = await run('summary', fixed);
    expect(r.code).toBe(0);
    expect(r.out).toContain(' Total params: 10,466 (40.88 KB)');
    expect(r.out).toContain(' Trainable params: 10,338 (40.38 KB)');
    expect(r.out).toContain(' Non-trainable params: 128 (512.00 B)');
  });
  it('--json gives the layers and totals as data; Sequential models have no InputLayer row', async () => {
    const fixed = file('cnn2.py', ARTICLE_CNN.replace('(28, 28, 3) activation', '(28, 28, 3), activation'));
    const r = await run('summary', fixed, '--json');
    const s = JSON.parse(r.out);
    expect(s.layers[0]).toEqual({
      name: 'conv2d',
      class_name: 'Conv2D',
      output_shape: [null, 26, 26, 32],
      params: 896,
    });
    expect(s.layers.at(-1)).toEqual({
      name: 'dense',
      class_name: 'Dense',
      output_shape: [null, 12, 12, 2],
      params: 66,
    });
    expect([s.total_params, s.trainable_params, s.non_trainable_params]).toEqual([10466, 10338, 128]);
  });
  it('functional models list their InputLayer row', async () => {
    const p = file(
      'res.layercanvas.json',
      (
        await run(
          'export',
          file('res.py', exportKerasPython(getTemplate('residual-block')!.build())),
          '--format',
          'project',
        )
      ).out,
    );
    const s = JSON.parse((await run('summary', p, '--json')).out);
    expect(s.layers[0]).toMatchObject({
      name: 'input_layer',
      class_name: 'InputLayer',
      output_shape: [null, 32, 32, 16],
    });
  });
  it("the article's snippet as written: exit 1 with the located missing comma, no stack trace", async () => {
    const r = await run('summary', file('broken.py', ARTICLE_CNN));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.py:4:\d+: missing comma/);
    expect(r.err).toContain("add ',' after input_shape=(28, 28, 3)");
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('layercanvas validate', () => {
  it('prints problems as "node: message (hint)" and exits 1 on an error', async () => {
    const p = file(
      'bad.py',
      'from keras import layers\nimport keras\nmodel = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Flatten(), layers.Conv2D(8, 3)])\n',
    );
    const r = await run('validate', p);
    expect(r.code).toBe(1);
    expect(r.out).toContain('conv2d: Conv2D expects a 4-D input (batch, height, width, channels), got (None, 784) (');
  });
  it('exits 0 with warnings only', async () => {
    const fixed = file('cnn3.py', ARTICLE_CNN.replace('(28, 28, 3) activation', '(28, 28, 3), activation'));
    const r = await run('validate', fixed);
    expect(r.code).toBe(0);
    expect(r.out).toContain('warning: dense: Dense is fed (None, 12, 12, 32)');
    expect(r.out).toContain('ok: 7 layers, 10,466 params, 3 warning(s)');
  });
});

describe('layercanvas export', () => {
  it('keras-py equals the exporter, and re-imports to the same summary', async () => {
    const project = file(
      'cnn.layercanvas.json',
      (await run('export', file('t.py', exportKerasPython(getTemplate('article-cnn')!.build())), '--format', 'project'))
        .out,
    );
    const out = join(dir, 'out.py');
    const r = await run('export', project, '--format', 'keras-py', '--out', out);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toBe(exportKerasPython(getTemplate('article-cnn')!.build()));
    expect(JSON.parse((await run('summary', out, '--json')).out).total_params).toBe(10466);
  });
  it('keras-json and tfjs write files that read back', async () => {
    const src = file('mlp.py', exportKerasPython(getTemplate('article-mlp')!.build()));
    const json = join(dir, 'mlp.json');
    expect((await run('export', src, '--format', 'keras-json', '--out', json)).code).toBe(0);
    expect(JSON.parse((await run('summary', json, '--json')).out).total_params).toBe(898);
    const tfjsDir = mkdtempSync(join(tmpdir(), 'layercanvas-tfjs-'));
    expect((await run('export', src, '--format', 'tfjs', '--out', join(tfjsDir, 'model.json'))).code).toBe(0);
    expect(JSON.parse((await run('summary', join(tfjsDir, 'model.json'), '--json')).out).total_params).toBe(898);
  });
  it('bad usage exits 2 with one line, no stack trace', async () => {
    const src = file('u.py', exportKerasPython(getTemplate('article-mlp')!.build()));
    for (const argv of [
      ['export', src],
      ['export', src, '--format', 'savedmodel'],
      ['summary'],
      ['summary', join(dir, 'missing.py')],
      ['frobnicate'],
      ['summary', src, '--bogus'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/^layercanvas: /);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
  it('a file in no known format exits 1 naming the formats', async () => {
    const r = await run('summary', file('notes.txt', 'hello there'));
    expect(r.code).toBe(1);
    expect(r.err.length).toBeGreaterThan(0);
  });
});

describe('layercanvas predict and train', () => {
  it('predict runs a model on {"shape","data"} and checks the shape', async () => {
    const src = file(
      'p.py',
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, activation="softmax")])\n',
    );
    const input = file('in.json', JSON.stringify({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }));
    const r = await run('predict', src, '--input', input);
    expect(r.code).toBe(0);
    const y = JSON.parse(r.out);
    expect(y.shape).toEqual([2, 2]);
    expect(y.data[0] + y.data[1]).toBeCloseTo(1, 5);
    const wrong = file('wrong.json', JSON.stringify({ shape: [1, 4], data: [1, 2, 3, 4] }));
    const bad = await run('predict', src, '--input', wrong);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('the input has shape [1, 4] but the model takes (None, 3)');
  });
  it('without the built kernels, says in one stderr line that it runs on the slow reference ones, why, and the fix', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'layercanvas-no-wasm-'));
    process.env.LAYERCANVAS_WASM_DIR = empty;
    try {
      const src = file(
        'ref.py',
        'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])\n',
      );
      const r = await run(
        'predict',
        src,
        '--input',
        file('ref.json', JSON.stringify({ shape: [1, 3], data: [1, 2, 3] })),
      );
      expect(r.code).toBe(0);
      // (The other stderr line says the model holds no weights.)
      const lines = r.err
        .trimEnd()
        .split('\n')
        .filter((l) => l.includes('kernels'));
      expect(lines).toEqual([
        `warning: running on the slow reference kernels: the fast WebAssembly kernels could not be loaded (kernels-simd.wasm is not in ${empty}). ` +
          'Fix: build them with `npm run build` (or `node scripts/build-wasm.mjs`) in the LayerCanvas folder, then restart.',
      ]);
    } finally {
      delete process.env.LAYERCANVAS_WASM_DIR;
    }
  });
  it('train on a generated dataset writes a project with trained weights and the run', async () => {
    const src = file(
      'm.py',
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(8, activation="relu"), layers.BatchNormalization(), layers.Dense(2, activation="softmax")])\n',
    );
    const out = join(dir, 'trained.layercanvas.json');
    const r = await run(
      'train',
      src,
      '--dataset',
      'circles',
      '--epochs',
      '2',
      '--batch-size',
      '32',
      '--compare-bn',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    // It says which kernels train: the fast ones, their SIMD flavour and threads.
    expect(r.err).toMatch(/kernels: WASM (relaxed )?SIMD · \d+ threads?\n/);
    expect(r.err).not.toContain('warning');
    expect(r.out).toMatch(/with BN: completed, loss [\d.]+, accuracy [\d.]+, val_accuracy [\d.]+/);
    expect(r.out).toMatch(/without BN: completed/);
    expect(r.out).toContain('epoch │ with BN');
    // The side-by-side table's column rules line up on every row.
    const table = r.out.split('\n').filter((l) => l.includes('│'));
    expect(table).toHaveLength(4);
    expect(new Set(table.map((l) => [...l].flatMap((c, i) => (c === '│' ? [i] : [])).join()))).toEqual(
      new Set(['6,38']),
    );
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    // One run holding both models, as the Train tab saves a comparison; the app lists it on opening.
    expect(saved.runs).toHaveLength(1);
    expect(saved.runs[0]).toMatchObject({
      compareBn: true,
      labels: ['model', 'without BN'],
      status: 'completed',
      config: { datasetId: 'circles', epochs: 2, batchSize: 32 },
    });
    const reopened = readProject(readFileSync(out, 'utf8'));
    expect(reopened.ok && reopened.runs?.[0].series.model.epochLoss).toHaveLength(2);
    expect(Object.keys(saved.weights)).toHaveLength(3);
    const predicted = await run(
      'predict',
      out,
      '--input',
      file('pts.json', JSON.stringify({ shape: [1, 2], data: [0.1, 0.2] })),
    );
    expect(predicted.code).toBe(0);
  });
  it('train --out model.keras writes the trained model as a Keras file that predict reads with its weights', async () => {
    const src = file(
      'k.py',
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(8, activation="relu"), layers.BatchNormalization(), layers.Dense(2, activation="softmax")])\n',
    );
    const out = join(dir, 'trained.keras');
    const r = await run('train', src, '--dataset', 'circles', '--epochs', '1', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`wrote ${out}\n`);
    const read = await readKerasFile(new Uint8Array(readFileSync(out)));
    if (!read.ok) throw new Error(read.errors[0].message);
    expect(Object.keys(read.document.weights ?? {})).toHaveLength(3);
    // Trained: BatchNormalization's moving statistics moved from their initial 0 and 1.
    const bn = read.document.nodes.find((n) => n.className === 'BatchNormalization')!;
    const mean = read.document.weights![bn.id].find((w) => w.name === 'moving_mean')!;
    expect(Array.from(mean.tensor.data).some((v) => v !== 0)).toBe(true);
    const predicted = await run(
      'predict',
      out,
      '--input',
      file('pts2.json', JSON.stringify({ shape: [1, 2], data: [0.1, 0.2] })),
    );
    expect(predicted.code, predicted.err).toBe(0);
    const { data } = JSON.parse(predicted.out);
    expect(data[0] + data[1]).toBeCloseTo(1, 5);
  });

  it('train --dataset reviews trains the text template: the loss falls epoch by epoch from chance', async () => {
    const src = file('text.py', exportKerasPython(getTemplate('text-lstm')!.build()));
    const r = await run('train', src, '--dataset', 'reviews', '--subset', '640', '--epochs', '3', '--lr', '0.01');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('dataset: reviews, 640 samples of (16,)');
    const losses = [...r.err.matchAll(/^epoch \d\/3: loss (\d+\.\d+)/gm)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(3);
    expect(losses[0]).toBeGreaterThan(0.6);
    expect(losses[2]).toBeLessThan(losses[0] * 0.9);
  });

  it('train --dataset reviews trains the text template with LSTM dropout and recurrent_dropout: the loss falls from chance', async () => {
    const code = exportKerasPython(getTemplate('text-lstm')!.build());
    const withDropout = code.replace(/layers\.LSTM\((\d+)/, 'layers.LSTM($1, dropout=0.2, recurrent_dropout=0.2');
    expect(withDropout).toContain('recurrent_dropout=0.2');
    const r = await run(
      'train',
      file('text-dropout.py', withDropout),
      '--dataset',
      'reviews',
      '--subset',
      '640',
      '--epochs',
      '5',
      '--lr',
      '0.01',
    );
    expect(r.code, r.err).toBe(0);
    const losses = [...r.err.matchAll(/^epoch \d\/5: loss (\d+\.\d+)/gm)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(5);
    expect(losses[0]).toBeGreaterThan(0.6);
    expect(losses[4]).toBeLessThan(losses[0] * 0.9);
  });

  it('export weights-json writes Keras weight order for a trained model and refuses a model without weights', async () => {
    const src = file(
      'w.py',
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3), layers.BatchNormalization()])\n',
    );
    const none = await run('export', src, '--format', 'weights-json');
    expect(none.code).toBe(1);
    expect(none.err).toContain('holds no weights to export');
    const model = file(
      'w2.py',
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3), layers.BatchNormalization(), layers.Dense(2, activation="softmax")])\n',
    );
    const trained = join(dir, 'w.layercanvas.json');
    expect((await run('train', model, '--dataset', 'circles', '--epochs', '1', '--out', trained)).code).toBe(0);
    const w = JSON.parse((await run('export', trained, '--format', 'weights-json')).out);
    expect(Object.keys(w)).toEqual(['dense', 'batch_normalization', 'dense_1']);
    expect(Object.keys(w.batch_normalization)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(w.dense.kernel).toMatchObject({ shape: [2, 3], dtype: 'float32' });
    expect(w.dense.kernel.data).toHaveLength(6);
  });

  it('export keras-py --weights writes the weights JSON and the code that loads it, named relative to the code', async () => {
    const model = file(
      'kw.py',
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3), layers.BatchNormalization(), layers.Dense(2, activation="softmax")])\n',
    );
    const trained = join(dir, 'kw.layercanvas.json');
    expect((await run('train', model, '--dataset', 'circles', '--epochs', '1', '--out', trained)).code).toBe(0);
    const code = join(dir, 'out', 'kw.py');
    const weights = join(dir, 'out', 'w', 'kw.weights.json');
    mkdirSync(join(dir, 'out', 'w'), { recursive: true });
    const r = await run('export', trained, '--format', 'keras-py', '--out', code, '--weights', weights);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe(`wrote ${weights} and ${code}\n`);
    const py = readFileSync(code, 'utf8');
    expect(py).toContain('"w/kw.weights.json")');
    expect(py).toContain(
      'model.get_layer("dense").set_weights([weight("dense", "kernel", (2, 3)), weight("dense", "bias", (3,))])',
    );
    expect(Object.keys(JSON.parse(readFileSync(weights, 'utf8')))).toEqual(['dense', 'batch_normalization', 'dense_1']);
  });
  it('export keras-py without --weights warns that a trained model loses them; --weights is refused where it has no place', async () => {
    const model = file(
      'kw2.py',
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(2, activation="softmax")])\n',
    );
    const trained = join(dir, 'kw2.layercanvas.json');
    expect((await run('train', model, '--dataset', 'circles', '--epochs', '1', '--out', trained)).code).toBe(0);
    const without = await run('export', trained, '--format', 'keras-py');
    expect(without.code).toBe(0);
    expect(without.err).toContain('holds trained weights; keras-py leaves them out (add --weights model.weights.json');
    expect((await run('export', model, '--format', 'keras-py')).err).toBe('');
    const noOut = await run('export', trained, '--format', 'keras-py', '--weights', join(dir, 'x.json'));
    expect([noOut.code, noOut.err]).toEqual([
      2,
      "layercanvas: --weights needs --out: the code finds the weights file beside itself (run 'layercanvas --help' for usage)\n",
    ]);
    const json = await run(
      'export',
      trained,
      '--format',
      'keras-json',
      '--out',
      join(dir, 'x.json'),
      '--weights',
      join(dir, 'y.json'),
    );
    expect(json.code).toBe(2);
    expect(json.err).toContain('--weights goes with --format keras-py');
    const untrained = await run(
      'export',
      model,
      '--format',
      'keras-py',
      '--out',
      join(dir, 'u.py'),
      '--weights',
      join(dir, 'u.json'),
    );
    expect(untrained.code).toBe(1);
    expect(untrained.err).toContain('the model holds no weights to export');
  });

  it('export --format onnx writes a model onnxruntime-node runs like predict; refuses a model without weights and stdout', async () => {
    const model = file(
      'ox.py',
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3), layers.BatchNormalization(), layers.Dense(2, activation="softmax")])\n',
    );
    const none = await run('export', model, '--format', 'onnx', '--out', join(dir, 'none.onnx'));
    expect([none.code, none.err]).toEqual([
      1,
      `layercanvas: ${model}: the model holds no weights to export as ONNX (train it first, or open a TF.js model or a trained project file)\n`,
    ]);
    const trained = join(dir, 'ox.layercanvas.json');
    expect((await run('train', model, '--dataset', 'circles', '--epochs', '1', '--out', trained)).code).toBe(0);
    expect((await run('export', trained, '--format', 'onnx')).err).toContain(
      '--out is required for onnx (a binary file)',
    );
    const out = join(dir, 'ox.onnx');
    expect((await run('export', trained, '--format', 'onnx', '--out', out)).code).toBe(0);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(readFileSync(out));
    const x = [0.3, -0.2, 0.9, 0.1];
    const got = (await session.run({ input_layer: new ort.Tensor('float32', Float32Array.from(x), [2, 2]) }))[
      session.outputNames[0]
    ];
    const want = JSON.parse(
      (await run('predict', trained, '--input', file('ox.json', JSON.stringify({ shape: [2, 2], data: x })))).out,
    );
    expect(got.dims).toEqual(want.shape);
    Array.from(got.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want.data[i], 5));
  });
});

describe('binary files and folders given as the model', () => {
  const binary = join(__dirname, '../fixtures/binary');

  it.each(['tiny.keras', 'tiny.h5'])('summary %s: Keras files read (the Dense model Keras saved)', async (name) => {
    const r = await run('summary', join(binary, name));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/dense \(Dense\) +│ \(None, 2\) +│ +10 │/);
  });

  it.each(['tiny.weights.h5', 'savedmodel/saved_model.pb'])(
    'summary %s: exit 1 with one line, no Python errors',
    async (name) => {
      const r = await run('summary', join(binary, name));
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/invalid character|U\+0003|SyntaxError/);
      expect(r.out).toBe('');
    },
  );

  it('a SavedModel folder: exit 1 with what to do', async () => {
    const r = await run('validate', join(binary, 'savedmodel'));
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(
      `${join(binary, 'savedmodel')}: savedmodel is a TensorFlow SavedModel folder; LayerCanvas can't read SavedModels (in Python, export model.to_json() to a .json file, or save the model as .keras)`,
    );
  });
});
