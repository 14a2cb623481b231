import { describe, expect, it } from 'vitest';
import { activation } from '../../../engine/kernels/activations';
import type { FastBackend } from '../../../engine/kernels/fast/backend';
import { softmaxAxis, softmaxAxisGrad } from '../../../engine/kernels/softmax-axis';
import { transpose } from '../../../engine/kernels/transpose';
import { useFastBackend, useOneThreadBackend } from './fast-backend';
import { expectClose, maxAbs, randomTensor, shapeText } from './helpers';

const same = (a: Float32Array, b: Float32Array) => expect(a.findIndex((v, i) => !Object.is(v, b[i]))).toBe(-1);

describe('softmaxAxis (reference)', () => {
  it('along axis 1 of [2, 5, 3, 4] equals the last-axis softmax of the tensor with that axis moved last', () => {
    const x = randomTensor([2, 5, 3, 4], 1, -6, 6);
    const moved = activation(transpose(x, [0, 2, 3, 1]), 'softmax');
    same(softmaxAxis(x, 1).data, transpose(moved, [0, 3, 1, 2]).data);
  });

  it('names an axis out of range', () => {
    expect(() => softmaxAxis(randomTensor([2, 3], 1), 2)).toThrow('softmax axis 2 is out of range for [2,3]');
  });
});

describe('softmaxAxis in wasm: within float32 error, the same bits on 1 and 2 threads', () => {
  const two = useFastBackend();
  const one = useOneThreadBackend();

  // Inner sizes 448 (7 blocks of 64), 3 (lanes through the one-lane path only), 37 (vectors and a tail); the last
  // axis (the gradient's row path); a map big enough to thread.
  for (const [shape, axis] of [
    [[64, 7, 7, 64], 1],
    [[5, 300, 3], 1],
    [[7, 11, 37], 1],
    [[3, 13, 9, 40], 3],
    [[32, 10, 28, 28], 1],
  ] as const)
    it(`x=${shapeText(shape)} axis ${axis}: forward and gradient`, () => {
      const x = randomTensor([...shape], 3, -20, 20);
      const dy = randomTensor([...shape], 4);
      const y = softmaxAxis(x, axis);
      const dx = softmaxAxisGrad(dy, y, axis);
      const run = (b: FastBackend) =>
        b.stepScope(() => [
          Float32Array.from(b.softmaxAxis(x, axis).data),
          Float32Array.from(b.softmaxAxisGrad(dy, y, axis).data),
        ]);
      const [y2, dx2] = run(two());
      expectClose(y2, y.data, 2e-6, 1e-12);
      expectClose(dx2, dx.data, 1e-5, 1e-6 * maxAbs(dx.data));
      const [y1, dx1] = run(one());
      same(y1, y2);
      same(dx1, dx2);
    });

  it('a line with NaN gives NaN, as the reference; huge logits do not overflow', () => {
    const x = randomTensor([4, 50, 40], 5, -5, 5);
    x.data[7] = Number.NaN; // line (0, 7)
    for (let k = 0; k < 50; k++) x.data[k * 40 + 9] = 1e30; // line (0, 9): all equal and huge
    const got = two().softmaxAxis(x, 1).data;
    const want = softmaxAxis(x, 1).data;
    for (let k = 0; k < 50; k++) {
      expect(Number.isNaN(got[k * 40 + 7])).toBe(true);
      expect(got[k * 40 + 9]).toBe(Math.fround(1 / 50));
    }
    expect(Number.isNaN(want[7])).toBe(true);
  });
});
