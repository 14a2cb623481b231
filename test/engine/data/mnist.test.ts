import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classCounts } from '../../../engine/data/dataset';
import type { MnistSplits } from '../../../engine/data/mnist';
import { mnistFromDigitArrays } from '../../../engine/data/mnist';
import { loadMnist, mnistDigitsFolder } from '../../../engine/data/node/mnist-files';

let splits: MnistSplits;

beforeAll(async () => {
  const r = await loadMnist();
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  splits = r.value;
});

const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;

describe('built-in MNIST', () => {
  it('has 10,000 digits split 8,000 / 2,000, shaped (28, 28, 1), labels 0–9', () => {
    const { train, test } = splits;
    expect(train.count).toBe(8000);
    expect(test.count).toBe(2000);
    expect(train.sampleShape).toEqual([28, 28, 1]);
    expect(train.x.length).toBe(8000 * 784);
    expect(test.x.length).toBe(2000 * 784);
    expect(train.numClasses).toBe(10);
    expect(train.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const part of [train, test]) {
      expect(part.y).toBeInstanceOf(Int32Array);
      expect(Math.min(...part.y)).toBe(0);
      expect(Math.max(...part.y)).toBe(9);
    }
  });

  it('keeps every class in both splits in proportion (stratified)', () => {
    const trainCounts = classCounts(splits.train);
    const testCounts = classCounts(splits.test);
    for (let d = 0; d < 10; d++) {
      expect(trainCounts[d]).toBeGreaterThan(600);
      const share = trainCounts[d] / (trainCounts[d] + testCounts[d]);
      expect(share).toBeGreaterThan(0.79);
      expect(share).toBeLessThan(0.81);
    }
    // The package's class sizes: the 1s are the most numerous, the 5s the fewest, as in MNIST itself.
    const totals = trainCounts.map((n, d) => n + testCounts[d]);
    expect(totals.reduce((a, b) => a + b)).toBe(10000);
    expect(totals.indexOf(Math.max(...totals))).toBe(1);
    expect(totals.indexOf(Math.min(...totals))).toBe(5);
  });

  it('holds real pixel data: values in [0, 1], mean intensity near the well-known 0.13 of MNIST', () => {
    const x = splits.train.x;
    let min = Infinity;
    let max = -Infinity;
    for (const v of x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // torchvision normalizes MNIST with mean 0.1307 (train) / 0.1325 (test).
    expect(mean(x)).toBeGreaterThan(0.12);
    expect(mean(x)).toBeLessThan(0.145);
  });

  it('mixes the digits in each split, so any prefix has all ten', () => {
    expect(new Set(splits.train.y.subarray(0, 100)).size).toBe(10);
    expect(new Set(splits.test.y.subarray(0, 100)).size).toBe(10);
  });

  it('labels a known sample right: the package file 7.json first digit appears in the splits labelled 7', () => {
    const folder = mnistDigitsFolder()!;
    const raw = (JSON.parse(readFileSync(join(folder, '7.json'), 'utf8')) as { data: number[] }).data.slice(0, 784);
    const target = Float32Array.from(raw);
    const find = (part: typeof splits.train) => {
      for (let i = 0; i < part.count; i++) {
        const img = part.x.subarray(i * 784, (i + 1) * 784);
        if (img.every((v, k) => v === target[k])) return part.y[i];
      }
      return -1;
    };
    const label = find(splits.train);
    expect(label === -1 ? find(splits.test) : label).toBe(7);
  });

  it('is learnable: a nearest-class-mean classifier fit on train scores far above chance on test', () => {
    // Real digits give ~80% with this classifier; noise or shuffled labels would give ~10%.
    const { train, test } = splits;
    const centroids = Array.from({ length: 10 }, () => new Float64Array(784));
    const counts = new Array(10).fill(0);
    for (let i = 0; i < train.count; i++) {
      const c = train.y[i];
      counts[c]++;
      for (let k = 0; k < 784; k++) centroids[c][k] += train.x[i * 784 + k];
    }
    centroids.forEach((m, c) => m.forEach((v, k) => (m[k] = v / counts[c])));
    let right = 0;
    for (let i = 0; i < test.count; i++) {
      let best = -1;
      let bestDist = Infinity;
      for (let c = 0; c < 10; c++) {
        let dist = 0;
        for (let k = 0; k < 784; k++) dist += (test.x[i * 784 + k] - centroids[c][k]) ** 2;
        if (dist < bestDist) {
          bestDist = dist;
          best = c;
        }
      }
      if (best === test.y[i]) right++;
    }
    expect(right / test.count).toBeGreaterThan(0.7);
  });

  it('is the same split every load (cached), and subset(n) gives n training digits', async () => {
    const again = await loadMnist();
    expect(again.ok && again.value.train).toBe(splits.train);
    const small = await loadMnist({ subset: 100 });
    if (!small.ok) throw new Error('subset failed');
    expect(small.value.train.count).toBe(100);
    expect(small.value.test.count).toBe(25);
    expect(Array.from(small.value.train.y)).toEqual(Array.from(splits.train.y.subarray(0, 100)));
  });
});

describe('mnistFromDigitArrays', () => {
  it('rejects arrays that are not whole 28×28 images, naming the digit', () => {
    const arrays = Array.from({ length: 10 }, () => new Array(784).fill(0));
    arrays[3] = new Array(700).fill(0);
    const r = mnistFromDigitArrays(arrays);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toBe('digit 3 has 700 values, not a multiple of 28 × 28 = 784');
  });

  it('rejects a pixel outside [0, 1]', () => {
    const arrays = Array.from({ length: 10 }, () => new Array(784).fill(0));
    arrays[2][5] = 255;
    const r = mnistFromDigitArrays(arrays);
    expect(!r.ok && r.errors[0].message).toBe('digit 2, sample 0 has the pixel value 255, outside [0, 1]');
  });
});
