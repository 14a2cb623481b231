import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { affine } from '../../../engine/kernels/affine';
import { useFastBackend, useOneThreadBackend } from './fast-backend';
import { randomTensor, shapeText } from './helpers';

const f = Math.fround;

describe('affine (reference): float32 operations in Keras order', () => {
  it('Rescaling 1/255 − 1: x · f32(1/255) rounded, then + (−1) rounded', () => {
    const x = tensor([4], [0, 128, 255, 37]);
    const y = affine(x, { scale: Float32Array.of(1 / 255), shift: Float32Array.of(-1) });
    expect(Array.from(y.data)).toEqual([0, 128, 255, 37].map((v) => f(f(v * f(1 / 255)) - 1)));
  });

  it('Normalization: (x − mean) / std per channel, not x times 1/std', () => {
    const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const mean = Float32Array.of(0.1, 0.2, 0.3),
      std = Float32Array.of(3, 7, 0.3);
    const y = affine(x, { scale: std, center: mean, divide: true });
    expect(Array.from(y.data)).toEqual([1, 2, 3, 4, 5, 6].map((v, i) => f(f(v - mean[i % 3]) / std[i % 3])));
  });

  it('names the vector whose length fits neither the channels nor one value', () => {
    expect(() => affine(randomTensor([2, 5], 1), { scale: new Float32Array(3) })).toThrow(
      'affine scale has 3 values but the last axis of [2,5] is 5',
    );
  });
});

describe('affine in wasm: the reference bits, on 1 thread and on 2 in a step', () => {
  const two = useFastBackend();
  const one = useOneThreadBackend();

  // Channels 1, 3 (RGB: rows of 12 lanes), 5, 64 and 37; sizes with a partial last row; one big map that threads.
  for (const shape of [
    [4099, 1],
    [5, 31, 29, 3],
    [7, 13, 11, 5],
    [64, 28, 28, 64],
    [301, 37],
  ])
    it(`x=${shapeText(shape)}: scale·x + shift, (x − center) / scale, per channel and one value for all`, () => {
      const c = shape[shape.length - 1];
      const x = randomTensor(shape, 3, -4, 4);
      const params = [
        { scale: randomTensor([c], 4).data, shift: randomTensor([c], 5).data },
        { scale: randomTensor([c], 6, 0.5, 2).data, center: randomTensor([c], 7).data, divide: true },
        { scale: Float32Array.of(1 / 255), shift: Float32Array.of(0.5) },
        { scale: randomTensor([c], 8).data },
      ];
      for (const p of params) {
        const want = affine(x, p).data;
        for (const b of [one(), two()])
          b.stepScope(() => {
            const got = b.affine(x, p).data;
            expect(got.findIndex((v, i) => !Object.is(v, want[i]))).toBe(-1);
          });
      }
    });
});
