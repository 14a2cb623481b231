import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { dropout, dropoutGrad } from '../../../engine/kernels/dropout';
import { randomTensor } from './helpers';

describe('dropout (inverted, seeded)', () => {
  const x = randomTensor([100, 100], 61, 0.5, 1.5);

  it('rate 0.3 on x=[100,100] drops about 30% and scales the rest by 1/0.7', () => {
    const { y, mask } = dropout(x, 0.3, 7);
    const dropped = mask.filter((m) => m === 0).length / mask.length;
    expect(dropped).toBeGreaterThan(0.28);
    expect(dropped).toBeLessThan(0.32);
    const badMask = mask.findIndex((m) => m !== 0 && Math.abs(m - 1 / 0.7) > 1e-6);
    expect(badMask).toBe(-1);
    const badValue = y.data.findIndex((v, i) => Math.abs(v - x.data[i] * mask[i]) > 1e-6);
    expect(badValue).toBe(-1);
  });

  it('the same seed gives the same mask, another seed another mask', () => {
    expect(dropout(x, 0.5, 3).mask).toEqual(dropout(x, 0.5, 3).mask);
    expect(dropout(x, 0.5, 4).mask).not.toEqual(dropout(x, 0.5, 3).mask);
  });

  it('rate 0 is the identity; the gradient is dy times the mask', () => {
    expect(dropout(x, 0, 1).y.data.every((v, i) => v === x.data[i])).toBe(true);
    const { mask } = dropout(tensor([4], [1, 2, 3, 4]), 0.5, 9);
    expect(Array.from(dropoutGrad(tensor([4], [1, 1, 1, 1]), mask).data)).toEqual(Array.from(mask));
  });

  it('rejects a rate of 1, quoting it', () => {
    expect(() => dropout(x, 1, 0)).toThrow(/rate 1/);
  });
});
