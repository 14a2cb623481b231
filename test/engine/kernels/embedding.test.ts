import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { embedding, embeddingGrad } from '../../../engine/kernels/embedding';
import { useFastBackend, useOneThreadBackend } from './fast-backend';
import { randomTensor } from './helpers';

const same = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  expect(a.findIndex((v, i) => !Object.is(v, b[i]))).toBe(-1);
};

describe('embedding (reference)', () => {
  const table = tensor([3, 2], [1, 2, 3, 4, 5, 6]);
  it('gathers row id for every id, and sums the gradient of repeated ids', () => {
    const ids = tensor([2, 2], [2, 0, 2, 1]);
    expect(Array.from(embedding(ids, table).data)).toEqual([5, 6, 1, 2, 5, 6, 3, 4]);
    const dy = tensor([2, 2, 2], [1, 1, 2, 2, 3, 3, 4, 4]);
    expect(Array.from(embeddingGrad(dy, ids, [3, 2]).data)).toEqual([2, 2, 4, 4, 4, 4]);
  });

  it('refuses an id outside the vocabulary with the fix', () => {
    expect(() => embedding(tensor([1], [3]), table)).toThrow(
      'Embedding: token id 3 is outside 0 … 2; raise input_dim to the vocabulary size',
    );
  });
});

describe('embedding in wasm: the reference bits on 1 and 2 threads', () => {
  const two = useFastBackend();
  const one = useOneThreadBackend();

  // The text template's 89 × 16 at batch 32 × 16 steps; a 5000-word vocabulary of 37-wide rows (a SIMD tail) where
  // few ids repeat; 7 ids only, so every row sums many tokens.
  for (const [vocab, dim, tokens] of [
    [89, 16, 512],
    [5000, 37, 4000],
    [7, 64, 3000],
  ])
    it(`vocab ${vocab} × ${dim}, ${tokens} tokens: gather and gradient`, () => {
      const ids = tensor(
        [tokens / 4, 4],
        Array.from(randomTensor([tokens], 9, 0, vocab).data, (v) => Math.min(vocab - 1, Math.floor(v))),
      );
      const table = randomTensor([vocab, dim], 10);
      const dy = randomTensor([tokens / 4, 4, dim], 11);
      const y = embedding(ids, table);
      const dE = embeddingGrad(dy, ids, table.shape);
      for (const b of [one(), two()])
        b.stepScope(() => {
          const got = b.embedding(ids, table);
          expect(got.shape).toEqual([tokens / 4, 4, dim]);
          same(got.data, y.data);
          same(b.embeddingGrad(dy, ids, table.shape).data, dE.data);
        });
      expect(() => two().embedding(tensor([tokens], new Float32Array(tokens).fill(vocab)), table)).toThrow(
        `token id ${vocab} is outside`,
      );
    });
});
