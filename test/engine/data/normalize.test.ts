import { describe, expect, it } from 'vitest';
import { split } from '../../../engine/data/dataset';
import {
  applyNormalization,
  fitNormalization,
  normalize,
  normalizeSplits,
  prepareInputs,
} from '../../../engine/data/normalize';
import type { Dataset } from '../../../engine/data/types';

function table(rows: number[][]): Dataset {
  return {
    name: 't',
    description: '',
    x: Float32Array.from(rows.flat()),
    y: new Int32Array(rows.length),
    sampleShape: [rows[0].length],
    count: rows.length,
    normalization: [],
  };
}

const train = table([
  [1, 10],
  [2, 20],
  [3, 30],
  [4, 40],
]);
const validation = table([[5, 50]]);

describe('z-score', () => {
  it("fits the mean and population std of the training split, as sklearn's StandardScaler and keras Normalization.adapt do", () => {
    const stats = fitNormalization(train, 'z-score');
    if (stats.kind !== 'z-score') throw new Error('wrong kind');
    expect(stats.mean).toEqual([2.5, 25]);
    // sqrt(((1.5² + 0.5²) · 2) / 4) = sqrt(1.25) = 1.118034
    expect(stats.std[0]).toBeCloseTo(1.118034, 6);
    expect(stats.std[1]).toBeCloseTo(11.18034, 5);
  });

  it('applies the training statistics to validation data (StandardScaler gives 2.236068 for 5)', () => {
    const { stats, splits } = normalizeSplits({ train, validation }, 'z-score');
    expect(splits.validation.x[0]).toBeCloseTo(2.236068, 5);
    expect(splits.validation.x[1]).toBeCloseTo(2.236068, 5);
    expect(splits.validation.normalization).toEqual([stats]);
    // The training split itself ends with mean 0 and std 1 per feature.
    const t = splits.train.x;
    const col0 = [t[0], t[2], t[4], t[6]];
    const mean = col0.reduce((a, b) => a + b) / 4;
    expect(mean).toBeCloseTo(0, 6);
    expect(Math.sqrt(col0.reduce((a, b) => a + (b - mean) ** 2, 0) / 4)).toBeCloseTo(1, 6);
  });

  it('keeps a constant feature as it is instead of dividing by zero', () => {
    const d = table([
      [3, 1],
      [3, 2],
    ]);
    const out = normalize(d, fitNormalization(d, 'z-score'));
    expect(Array.from(out.x)).toEqual([0, -1, 0, 1]);
  });

  it('runs per channel on images (along the last axis)', () => {
    // 1×1×2 images: channel 0 is 0 or 2, channel 1 is 10 or 30.
    const images: Dataset = {
      ...table([
        [0, 10],
        [2, 30],
      ]),
      sampleShape: [1, 1, 2],
    };
    const stats = fitNormalization(images, 'z-score');
    expect(stats).toEqual({ kind: 'z-score', mean: [1, 20], std: [1, 10] });
  });
});

describe('min-max', () => {
  it("maps the training range to [0, 1] and reuses it (sklearn's MinMaxScaler gives 4/3 for 5)", () => {
    const { stats, splits } = normalizeSplits({ train, validation }, 'min-max');
    expect(stats).toEqual({ kind: 'min-max', min: [1, 10], max: [4, 40] });
    expect(Array.from(splits.train.x)).toEqual([0, 0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1, 1].map(Math.fround));
    expect(splits.validation.x[0]).toBeCloseTo(4 / 3, 6);
  });
});

describe('prepareInputs', () => {
  it('puts a raw prediction input through every step the dataset went through', () => {
    const fitted = normalizeSplits({ train, validation }, 'z-score').splits.train;
    const rescaled = normalize(fitted, { kind: 'rescale', scale: 2, offset: 1 });
    const raw = Float32Array.from([1, 10]);
    const expected = applyNormalization(
      applyNormalization(raw, fitted.normalization[0], 2),
      { kind: 'rescale', scale: 2, offset: 1 },
      2,
    );
    expect(Array.from(prepareInputs(raw, rescaled))).toEqual(Array.from(expected));
    // and it reproduces the first training row exactly
    expect(Array.from(prepareInputs(raw, rescaled))).toEqual(Array.from(rescaled.x.subarray(0, 2)));
  });

  it('fits on the training split only: validation values never move the statistics', () => {
    const all = table([[0], [0], [0], [100]]);
    const { train: tr, validation: va } = split(all, 0.25, null);
    const stats = fitNormalization(tr, 'min-max');
    expect(stats).toEqual({ kind: 'min-max', min: [0], max: [0] });
    expect(normalize(va, stats).x[0]).toBe(100);
  });
});
