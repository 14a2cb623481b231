import { describe, expect, it } from 'vitest';
import { zeroPad2d, zeroPad2dGrad } from '../../../../engine/kernels/zero-pad2d';
import { useFastBackend, useOneThreadBackend } from '../fast-backend';
import { randomTensor, shapeText } from '../helpers';

type Pads = [[number, number], [number, number]];

const same = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  expect(a.findIndex((v, i) => !Object.is(v, b[i]))).toBe(-1);
};

describe('zero padding and cropping in wasm give the reference bits on 1 and 2 threads', () => {
  const two = useFastBackend();
  const one = useOneThreadBackend();

  // Uneven pads on every side, one side only, 5 channels (no SIMD-friendly width), and a big map that threads.
  const cases: { x: number[]; pads: Pads }[] = [
    {
      x: [3, 17, 13, 5],
      pads: [
        [2, 1],
        [0, 3],
      ],
    },
    {
      x: [2, 30, 31, 8],
      pads: [
        [0, 0],
        [1, 0],
      ],
    },
    {
      x: [64, 28, 28, 32],
      pads: [
        [1, 1],
        [1, 1],
      ],
    },
  ];
  for (const { x: shape, pads } of cases)
    it(`x=${shapeText(shape)} pads=${JSON.stringify(pads)}: pad, crop back, and a crop of the input`, () => {
      const x = randomTensor(shape, 5);
      const padded = zeroPad2d(x, pads);
      for (const b of [one(), two()])
        b.stepScope(() => {
          const got = b.zeroPad2d(x, pads);
          expect(got.shape).toEqual(padded.shape);
          same(got.data, padded.data);
          // The crop of the padded map: back to x exactly (the gradient of padding, and Cropping2D's forward pass).
          same(b.zeroPad2dGrad(got, pads).data, x.data);
          same(b.zeroPad2dGrad(x, pads).data, zeroPad2dGrad(x, pads).data);
        });
    });

  it('pads of a whole image height or width, and crops that leave one pixel', () => {
    const x = randomTensor([4, 9, 11, 7], 6);
    const pads: Pads = [
      [9, 0],
      [0, 11],
    ];
    same(two().zeroPad2d(x, pads).data, zeroPad2d(x, pads).data);
    const crop: Pads = [
      [4, 4],
      [0, 10],
    ];
    same(two().zeroPad2dGrad(x, crop).data, zeroPad2dGrad(x, crop).data);
  });
});
