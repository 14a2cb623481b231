import { describe, expect, it } from 'vitest';
import {
  batchCount,
  batches,
  classCounts,
  oneHot,
  permutation,
  preview,
  split,
  subset,
} from '../../../engine/data/dataset';
import type { Dataset } from '../../../engine/data/types';

/** Sample i is (i, 10·i) with label i mod 3: any mix-up between x and y shows. */
function numbered(count: number): Dataset {
  const x = new Float32Array(count * 2);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = 10 * i;
    y[i] = i % 3;
  }
  return {
    name: 'numbered',
    description: '',
    x,
    y,
    sampleShape: [2],
    numClasses: 3,
    classNames: ['a', 'b', 'c'],
    count,
    normalization: [],
  };
}

describe('permutation', () => {
  it('holds each index once and is the same for the same seed', () => {
    const p = permutation(1000, 7);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, 7)).toEqual(p);
    expect(permutation(1000, 8)).not.toEqual(p);
  });
});

describe('split', () => {
  it("gives validation count - floor(count × (1 - fraction)) samples, as Keras's validation_split counts", () => {
    // Keras: split_at = int(101 * (1 - 0.2)) = 80 → 80 train, 21 validation.
    const { train, validation } = split(numbered(101), 0.2, 3);
    expect(train.count).toBe(80);
    expect(validation.count).toBe(21);
    expect(train.x.length).toBe(160);
    expect(validation.y.length).toBe(21);
  });

  it('is a partition that keeps each sample with its label, and is deterministic per seed', () => {
    const d = numbered(50);
    const a = split(d, 0.3, 11);
    const ids = [...a.train.x.filter((_, k) => k % 2 === 0), ...a.validation.x.filter((_, k) => k % 2 === 0)].sort(
      (p, q) => p - q,
    );
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const part of [a.train, a.validation]) {
      for (let k = 0; k < part.count; k++) {
        const id = part.x[2 * k];
        expect(part.x[2 * k + 1]).toBe(10 * id);
        expect(part.y[k]).toBe(id % 3);
      }
    }
    const b = split(d, 0.3, 11);
    expect(b.validation.x).toEqual(a.validation.x);
    expect(split(d, 0.3, 12).validation.x).not.toEqual(a.validation.x);
  });

  it('with seed null takes the last samples in order, exactly as Keras does', () => {
    const { validation } = split(numbered(10), 0.3, null);
    expect(Array.from(validation.x.filter((_, k) => k % 2 === 0))).toEqual([7, 8, 9]);
  });
});

describe('batches', () => {
  it('covers every sample exactly once per epoch, keeping the last partial batch', () => {
    const d = numbered(103);
    const sizes: number[] = [];
    const seen: number[] = [];
    for (const b of batches(d, 10, { shuffle: true, seed: 5 })) {
      sizes.push(b.size);
      expect(b.xShape).toEqual([b.size, 2]);
      expect(b.x.length).toBe(b.size * 2);
      for (let k = 0; k < b.size; k++) {
        seen.push(b.x[2 * k]);
        expect(b.y[k]).toBe(b.x[2 * k] % 3);
      }
    }
    expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    expect(batchCount(103, 10)).toBe(11);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: 103 }, (_, i) => i));
  });

  it('gives the same order for the same seed and another for another seed', () => {
    const order = (seed: number) =>
      [...batches(numbered(40), 8, { shuffle: true, seed })].flatMap((b) =>
        Array.from(b.x.filter((_, k) => k % 2 === 0)),
      );
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
  });

  it('without shuffle yields the samples in order as views into the dataset', () => {
    const d = numbered(5);
    const list = [...batches(d, 2)];
    expect(list.map((b) => b.size)).toEqual([2, 2, 1]);
    expect(list[2].x.buffer).toBe(d.x.buffer);
    expect(Array.from(list[1].x)).toEqual([2, 20, 3, 30]);
  });

  it('slices regression targets of width 2 along with their samples', () => {
    const d = numbered(4);
    const targets = new Float32Array([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    const reg: Dataset = { ...d, y: targets, numClasses: undefined, classNames: undefined };
    for (const b of batches(reg, 3, { shuffle: true, seed: 9 })) {
      for (let k = 0; k < b.size; k++) expect([b.y[2 * k], b.y[2 * k + 1]]).toEqual([b.x[2 * k], b.x[2 * k] + 0.5]);
    }
  });
});

describe('oneHot', () => {
  it('matches keras.utils.to_categorical([0, 2, 1], 3)', () => {
    expect(Array.from(oneHot([0, 2, 1], 3))).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
  });
});

describe('subset, classCounts and preview', () => {
  it('subset keeps the first n samples', () => {
    const s = subset(numbered(10), 4);
    expect(s.count).toBe(4);
    expect(Array.from(s.y)).toEqual([0, 1, 2, 0]);
    expect(subset(numbered(3), 10).count).toBe(3);
  });

  it('classCounts counts the labels', () => {
    expect(classCounts(numbered(10))).toEqual([4, 3, 3]);
  });

  it('preview spreads k samples over the classes, with their labels and class names', () => {
    // A dataset sorted by class: the first 6 samples are all class 0, yet a preview of 6 shows every class twice.
    const d = numbered(30);
    const sortedOrder = Array.from({ length: 30 }, (_, i) => i).sort((a, b) => (a % 3) - (b % 3) || a - b);
    const x = new Float32Array(60);
    const y = new Int32Array(30);
    sortedOrder.forEach((src, k) => {
      x[2 * k] = d.x[2 * src];
      x[2 * k + 1] = d.x[2 * src + 1];
      y[k] = d.y[src];
    });
    const samples = preview({ ...d, x, y }, 6);
    expect(samples.map((s) => s.label)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(samples.map((s) => s.labelText)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    for (const s of samples) {
      expect(s.x[0] % 3).toBe(s.label);
      expect(s.x.length).toBe(2);
    }
  });
});
