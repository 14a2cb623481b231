// Re-estimating BN statistics (PreciseBN): the moving mean and variance become the average over N training
// batches of each batch's per-channel mean and biased variance, computed here by hand; nothing else changes.
import { describe, expect, it } from 'vitest';
import { batches } from '../../../engine/data/dataset';
import type { Dataset } from '../../../engine/data/types';
import { chainDocument } from '../../../engine/graph/build';
import { loadBackend } from '../../../engine/kernels/registry';
import { compileModel } from '../../../engine/train/executor';
import { reestimateBnStatistics } from '../../../engine/train/precise-bn';

const doc = chainDocument([
  { className: 'InputLayer', config: { shape: [2, 2, 3] } },
  { className: 'BatchNormalization' },
  { className: 'Dense', config: { units: 2 } },
]);

/** 40 samples of (2, 2, 3): channel c drawn around 2c − 1 with a spread growing with c. */
function data(): Dataset {
  const count = 40;
  const x = new Float32Array(count * 12);
  let state = 7;
  const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  for (let i = 0; i < x.length; i++) {
    const c = i % 3;
    x[i] = 2 * c - 1 + (c + 1) * rand();
  }
  return {
    name: 'toy',
    description: '',
    x,
    y: new Int32Array(count),
    sampleShape: [2, 2, 3],
    numClasses: 2,
    count,
    normalization: [],
  };
}

describe('reestimateBnStatistics', () => {
  it('sets moving_mean and moving_variance to the average of the batches’ own statistics, leaving gamma, beta and Dense alone', async () => {
    const { backend } = await loadBackend('reference');
    const compiled = compileModel(doc, 3);
    if (!compiled.ok) throw new Error(compiled.message);
    const model = compiled.model;
    const bn = model.nodes.find((n) => n.def.className === 'BatchNormalization')!;
    const dense = model.nodes.find((n) => n.def.className === 'Dense')!;
    const kernel = dense.weights.kernel.data.slice();
    const gamma = bn.weights.gamma.data.slice();
    const d = data();

    const info = reestimateBnStatistics(model, d, { batches: 3, batchSize: 8, seed: 5, backend });
    expect(info).toEqual({ batches: 3, samples: 24, layers: [bn.name] });

    // By hand: the same three shuffled batches, each channel's mean and biased variance, averaged.
    const mean = [0, 0, 0];
    const variance = [0, 0, 0];
    let k = 0;
    for (const b of batches(d, 8, { shuffle: true, seed: 5 * 1000003 + 7 })) {
      if (k++ === 3) break;
      for (let c = 0; c < 3; c++) {
        const v = Array.from(b.x).filter((_, i) => i % 3 === c);
        const m = v.reduce((a, x) => a + x, 0) / v.length;
        mean[c] += m / 3;
        variance[c] += v.reduce((a, x) => a + (x - m) ** 2, 0) / v.length / 3;
      }
    }
    for (let c = 0; c < 3; c++) {
      expect(bn.weights.moving_mean.data[c]).toBeCloseTo(mean[c], 5);
      expect(bn.weights.moving_variance.data[c]).toBeCloseTo(variance[c], 4);
    }
    expect(Array.from(bn.weights.moving_mean.data)).not.toEqual([0, 0, 0]);
    expect(dense.weights.kernel.data).toEqual(kernel);
    expect(bn.weights.gamma.data).toEqual(gamma);
  });

  it('averages over what there is when the data has fewer batches than asked, and does nothing without BN', async () => {
    const { backend } = await loadBackend('reference');
    const compiled = compileModel(doc, 3);
    if (!compiled.ok) throw new Error(compiled.message);
    expect(
      reestimateBnStatistics(compiled.model, data(), { batches: 100, batchSize: 16, seed: 0, backend }),
    ).toMatchObject({ batches: 3, samples: 40 });
    const plain = compileModel(
      chainDocument([
        { className: 'InputLayer', config: { shape: [4] } },
        { className: 'Dense', config: { units: 2 } },
      ]),
      0,
    );
    if (!plain.ok) throw new Error(plain.message);
    const four: Dataset = { ...data(), x: new Float32Array(40 * 4), sampleShape: [4] };
    expect(reestimateBnStatistics(plain.model, four, { batches: 10, batchSize: 8, seed: 0, backend })).toEqual({
      batches: 0,
      samples: 0,
      layers: [],
    });
  });
});
