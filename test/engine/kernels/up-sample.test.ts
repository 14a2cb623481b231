// UpSampling2D's bilinear reference kernel (engine/kernels/up-sample.ts, moved there from the layer unchanged): TF's
// half-pixel rule on hand-checked cases, and the gradient as the forward's adjoint.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { upSampleBilinear, upSampleBilinearGrad } from '../../../engine/kernels/up-sample';
import { randomTensor, shapeText } from './helpers';

describe("UpSampling2D 'bilinear' (reference)", () => {
  it('[[1, 2], [3, 4]] by 2: tf.image.resize with half-pixel centres (sources at -0.25, 0.25, 0.75, 1.25, clamped)', () => {
    const x = tensor([1, 2, 2, 1], [1, 2, 3, 4]);
    const y = upSampleBilinear(x, [2, 2]);
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(y.data)).toEqual([
      1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4,
    ]);
    // Each source pixel's weights over the 16 outputs sum to 2 along each axis.
    const ones = tensor([1, 4, 4, 1], new Array(16).fill(1));
    expect(Array.from(upSampleBilinearGrad(ones, x.shape, [2, 2]).data)).toEqual([4, 4, 4, 4]);
  });

  it('[0, 3] by 3 along the width: sources at -1/3, 0, 1/3, 2/3, 1, 4/3; two channels kept apart', () => {
    const y = upSampleBilinear(tensor([1, 1, 2, 2], [0, 30, 3, -3]), [1, 3]);
    expect(y.shape).toEqual([1, 1, 6, 2]);
    [0, 30, 0, 30, 1, 19, 2, 8, 3, -3, 3, -3].forEach((v, i) => expect(y.data[i]).toBeCloseTo(v, 5));
  });

  const cases: { shape: number[]; size: [number, number] }[] = [
    { shape: [1, 1, 1, 1], size: [2, 3] },
    { shape: [2, 3, 4, 5], size: [2, 3] },
    { shape: [1, 5, 1, 37], size: [3, 1] },
    { shape: [3, 4, 4, 2], size: [2, 2] },
    { shape: [1, 2, 3, 1], size: [4, 5] },
  ];
  for (const { shape, size } of cases)
    it(`x=${shapeText(shape)} by ${size.join('×')}: <resize(x), dy> = <x, grad(dy)> in f64 within 1e-4`, () => {
      const x = randomTensor(shape, 31);
      const dy = randomTensor([shape[0], shape[1] * size[0], shape[2] * size[1], shape[3]], 32);
      const y = upSampleBilinear(x, size).data;
      const dx = upSampleBilinearGrad(dy, shape, size).data;
      let forward = 0,
        backward = 0,
        scale = 0;
      y.forEach((v, i) => {
        forward += v * dy.data[i];
        scale += Math.abs(v * dy.data[i]);
      });
      dx.forEach((v, i) => (backward += v * x.data[i]));
      expect(Math.abs(forward - backward)).toBeLessThanOrEqual(1e-4 * scale);
    });

  it('takes NHWC only, and dy of the enlarged shape: RangeError naming the shapes', () => {
    expect(() => upSampleBilinear(tensor([2, 3], [1, 2, 3, 4, 5, 6]), [2, 2])).toThrow(RangeError);
    expect(() => upSampleBilinear(tensor([2, 3], [1, 2, 3, 4, 5, 6]), [2, 2])).toThrow('[2,3]');
    expect(() => upSampleBilinearGrad(tensor([1, 4, 4, 1]), [1, 2, 3, 1], [2, 2])).toThrow(/\[1,4,4,1\].*\[1,4,6,1\]/);
  });
});
