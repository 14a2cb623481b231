import { describe, expect, it } from 'vitest';
import { tensor } from '../../../../engine/core/tensor';
import { maxPool, maxPoolGrad } from '../../../../engine/kernels/max-pool';
import type { Padding, PoolParams } from '../../../../engine/kernels/types';
import { simdVariants, useFastBackend } from '../fast-backend';
import { randomTensor, shapeText } from '../helpers';

const pool = (k: number, s: number, padding: Padding): PoolParams => ({ poolSize: [k, k], strides: [s, s], padding });

// All ≥ 16384 values (the wasm path): C a multiple of 4 (SIMD lanes) and not (the scalar loop), padded and not.
const CASES = [
  [[8, 24, 24, 32], 2, 2, 'valid'],
  [[4, 33, 31, 5], 2, 2, 'same'],
  [[2, 29, 30, 12], 3, 2, 'same'],
  [[1, 40, 41, 11], 3, 1, 'valid'],
] as const;

for (const variant of simdVariants)
  describe(`max pooling, fast backend (${variant}) against the reference`, () => {
    const fast = useFastBackend(variant);
    for (const [shape, k, s, p] of CASES)
      it(`x=${shapeText(shape)} pool=${k} s=${s} p=${p}: forward and gradient are identical`, () => {
        const x = randomTensor([...shape], 51);
        const params = pool(k, s, p);
        const y = maxPool(x, params);
        expect(Array.from(fast().maxPool(x, params).data)).toEqual(Array.from(y.data));
        const dy = randomTensor(y.shape, 52);
        expect(Array.from(fast().maxPoolGrad(dy, x, params).data)).toEqual(Array.from(maxPoolGrad(dy, x, params).data));
      });

    it('ties send the gradient to the first maximum of each window, in SIMD lanes and the scalar loop', () => {
      for (const c of [4, 3]) {
        const x = tensor([1, 128, 128, c], new Float32Array(128 * 128 * c).fill(1));
        const params = pool(2, 2, 'valid');
        const dy = tensor([1, 64, 64, c], new Float32Array(64 * 64 * c).fill(1));
        expect(Array.from(fast().maxPoolGrad(dy, x, params).data)).toEqual(Array.from(maxPoolGrad(dy, x, params).data));
      }
    });
  });
