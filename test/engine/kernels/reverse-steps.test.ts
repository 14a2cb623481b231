import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { reverseSteps } from '../../../engine/kernels/reverse-steps';
import { useFastBackend, useOneThreadBackend } from './fast-backend';
import { randomTensor, shapeText } from './helpers';

describe('reverseSteps (reference)', () => {
  it('[2, 3, 2]: each sample its own steps, last first', () => {
    const y = reverseSteps(tensor([2, 3, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    expect(y.shape).toEqual([2, 3, 2]);
    expect(Array.from(y.data)).toEqual([5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8]);
  });

  it('an empty batch stays empty', () => {
    expect(reverseSteps(tensor([0, 4, 3], [])).data.length).toBe(0);
  });
});

describe('reverseSteps in wasm: the reference bits on 1 and 2 threads', () => {
  const two = useFastBackend();
  const one = useOneThreadBackend();

  for (const shape of [
    [64, 16, 32], // the text template's Bidirectional(LSTM(16)) input
    [7, 13, 37], // odd widths
    [300, 1, 20], // one step: a copy
    [5, 9, 4, 3, 7], // a 4-D sequence (ConvLSTM-like)
    [2048, 64, 33], // above the threading threshold
  ])
    it(`x=${shapeText(shape)}: forward, and back to x`, () => {
      const x = randomTensor(shape, 3);
      const want = reverseSteps(x);
      for (const b of [one(), two()]) {
        const check = () => {
          const got = b.reverseSteps(x);
          expect(got.shape).toEqual(shape);
          expect(got.data.findIndex((v, i) => !Object.is(v, want.data[i]))).toBe(-1);
          expect(b.reverseSteps(got).data.findIndex((v, i) => !Object.is(v, x.data[i]))).toBe(-1);
        };
        b.stepScope(check);
        check();
      }
    });
});
