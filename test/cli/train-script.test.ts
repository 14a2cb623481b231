// `layercanvas export --format keras-train`: the settings it writes (flags, else the project's last run), the data
// it puts beside the script, and its refusals. test/interop/test_keras_train.py runs the scripts in TensorFlow.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

let dir: string;
let model: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layercanvas-train-script-'));
  model = join(dir, 'mlp.py');
  writeFileSync(
    model,
    'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(4, activation="relu"), layers.Dense(2, activation="softmax")])\n',
  );
});

const setting = (script: string, key: string) => script.match(new RegExp(`"${key}": (.*),\\n`))?.[1];

describe('export --format keras-train', () => {
  it('writes the flags into SETTINGS, the model into build_model, and a generated dataset beside it as x/y .npy in an .npz', async () => {
    const out = join(dir, 'train.py');
    const r = await run(
      'export',
      model,
      '--format',
      'keras-train',
      '--dataset',
      'spirals',
      '--strategy',
      'mirrored',
      '--optimizer',
      'sgd',
      '--lr',
      '0.05',
      '--batch-size',
      '16',
      '--epochs',
      '3',
      '--seed',
      '4',
      '--subset',
      '100',
      '--out',
      out,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe(`wrote ${out} and ${join(dir, 'spirals.npz')}\n`);
    const script = readFileSync(out, 'utf8');
    expect([
      setting(script, 'data_kind'),
      setting(script, 'data'),
      setting(script, 'optimizer'),
      setting(script, 'learning_rate'),
    ]).toEqual(['"npz"', '"spirals.npz"', '"sgd"', '0.05']);
    expect([
      setting(script, 'batch_size'),
      setting(script, 'epochs'),
      setting(script, 'seed'),
      setting(script, 'strategy'),
    ]).toEqual(['16', '3', '4', '"mirrored"']);
    // The script's --subset default: a quick run on the first 100 samples, as `train --subset` does.
    expect(setting(script, 'subset')).toBe('100');
    expect(setting(script, 'loss')).toBe('"sparse_categorical_crossentropy"');
    expect(script).toContain('optimizer=keras.optimizers.SGD(learning_rate=args.learning_rate)');
    expect(script).toContain('def build_model():\n    model = keras.Sequential([\n        keras.Input(shape=(2,)),');
    const files = unzipSync(readFileSync(join(dir, 'spirals.npz')));
    const header = (name: string) =>
      new TextDecoder().decode(
        files[name].subarray(10, 10 + new DataView(files[name].buffer, files[name].byteOffset).getUint16(8, true)),
      );
    expect(header('x.npy')).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(400, 2\), \} *\n$/);
    expect(header('y.npy')).toMatch(/^\{'descr': '<i4', 'fortran_order': False, 'shape': \(400,\), \} *\n$/);
    expect((10 + header('x.npy').length) % 64).toBe(0);
    expect(files['x.npy'].length).toBe(10 + header('x.npy').length + 400 * 2 * 4);
  });

  it("takes unset settings from the project's last run", async () => {
    const trained = join(dir, 'trained.layercanvas.json');
    expect(
      (
        await run(
          'train',
          model,
          '--dataset',
          'circles',
          '--epochs',
          '2',
          '--batch-size',
          '8',
          '--optimizer',
          'rmsprop',
          '--out',
          trained,
        )
      ).code,
    ).toBe(0);
    const out = join(dir, 'from-run.py');
    expect((await run('export', trained, '--format', 'keras-train', '--out', out)).code).toBe(0);
    const script = readFileSync(out, 'utf8');
    expect([
      setting(script, 'data'),
      setting(script, 'optimizer'),
      setting(script, 'batch_size'),
      setting(script, 'epochs'),
    ]).toEqual(['"circles.npz"', '"rmsprop"', '8', '2']);
    expect(setting(script, 'strategy')).toBe('"default"');
    expect(setting(script, 'subset')).toBe('None');
  });

  it.each([
    [
      ['--dataset', 'circles', '--strategy', 'horovod'],
      "--strategy must be one of default, mirrored, multiworker, tpu, got 'horovod'",
    ],
    [['--strategy', 'tpu'], '--dataset is required'],
    [['--dataset', 'nowhere.csv'], "--dataset 'nowhere.csv' is neither a built-in dataset nor a file or folder"],
    [['--dataset', 'circles', '--epochs', '0'], "--epochs must be a whole number ≥ 1, got '0'"],
  ])('refuses %j in one line, exit 2', async (args, message) => {
    const r = await run('export', model, '--format', 'keras-train', ...args, '--out', join(dir, 'x.py'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('the training flags belong to keras-train only', async () => {
    const r = await run('export', model, '--format', 'keras-py', '--strategy', 'mirrored');
    expect([r.code, r.err.trim()]).toEqual([
      2,
      "layercanvas: --strategy goes with --format keras-train (run 'layercanvas --help' for usage)",
    ]);
  });
});
