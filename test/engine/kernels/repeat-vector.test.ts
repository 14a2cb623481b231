// RepeatVector: the reference on a hand-checked case, and the wasm kernels (a copy forward, the float32 sum in step
// order backward: the same bits) on odd widths, n = 1 and a size that threads, on 1 thread and on 2, in a step and out.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { repeatVector, repeatVectorGrad } from '../../../engine/kernels/repeat-vector';
import { useFastBackend, useOneThreadBackend } from './fast-backend';
import { randomTensor, shapeText } from './helpers';

describe('repeatVector (reference)', () => {
  it('[2, 3] × 2: each row twice; the gradient sums them back', () => {
    const y = repeatVector(tensor([2, 3], [1, 2, 3, 4, 5, 6]), 2);
    expect(y.shape).toEqual([2, 2, 3]);
    expect(Array.from(y.data)).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
    const dx = repeatVectorGrad(tensor([2, 2, 3], [1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60]));
    expect(dx.shape).toEqual([2, 3]);
    expect(Array.from(dx.data)).toEqual([11, 22, 33, 44, 55, 66]);
  });
});

describe('repeatVector in wasm: the reference bits on 1 and 2 threads', () => {
  const two = useFastBackend();
  const one = useOneThreadBackend();
  for (const [shape, n] of [
    [[64, 32], 16], // an LSTM encoder's state repeated for its decoder
    [[7, 37], 5], // odd widths: vectors and a tail
    [[300, 20], 1], // n = 1: a copy
    [[4096, 33], 9], // above the threading threshold
  ] as const)
    it(`x=${shapeText(shape)} n=${n}: forward, and the gradient of a random dy`, () => {
      const x = randomTensor([...shape], 5);
      const dy = randomTensor([shape[0], n, shape[1]], 6);
      const want = repeatVector(x, n),
        wantDx = repeatVectorGrad(dy);
      for (const b of [one(), two()]) {
        const check = () => {
          const y = b.repeatVector(x, n),
            dx = b.repeatVectorGrad(dy);
          expect(y.shape).toEqual(want.shape);
          expect(y.data.findIndex((v, i) => !Object.is(v, want.data[i]))).toBe(-1);
          expect(dx.shape).toEqual(wantDx.shape);
          expect(dx.data.findIndex((v, i) => !Object.is(v, wantDx.data[i]))).toBe(-1);
        };
        b.stepScope(check);
        check();
      }
    });
});
