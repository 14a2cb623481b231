import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { add, addGrad } from '../../../engine/kernels/add';
import { biasAdd, biasAddGrad } from '../../../engine/kernels/bias-add';
import { concat, concatGrad } from '../../../engine/kernels/concat';
import { zeroPad2d, zeroPad2dGrad } from '../../../engine/kernels/zero-pad2d';
import { expectClose, numericGradient, randomTensor } from './helpers';

describe('add with broadcasting of size-1 axes', () => {
  it('a=[2,3,1] + b=[1,4] → [2,3,4]', () => {
    const a = tensor([2, 3, 1], [0, 10, 20, 30, 40, 50]);
    const b = tensor([1, 4], [1, 2, 3, 4]);
    const y = add(a, b);
    expect(y.shape).toEqual([2, 3, 4]);
    expect(Array.from(y.data.slice(0, 8))).toEqual([1, 2, 3, 4, 11, 12, 13, 14]);
    expect(y.data[23]).toBe(54);
  });

  it('equal shapes add elementwise; incompatible shapes are named', () => {
    expect(Array.from(add(tensor([2], [1, 2]), tensor([2], [3, 4])).data)).toEqual([4, 6]);
    expect(() => add(tensor([2, 3]), tensor([2, 4]))).toThrow(/\[2,3\].*\[2,4\]/);
  });

  it('grads sum dy over the broadcast axes and match float64 central differences', () => {
    const a = randomTensor([2, 3, 1], 71);
    const b = randomTensor([1, 4], 72);
    const w = randomTensor([2, 3, 4], 73);
    const [da, db] = addGrad(w, a.shape, b.shape);
    expect(da.shape).toEqual([2, 3, 1]);
    expect(db.shape).toEqual([1, 4]);
    expectClose(
      da.data,
      numericGradient((t) => add(t, b), a, w.data),
      1e-3,
      1e-4,
    );
    expectClose(
      db.data,
      numericGradient((t) => add(a, t), b, w.data),
      1e-3,
      1e-4,
    );
  });
});

describe('concat and its gradient', () => {
  const a = tensor([2, 1, 2], [1, 2, 3, 4]);
  const b = tensor([2, 1, 1], [5, 6]);

  it('a=[2,1,2] b=[2,1,1] axis=-1 → [2,1,3]', () => {
    const y = concat([a, b], -1);
    expect(y.shape).toEqual([2, 1, 3]);
    expect(Array.from(y.data)).toEqual([1, 2, 5, 3, 4, 6]);
  });

  it('a=[2,1,2] a=[2,1,2] axis=1 → [2,2,2]', () => {
    expect(Array.from(concat([a, a], 1).data)).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
  });

  it('the gradient slices dy back into each part', () => {
    const [ga, gb] = concatGrad(tensor([2, 1, 3], [1, 2, 5, 3, 4, 6]), [a.shape, b.shape], -1);
    expect(Array.from(ga.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(gb.data)).toEqual([5, 6]);
  });

  it('mismatched other axes are rejected with both shapes', () => {
    expect(() => concat([a, tensor([3, 1, 1])], -1)).toThrow(/\[2,1,2\] vs \[3,1,1\]/);
  });
});

describe('bias add and zero padding', () => {
  it('biasAdd adds along the last axis; its gradient sums every other axis', () => {
    expect(Array.from(biasAdd(tensor([2, 2], [1, 2, 3, 4]), Float32Array.of(10, 20)).data)).toEqual([11, 22, 13, 24]);
    expect(Array.from(biasAddGrad(tensor([3, 2], [1, 2, 3, 4, 5, 6])))).toEqual([9, 12]);
  });

  it('zeroPad2d x=[1,2,2,1] pads=((1,0),(0,2)) → [1,3,4,1], and the gradient crops back', () => {
    const y = zeroPad2d(tensor([1, 2, 2, 1], [1, 2, 3, 4]), [
      [1, 0],
      [0, 2],
    ]);
    expect(y.shape).toEqual([1, 3, 4, 1]);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
    expect(
      Array.from(
        zeroPad2dGrad(y, [
          [1, 0],
          [0, 2],
        ]).data,
      ),
    ).toEqual([1, 2, 3, 4]);
  });
});
