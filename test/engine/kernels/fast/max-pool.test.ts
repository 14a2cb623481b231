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
  // Windows that tile the input (stride = size, no padding, C in whole vectors): the straight path, with a row and a
  // column (and, at 3×3, two of each) that no window covers.
  [[3, 27, 25, 8], 2, 2, 'valid'],
  [[2, 26, 29, 16], 3, 3, 'valid'],
  [[2, 24, 24, 4], 2, 2, 'same'],
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

    it('windows that tile the input: NaN never replaces a maximum, a −0 gradient lands as +0, uncovered values get 0', () => {
      const shape = [2, 65, 67, 4];
      const x = randomTensor(shape, 53);
      for (let i = 0; i < x.data.length; i += 7) x.data[i] = Number.NaN;
      for (let i = 3; i < x.data.length; i += 11) x.data[i] = x.data[i - 1]; // ties within a window's row
      const params = pool(2, 2, 'valid');
      const y = maxPool(x, params);
      expect(Array.from(fast().maxPool(x, params).data)).toEqual(Array.from(y.data));
      const dy = randomTensor(y.shape, 54);
      for (let i = 0; i < dy.data.length; i += 5) dy.data[i] = -0;
      const dx = fast().maxPoolGrad(dy, x, params).data;
      expect(Array.from(dx)).toEqual(Array.from(maxPoolGrad(dy, x, params).data));
      expect(dx.some((v) => Object.is(v, -0))).toBe(false);
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
