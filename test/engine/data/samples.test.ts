// Windows of a dataset, as the `samples` request and the renderer's imported datasets cut them.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../engine/data/types';
import { MAX_SAMPLES, sampleAt, sampleWindow } from '../../../engine/data/samples';

const classes: Dataset = {
  name: 'tiny',
  description: '',
  x: Float32Array.from({ length: 10 * 4 }, (_, i) => i),
  y: Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]),
  sampleShape: [2, 2],
  numClasses: 3,
  count: 10,
  normalization: [],
};
const regression: Dataset = {
  name: 'r',
  description: '',
  x: Float32Array.from([1, 2, 3]),
  y: Float32Array.from([0.5, 1.25, 2, 3.5, 4, 5.123456]),
  sampleShape: [1],
  count: 3,
  normalization: [],
};

describe('sampleWindow', () => {
  it('copies samples offset … offset + count − 1 row-major, with their labels and numbered class names', () => {
    const w = sampleWindow(classes, 'train', ['train'], 2, 3);
    expect(w).toMatchObject({
      total: 10,
      offset: 2,
      count: 3,
      sampleShape: [2, 2],
      classNames: ['0', '1', '2'],
      targetSize: 1,
    });
    expect(Array.from(w.x)).toEqual(Array.from({ length: 12 }, (_, i) => 8 + i));
    expect(Array.from(w.y)).toEqual([2, 0, 1]);
    w.x[0] = -1;
    expect(classes.x[8]).toBe(8);
  });

  it('clips at the end of the split and at MAX_SAMPLES', () => {
    expect(sampleWindow(classes, 'train', ['train'], 8, 5).count).toBe(2);
    expect(sampleWindow(classes, 'train', ['train'], 12, 5).count).toBe(0);
    const big: Dataset = { ...classes, x: new Float32Array(1000 * 4), y: new Int32Array(1000), count: 1000 };
    expect(sampleWindow(big, 'train', ['train'], 0, 1000).count).toBe(MAX_SAMPLES);
  });

  it('reads a sample back: its class name, or its regression targets to 4 significant digits', () => {
    const w = sampleWindow({ ...classes, classNames: ['a', 'b', 'c'] }, 'test', ['train', 'test'], 0, 4);
    expect(sampleAt(w, 1)).toMatchObject({ label: 1, labelText: 'b' });
    expect(Array.from(sampleAt(w, 1).x)).toEqual([4, 5, 6, 7]);
    const r = sampleWindow(regression, 'train', ['train'], 1, 2);
    expect(r.targetSize).toBe(2);
    expect(r.classNames).toEqual([]);
    expect(sampleAt(r, 1)).toMatchObject({ label: null, labelText: '4, 5.123' });
  });
});
