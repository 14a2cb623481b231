import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { batchNormInfer, batchNormTrain } from '../../../engine/kernels/batch-norm';
import { batchNormBackward } from '../../../engine/kernels/batch-norm-backward';
import { simdVariants, useFastBackend } from './fast-backend';
import { expectClose, numericGradient, randomTensor } from './helpers';

describe('batch norm golden values (Keras semantics)', () => {
  it('x=[4,2]: per-channel mean, biased variance (÷N) and normalized output, epsilon 0.001', () => {
    const x = tensor([4, 2], [1, 2, 2, 4, 3, 6, 4, 8]);
    const { y, saved } = batchNormTrain(x, null, null, 0.001);
    expect(Array.from(saved.mean)).toEqual([2.5, 5]);
    // Unbiased (÷3) would be 1.6667 and 6.6667.
    expectClose(saved.variance, [1.25, 5], 1e-7);
    expectClose(
      y.data,
      [-1.3411045, -1.3415066, -0.4470348, -0.4471689, 0.4470348, 0.4471689, 1.3411045, 1.3415066],
      1e-6,
    );
  });

  it('x=[2,2,2,1]: statistics run over batch, height and width', () => {
    const x = tensor([2, 2, 2, 1], [1, 2, 3, 4, 5, 6, 7, 8]);
    const { saved } = batchNormTrain(x, null, null, 0.001);
    expect(saved.mean[0]).toBe(4.5);
    expect(saved.variance[0]).toBe(5.25);
  });

  it('gamma and beta scale and shift: gamma=2 beta=0.5 on x=[1,1] with moving mean 1, variance 4', () => {
    const y = batchNormInfer(
      tensor([1, 1], [3]),
      Float32Array.of(1),
      Float32Array.of(4),
      Float32Array.of(2),
      Float32Array.of(0.5),
      0.001,
    );
    expectClose(y.data, [2.49975], 1e-6);
  });

  it('axis=1 normalizes the second axis of x=[2,3,2]', () => {
    const x = randomTensor([2, 3, 2], 31);
    const { saved } = batchNormTrain(x, null, null, 0.001, 1);
    for (let c = 0; c < 3; c++) {
      const vals = [0, 1].flatMap((b) => [0, 1].map((k) => x.data[(b * 3 + c) * 2 + k]));
      const mean = vals.reduce((a, v) => a + v, 0) / 4;
      expectClose(
        [saved.mean[c], saved.variance[c]],
        [mean, vals.reduce((a, v) => a + (v - mean) ** 2, 0) / 4],
        1e-5,
        1e-7,
      );
    }
  });
});

describe('batch norm backward matches float64 central differences', () => {
  for (const [shape, axis] of [
    [[6, 3], -1],
    [[2, 3, 4, 3], -1],
    [[2, 3, 2, 2], 1],
  ] as const) {
    it(`x=[${shape}] axis=${axis}: dx, dgamma, dbeta`, () => {
      const x = randomTensor([...shape], 32, -2, 3);
      const c = shape[axis < 0 ? shape.length + axis : axis];
      const gamma = randomTensor([c], 33, 0.5, 1.5);
      const beta = randomTensor([c], 34);
      const eps = 0.001;
      const { y, saved } = batchNormTrain(x, gamma.data, beta.data, eps, axis);
      const w = randomTensor(y.shape, 35);
      const grads = batchNormBackward(w, x, gamma.data, saved);
      const h = 1e-3;
      expectClose(
        grads.dx.data,
        numericGradient((t) => batchNormTrain(t, gamma.data, beta.data, eps, axis).y, x, w.data, h),
        2e-3,
        2e-3,
      );
      expectClose(
        grads.dgamma,
        numericGradient((g) => batchNormTrain(x, g.data, beta.data, eps, axis).y, gamma, w.data, h),
        2e-3,
        2e-3,
      );
      expectClose(
        grads.dbeta,
        numericGradient((b) => batchNormTrain(x, gamma.data, b.data, eps, axis).y, beta, w.data, h),
        2e-3,
        2e-3,
      );
    });
  }

  it('without gamma (scale=False) the gradient uses gamma = 1', () => {
    const x = randomTensor([5, 2], 36);
    const { saved } = batchNormTrain(x, null, null, 0.001);
    const w = randomTensor([5, 2], 37);
    const dx = batchNormBackward(w, x, null, saved).dx;
    expectClose(
      dx.data,
      numericGradient((t) => batchNormTrain(t, null, null, 0.001).y, x, w.data, 1e-3),
      2e-3,
      2e-3,
    );
  });
});

describe.each(simdVariants)('batch norm fast (wasm, %s) matches the reference', (variant) => {
  const fast = useFastBackend(variant);
  const cases: [number[], number, number][] = [
    [[8, 9, 9, 32], -1, 1],
    [[5, 17, 11, 20], -1, 1],
    // Mean 1000 and spread 1: the variance must not cancel.
    [[4, 16, 16, 16], -1, 1000],
    [[64, 9, 7, 8], -1, 1000],
    // Not SIMD-shaped (C = 3, or the channel axis not last): same results through the reference.
    [[6, 30, 30, 3], -1, 1],
    [[4, 8, 16, 16], 1, 1],
  ];
  for (const [shape, axis, offset] of cases)
    it(`x=[${shape}] axis=${axis} mean≈${offset}: training forward, inference forward, backward`, () => {
      const x = randomTensor(shape, 38, offset - 1, offset + 1);
      const c = shape[axis < 0 ? shape.length + axis : axis];
      const gamma = randomTensor([c], 39, 0.5, 1.5).data;
      const beta = randomTensor([c], 40).data;
      const want = batchNormTrain(x, gamma, beta, 0.001, axis);
      const got = fast().batchNormTrain(x, gamma, beta, 0.001, axis);
      expectClose(got.saved.mean, want.saved.mean, 1e-6, 1e-6);
      expectClose(got.saved.variance, want.saved.variance, 1e-4, 1e-7);
      // The wasm path subtracts a float32 mean (the reference a float64 one): at mean 1000 one float32 step of x is
      // 6e-5, so outputs may differ by a few of those times gamma·invStd.
      const yTol = 1e-4 + 4e-7 * offset;
      expectClose(got.y.data, want.y.data, 1e-4, yTol);
      expectClose(
        fast().batchNormInfer(x, want.saved.mean, want.saved.variance, gamma, beta, 0.001, axis).data,
        batchNormInfer(x, want.saved.mean, want.saved.variance, gamma, beta, 0.001, axis).data,
        1e-4,
        yTol,
      );
      const dy = randomTensor(shape, 41);
      const gw = batchNormBackward(dy, x, gamma, want.saved);
      const gf = fast().batchNormBackward(dy, x, gamma, want.saved);
      expectClose(gf.dbeta, gw.dbeta, 1e-4, 1e-3);
      expectClose(gf.dgamma, gw.dgamma, 1e-4, 1e-3);
      expectClose(gf.dx.data, gw.dx.data, 1e-3, 1e-4);
    });

  it('x=[8,9,9,32] scale=False and center=False (no gamma, no beta): forward and backward equal the reference', () => {
    const x = randomTensor([8, 9, 9, 32], 44, -2, 3);
    const want = batchNormTrain(x, null, null, 0.001);
    const got = fast().batchNormTrain(x, null, null, 0.001);
    expectClose(got.saved.mean, want.saved.mean, 1e-6, 1e-6);
    expectClose(got.saved.invStd, want.saved.invStd, 1e-5, 1e-7);
    expectClose(got.y.data, want.y.data, 1e-4, 1e-4);
    const dy = randomTensor([8, 9, 9, 32], 45);
    const gw = batchNormBackward(dy, x, null, want.saved);
    const gf = fast().batchNormBackward(dy, x, null, want.saved);
    expectClose(gf.dbeta, gw.dbeta, 1e-4, 1e-3);
    expectClose(gf.dgamma, gw.dgamma, 1e-4, 1e-3);
    expectClose(gf.dx.data, gw.dx.data, 1e-3, 1e-4);
  });

  it('x=[16,24,24,8] mean≈1000 after a border of zeros (its first 200 rows): the one-sweep variance does not cancel', () => {
    const x = randomTensor([16, 24, 24, 8], 42, 999, 1001);
    x.data.fill(0, 0, 200 * 8);
    const gamma = randomTensor([8], 43, 0.5, 1.5).data;
    const want = batchNormTrain(x, gamma, null, 0.001);
    const got = fast().batchNormTrain(x, gamma, null, 0.001);
    expectClose(got.saved.mean, want.saved.mean, 1e-6, 1e-6);
    expectClose(got.saved.variance, want.saved.variance, 1e-5, 1e-7);
  });
});
