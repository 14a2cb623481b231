import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { avgPool, avgPoolGrad } from '../../../engine/kernels/avg-pool';
import {
  globalAvgPool,
  globalAvgPoolGrad,
  globalMaxPool,
  globalMaxPoolGrad,
} from '../../../engine/kernels/global-pool';
import { maxPool, maxPoolGrad } from '../../../engine/kernels/max-pool';
import type { Padding, PoolParams } from '../../../engine/kernels/types';
import { useFastBackend } from './fast-backend';
import { expectClose, numericGradient, randomTensor, shapeText } from './helpers';

const pool = (k: number, s: number, padding: Padding): PoolParams => ({ poolSize: [k, k], strides: [s, s], padding });
const iota = (shape: number[], sign = 1) =>
  tensor(
    shape,
    Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => sign * (i + 1)),
  );

describe('max pooling', () => {
  it('x=[1,4,4,1] pool=2 s=2 p=valid takes each window maximum', () => {
    expect(Array.from(maxPool(iota([1, 4, 4, 1]), pool(2, 2, 'valid')).data)).toEqual([6, 8, 14, 16]);
  });

  it('x=[1,3,3,1] pool=2 s=2 p=same: padding never wins, even over negative values', () => {
    expect(Array.from(maxPool(iota([1, 3, 3, 1], -1), pool(2, 2, 'same')).data)).toEqual([-1, -3, -7, -9]);
  });

  it('the gradient goes to the first maximum of a tied window, as in TensorFlow', () => {
    const x = tensor([1, 2, 2, 1], [5, 5, 5, 5]);
    expect(Array.from(maxPoolGrad(tensor([1, 1, 1, 1], [2]), x, pool(2, 2, 'valid')).data)).toEqual([2, 0, 0, 0]);
  });

  for (const [shape, k, s, p] of [
    [[2, 5, 5, 3], 2, 2, 'same'],
    [[1, 7, 6, 2], 3, 2, 'valid'],
    [[1, 4, 4, 1], 3, 1, 'same'],
  ] as const)
    it(`gradient x=${shapeText(shape)} pool=${k} s=${s} p=${p} matches float64 central differences`, () => {
      const x = randomTensor([...shape], 21);
      const params = pool(k, s, p);
      const w = randomTensor(maxPool(x, params).shape, 22);
      expectClose(
        maxPoolGrad(w, x, params).data,
        numericGradient((t) => maxPool(t, params), x, w.data, 1e-3),
        1e-3,
        1e-3,
      );
    });
});

describe('average pooling', () => {
  it('x=[1,3,3,1] pool=2 s=2 p=same averages only the real elements', () => {
    // Windows {1,2,4,5}, {3,6}, {7,8}, {9}: a zero-padded average would give 3, 2.25, 3.75, 2.25.
    expect(Array.from(avgPool(iota([1, 3, 3, 1]), pool(2, 2, 'same')).data)).toEqual([3, 4.5, 7.5, 9]);
  });

  it('x=[1,4,4,1] pool=2 s=2 p=valid', () => {
    expect(Array.from(avgPool(iota([1, 4, 4, 1]), pool(2, 2, 'valid')).data)).toEqual([3.5, 5.5, 11.5, 13.5]);
  });

  for (const [shape, k, s, p] of [
    [[2, 5, 5, 3], 2, 2, 'same'],
    [[1, 7, 6, 2], 3, 2, 'valid'],
    [[1, 5, 4, 1], 3, 1, 'same'],
  ] as const)
    it(`gradient x=${shapeText(shape)} pool=${k} s=${s} p=${p} matches float64 central differences`, () => {
      const x = randomTensor([...shape], 23);
      const params = pool(k, s, p);
      const w = randomTensor(avgPool(x, params).shape, 24);
      expectClose(
        avgPoolGrad(w, x.shape, params).data,
        numericGradient((t) => avgPool(t, params), x, w.data),
        1e-3,
        1e-3,
      );
    });
});

describe('global pooling', () => {
  const x = tensor([2, 2, 1, 2], [1, -1, 3, -5, 2, 7, 6, 0]);

  it('global average of x=[2,2,1,2] per sample and channel', () => {
    expect(Array.from(globalAvgPool(x).data)).toEqual([2, -3, 4, 3.5]);
    expect(Array.from(globalAvgPoolGrad(tensor([2, 2], [2, 4, 6, 8]), x.shape).data)).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
  });

  it('global max of x=[2,2,1,2] and its gradient to the maximum', () => {
    expect(Array.from(globalMaxPool(x).data)).toEqual([3, -1, 6, 7]);
    expect(Array.from(globalMaxPoolGrad(tensor([2, 2], [1, 2, 3, 4]), x).data)).toEqual([0, 2, 1, 0, 0, 4, 3, 0]);
  });

  it('gradients of x=[2,3,4,5] match float64 central differences', () => {
    const r = randomTensor([2, 3, 4, 5], 25);
    const w = randomTensor([2, 5], 26);
    expectClose(globalAvgPoolGrad(w, r.shape).data, numericGradient(globalAvgPool, r, w.data), 1e-3, 1e-4);
    expectClose(globalMaxPoolGrad(w, r).data, numericGradient(globalMaxPool, r, w.data, 1e-3), 1e-3, 1e-3);
  });
});

describe('average pooling fast backend matches the reference', () => {
  const fast = useFastBackend();
  for (const [shape, k, s, p] of [
    [[2, 5, 5, 3], 2, 2, 'same'],
    [[1, 7, 6, 2], 3, 2, 'valid'],
    [[3, 9, 8, 5], 3, 1, 'same'],
    [[1, 4, 4, 1], 2, 3, 'same'],
    // Large enough for the wasm kernels: 37 channels (vectors and a tail of 1), overlapping 'same' windows whose
    // counts shrink at the edges, tiling windows, and stride 3 over 2×2 windows (pixels no window holds: dx 0).
    [[4, 30, 29, 37], 3, 2, 'same'],
    [[8, 28, 28, 32], 2, 2, 'valid'],
    [[2, 40, 33, 5], 3, 1, 'same'],
    [[3, 23, 23, 16], 2, 3, 'valid'],
  ] as const)
    it(`x=${shapeText(shape)} pool=${k} s=${s} p=${p}: forward and gradient`, () => {
      const x = randomTensor([...shape], 27);
      const params = pool(k, s, p);
      const y = avgPool(x, params);
      const dy = randomTensor(y.shape, 28);
      expectClose(fast().avgPool(x, params).data, y.data, 1e-5, 1e-6);
      expectClose(fast().avgPoolGrad(dy, x.shape, params).data, avgPoolGrad(dy, x.shape, params).data, 1e-5, 1e-6);
    });
});
