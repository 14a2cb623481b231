/**
 * "Keras code with weights": the exported Python ends by loading the weights JSON saved beside it. CPython is the
 * reference for the syntax (`python3 -m py_compile`); where numpy is installed, the code also runs against a
 * stand-in `keras` module that records every set_weights call, so the arrays Keras would receive are checked
 * value for value against the document's weights. Keras's weight order (gamma, beta, moving_mean,
 * moving_variance for BN) and its layer names are the trusted facts here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initializeWeights } from '../../../engine/train/initializers';
import { exportKerasPython } from '../../../engine/formats/keras-python';
import { writeWeightsJson } from '../../../engine/formats/weights-json';
import type { ModelDocument } from '../../../engine/graph/document';
import { getTemplate, TEMPLATES } from '../../../engine/graph/templates';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const hasNumpy = hasPython && spawnSync('python3', ['-c', 'import numpy']).status === 0;

const trained = (id: string, seed = 3): ModelDocument => {
  const doc = getTemplate(id)!.build();
  doc.weights = initializeWeights(doc, seed);
  return doc;
};

/** The layer names in `model.get_layer("…")` calls, in order. */
const loadedLayers = (code: string) =>
  [...code.matchAll(/model\.get_layer\("([^"]+)"\)\.set_weights/g)].map((m) => m[1]);

// A stand-in for Keras: builds nothing, records what set_weights receives.
const FAKE_KERAS = `
calls = []

class _Layer:
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return self


class _Layers:
    def __getattr__(self, name):
        return _Layer


layers = _Layers()


def Input(*args, **kwargs):
    return _Layer()


class _Target:
    def __init__(self, name):
        self.name = name

    def set_weights(self, values):
        calls.append((self.name, values))


class Model:
    def __init__(self, *args, **kwargs):
        pass

    def get_layer(self, name):
        return _Target(name)

    def summary(self):
        pass


Sequential = Model
`;

const RUNNER = `
import json, runpy, sys
import keras
try:
    runpy.run_path(sys.argv[1])
except ValueError as e:
    print(json.dumps({"error": str(e)}))
    sys.exit(0)
print(json.dumps({"calls": [[name, [{"shape": list(v.shape), "dtype": str(v.dtype), "data": [float(x) for x in v.reshape(-1)]} for v in values]] for name, values in keras.calls]}))
`;

function runWithFakeKeras(
  code: string,
  weightsJson: string,
  fileName = 'model.weights.json',
): { calls?: [string, { shape: number[]; dtype: string; data: number[] }[]][]; error?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lc-weights-py-'));
  mkdirSync(join(dir, 'fake', 'keras'), { recursive: true });
  writeFileSync(join(dir, 'fake', 'keras', '__init__.py'), FAKE_KERAS);
  writeFileSync(join(dir, 'model.py'), code);
  writeFileSync(join(dir, fileName), weightsJson);
  const r = spawnSync('python3', ['-c', RUNNER, join(dir, 'model.py')], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: join(dir, 'fake') },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('Keras Python with a weights loader', () => {
  it('names every layer with weights exactly once, in the model order, with Keras weight names and shapes', () => {
    const code = exportKerasPython(trained('cnn-bn-before-activation'), { weightsFile: 'mnist.weights.json' });
    expect(loadedLayers(code)).toEqual([
      'conv2d',
      'batch_normalization',
      'conv2d_1',
      'batch_normalization_1',
      'dense',
      'batch_normalization_2',
    ]);
    expect(code).toContain('model.get_layer("conv2d").set_weights([weight("conv2d", "kernel", (3, 3, 1, 32))])');
    expect(code).toContain('model.get_layer("batch_normalization").set_weights([');
    expect(code).toMatch(
      /weight\("batch_normalization", "gamma", \(32,\)\),\n\s+weight\("batch_normalization", "beta", \(32,\)\),\n\s+weight\("batch_normalization", "moving_mean", \(32,\)\),\n\s+weight\("batch_normalization", "moving_variance", \(32,\)\),/,
    );
    // 28 → 26 → 24 after two valid 3×3 convolutions, 12 after pooling: Flatten gives 12·12·32 = 4608. No bias: the
    // BN after it has beta.
    expect(code).toContain('model.get_layer("dense").set_weights([weight("dense", "kernel", (4608, 10))])');
    expect(code).toContain('weight("batch_normalization_2", "moving_variance", (10,))');
    expect(code).toContain('"mnist.weights.json"');
    // Loaded after the model is built, before the summary.
    expect(code.indexOf('model = keras.Sequential')).toBeLessThan(code.indexOf('set_weights'));
    expect(code.trimEnd().endsWith('model.summary()')).toBe(true);
  });

  it('without the option the code is the plain export; without weights it says so', () => {
    const doc = trained('article-mlp');
    expect(exportKerasPython(doc)).not.toContain('set_weights');
    const bare = exportKerasPython(getTemplate('article-mlp')!.build(), { weightsFile: 'w.json' });
    expect(bare).toContain('# LayerCanvas: this model has no trained weights to load.');
    expect(loadedLayers(bare)).toEqual([]);
  });

  it.skipIf(!hasPython)('compiles under python3 -m py_compile for every template and both flavours', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-weights-compile-'));
    const files = TEMPLATES.flatMap((t) =>
      (['keras3', 'tf.keras'] as const).map((flavor) => {
        const path = join(dir, `${t.id}-${flavor.replace('.', '_')}.py`);
        writeFileSync(path, exportKerasPython(trained(t.id), { flavor, weightsFile: `${t.id} "quoted".weights.json` }));
        return path;
      }),
    );
    const r = spawnSync('python3', ['-m', 'py_compile', ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasNumpy)(
    'run against a stand-in keras: each layer gets its float32 arrays, values and shapes exact, in Keras order',
    () => {
      for (const id of ['cnn-bn-before-activation', 'residual-block']) {
        const doc = trained(id, 11);
        const out = runWithFakeKeras(
          exportKerasPython(doc, { weightsFile: 'model.weights.json' }),
          writeWeightsJson(doc),
        );
        const expected = doc.nodes
          .filter((n) => doc.weights![n.id]?.length)
          .map((n) =>
            doc.weights![n.id].map((w) => ({
              shape: w.tensor.shape,
              dtype: 'float32',
              data: Array.from(w.tensor.data),
            })),
          );
        expect(out.calls!.map(([, values]) => values)).toEqual(expected);
      }
    },
  );

  it.skipIf(!hasNumpy)(
    'a weight of the wrong shape in the file stops with a message naming layer, weight and both shapes',
    () => {
      const doc = trained('article-mlp');
      const file = JSON.parse(writeWeightsJson(doc));
      file.dense_1.kernel.shape = [32, 16];
      const out = runWithFakeKeras(exportKerasPython(doc, { weightsFile: 'model.weights.json' }), JSON.stringify(file));
      expect(out.error).toMatch(
        /^dense_1\/kernel is \(32, 16\) with 512 values in .*model\.weights\.json, but the model needs \(16, 32\)$/,
      );
    },
  );
});
