import { describe, expect, it } from 'vitest';
import { tensor } from '../../../../engine/core/tensor';
import { biasAdd, biasAddGrad } from '../../../../engine/kernels/bias-add';
import { simdVariants, useFastBackend } from '../fast-backend';
import { expectClose, maxAbs, randomTensor, shapeText } from '../helpers';

// Large enough for the wasm path (≥ 16384 values), with channel counts that leave a tail of 1–3 lanes.
const SHAPES = [
  [8, 26, 26, 32],
  [7, 13, 11, 37],
  [5000, 7],
  [3, 2731, 2],
  [16384, 1],
];

for (const variant of simdVariants)
  describe(`bias add, fast backend (${variant}) against the reference`, () => {
    const fast = useFastBackend(variant);
    for (const shape of SHAPES)
      it(`x=${shapeText(shape)}: bias add equals the reference exactly; the gradient within f32 summation error`, () => {
        const c = shape[shape.length - 1];
        const x = randomTensor(shape, 31);
        const bias = randomTensor([c], 32).data;
        expect(Array.from(fast().biasAdd(x, bias).data)).toEqual(Array.from(biasAdd(x, bias).data));
        const rows = x.data.length / c;
        // The reference sums in f64; the kernel in f32 blocks of 64 rows: error ≲ 64 · 2⁻²⁴ · Σ|dy| per channel.
        expectClose(fast().biasAddGrad(x), biasAddGrad(x), 1e-5, rows * 64 * 2 ** -24 * maxAbs(x.data));
      });

    it('the gradient of rows of ones counts the rows in every channel, tail included', () => {
      const dy = tensor([4099, 5], new Float32Array(4099 * 5).fill(1));
      expect(Array.from(fast().biasAddGrad(dy))).toEqual([4099, 4099, 4099, 4099, 4099]);
    });

    it('is deterministic: the same dy gives bit-identical gradients', () => {
      const dy = randomTensor([8, 24, 24, 32], 33);
      expect(Array.from(fast().biasAddGrad(dy))).toEqual(Array.from(fast().biasAddGrad(dy)));
    });
  });
