// `predict` on TF.js models of the article's networks equals TF.js's own predict within 1e-4, in inference mode
// (BN on moving statistics) and training mode (BN on batch statistics), on both kernel backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTfjs } from '../../../engine/formats/tfjs';
import { disposeBackend, loadBackend } from '../../../engine/kernels/registry';
import type { Backend } from '../../../engine/kernels/types';
import { referenceBackend } from '../../../engine/kernels/reference';
import { predict } from '../../../cli/predict';
import { buildArticleCnn, buildArticleMlp, saveArtifacts, tf, type tfl } from '../../fixtures/tfjs/tfjs-models';

let fast: Backend;
beforeAll(async () => {
  const loaded = await loadBackend('fast', { threads: 2 });
  if (loaded.issue) throw new Error(loaded.issue.message);
  fast = loaded.backend;
});
afterAll(() => disposeBackend(fast));

function input(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 1.5);
}

async function parity(build: () => Promise<tfl.LayersModel>, shape: number[]) {
  const model = await build();
  const saved = await saveArtifacts(model);
  const imported = readTfjs(saved.modelJson, {
    read: (p) => (p === 'group1-shard1of1.bin' ? saved.weights : undefined),
  });
  if (!imported.ok) throw new Error(imported.errors[0].message);
  const x = input(shape, 1);
  const xt = tf.tensor(x, shape);
  const expectedInference = (model.predict(xt) as tf.Tensor).dataSync();
  const expectedTraining = (model.apply(xt, { training: true }) as tf.Tensor).dataSync();
  for (const backend of [referenceBackend, fast]) {
    for (const [training, expected] of [
      [false, expectedInference],
      [true, expectedTraining],
    ] as const) {
      const ours = predict(imported.document, { shape, data: x }, training, backend);
      if (!('data' in ours)) throw new Error(ours.message);
      expect(ours.data.length).toBe(expected.length);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(ours.data[i] - expected[i]));
      expect(worst, `${backend.name}, ${training ? 'training' : 'inference'} mode`).toBeLessThan(1e-4);
    }
  }
}

describe('predict equals TF.js', () => {
  it("the article's CNN, batch 4 of 28×28×3", () => parity(buildArticleCnn, [4, 28, 28, 3]), 60_000);
  it("the article's MLP, batch 8 of (1, 5)", () => parity(buildArticleMlp, [8, 1, 5]), 60_000);
});
