import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { matMul } from '../../../engine/kernels/matmul';
import { simdVariants, useFastBackend } from './fast-backend';
import { expectClose, maxAbs, numericGradient, randomTensor } from './helpers';

describe('matMul golden values', () => {
  it('a=[2,3] b=[3,2]: [[1,2,3],[4,5,6]]·[[7,8],[9,10],[11,12]] = [[58,64],[139,154]]', () => {
    const a = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = tensor([3, 2], [7, 8, 9, 10, 11, 12]);
    const y = matMul(a, b);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.data)).toEqual([58, 64, 139, 154]);
  });

  it('transposes read the operands as their transposes', () => {
    const at = tensor([3, 2], [1, 4, 2, 5, 3, 6]);
    const bt = tensor([2, 3], [7, 9, 11, 8, 10, 12]);
    expect(Array.from(matMul(at, bt, true, true).data)).toEqual([58, 64, 139, 154]);
  });

  it('rejects mismatched inner sizes, naming both shapes', () => {
    expect(() => matMul(tensor([2, 3]), tensor([2, 3]))).toThrow(/\[2,3\].*\[2,3\]/);
  });
});

describe('Dense gradients through matMul transposes match float64 central differences', () => {
  it('x=[3,4] W=[4,5]: dx = dy·Wᵀ, dW = xᵀ·dy', () => {
    const x = randomTensor([3, 4], 1);
    const w = randomTensor([4, 5], 2);
    const dy = randomTensor([3, 5], 3);
    expectClose(
      matMul(dy, w, false, true).data,
      numericGradient((t) => matMul(t, w), x, dy.data),
      1e-3,
      1e-4,
    );
    expectClose(
      matMul(x, dy, true, false).data,
      numericGradient((t) => matMul(x, t), w, dy.data),
      1e-3,
      1e-4,
    );
  });
});

describe.each(simdVariants)('matMul fast (wasm, %s) matches the reference', (variant) => {
  const fast = useFastBackend(variant);
  const cases: [number, number, number][] = [
    [1, 1, 1],
    [5, 7, 9],
    [4, 8, 8],
    [13, 17, 29],
    [64, 300, 33],
    [3, 1000, 2],
    [130, 257, 70],
    // Above the 4 MFLOP threading threshold (39 MFLOP): blocks of rows of C shared by two threads.
    [200, 513, 190],
  ];
  for (const [m, k, n] of cases)
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const)
      it(`a=[${ta ? `${k},${m}` : `${m},${k}`}] b=[${tb ? `${n},${k}` : `${k},${n}`}] transposeA=${ta} transposeB=${tb}`, () => {
        const a = randomTensor(ta ? [k, m] : [m, k], m + k);
        const b = randomTensor(tb ? [n, k] : [k, n], n + 7);
        const want = matMul(a, b, ta, tb);
        const got = fast().matMul(a, b, ta, tb);
        expect(got.shape).toEqual([m, n]);
        expectClose(got.data, want.data, 1e-4, 1e-5 * maxAbs(want.data));
      });
});
