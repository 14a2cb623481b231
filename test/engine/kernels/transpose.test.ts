import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { transpose } from '../../../engine/kernels/transpose';
import { useFastBackend, useOneThreadBackend } from './fast-backend';
import { randomTensor, shapeText } from './helpers';

describe('transpose (reference)', () => {
  it('[1, 2, 3] with axes (0, 2, 1): rows become columns', () => {
    const y = transpose(tensor([1, 2, 3], [1, 2, 3, 4, 5, 6]), [0, 2, 1]);
    expect(y.shape).toEqual([1, 3, 2]);
    expect(Array.from(y.data)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('names axes that are not a permutation', () => {
    expect(() => transpose(randomTensor([2, 3], 1), [0, 0])).toThrow(
      'transpose axes [0,0] are not a permutation of the 2 axes of [2,3]',
    );
  });
});

describe('transpose in wasm: the reference bits on 1 and 2 threads', () => {
  const two = useFastBackend();
  const one = useOneThreadBackend();

  for (const [shape, axes] of [
    [
      [64, 7, 9, 33],
      [0, 2, 1, 3],
    ], // Permute((2, 1, 3)): rows of channels copied whole
    [
      [16, 28, 28, 5],
      [0, 3, 1, 2],
    ], // channels first: a strided gather
    [
      [8, 37, 130],
      [0, 2, 1],
    ],
    [
      [4, 3, 5, 7, 11],
      [0, 4, 2, 3, 1],
    ],
  ] as const)
    it(`x=${shapeText(shape)} axes=(${axes}): forward, and back by the inverse`, () => {
      const x = randomTensor([...shape], 2);
      const want = transpose(x, axes);
      const inverse = axes.map((_, i) => axes.indexOf(i as never));
      for (const b of [one(), two()])
        b.stepScope(() => {
          const got = b.transpose(x, axes);
          expect(got.shape).toEqual(want.shape);
          expect(got.data.findIndex((v, i) => !Object.is(v, want.data[i]))).toBe(-1);
          expect(b.transpose(got, inverse).data.findIndex((v, i) => !Object.is(v, x.data[i]))).toBe(-1);
        });
    });
});
