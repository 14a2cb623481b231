import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import {
  depthwiseConv2d,
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
} from '../../../engine/kernels/depthwise-conv2d';
import type { FastBackend } from '../../../engine/kernels/fast/backend';
import type { ConvParams, Padding } from '../../../engine/kernels/types';
import { useFastBackend, useOneThreadBackend } from './fast-backend';
import { expectClose, maxAbs, numericGradient, randomTensor, shapeText } from './helpers';

const params = (s: number, padding: Padding, d = 1): ConvParams => ({ strides: [s, s], padding, dilations: [d, d] });

describe('depthwiseConv2d golden values', () => {
  it('x=[1,2,2,2] f=[2,2,2,2] p=valid: output channel c·m+j uses filter[..,c,j]', () => {
    // Channel 0 holds 1..4, channel 1 holds 10..40 (interleaved NHWC).
    const x = tensor([1, 2, 2, 2], [1, 10, 2, 20, 3, 30, 4, 40]);
    // filter[ky,kx,c,j]: j=0 sums the window, j=1 takes only the top-left tap.
    const f = tensor([2, 2, 2, 2], [1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    const y = depthwiseConv2d(x, f, params(1, 'valid'));
    expect(y.shape).toEqual([1, 1, 1, 4]);
    expect(Array.from(y.data)).toEqual([10, 1, 100, 10]);
  });
});

const cases: { x: number[]; f: number[]; s: number; p: Padding; d?: number }[] = [
  { x: [1, 5, 5, 2], f: [3, 3, 2, 1], s: 1, p: 'same' },
  { x: [2, 6, 5, 3], f: [2, 2, 3, 2], s: 2, p: 'valid' },
  { x: [1, 7, 7, 1], f: [3, 3, 1, 3], s: 2, p: 'same' },
  { x: [1, 8, 7, 2], f: [3, 2, 2, 1], s: 1, p: 'valid', d: 2 },
];

describe('depthwiseConv2d gradients match float64 central differences', () => {
  for (const c of cases) {
    it(`x=${shapeText(c.x)} f=${shapeText(c.f)} s=${c.s} p=${c.p}${c.d ? ` d=${c.d}` : ''}`, () => {
      const p = params(c.s, c.p, c.d);
      const x = randomTensor(c.x, 4);
      const f = randomTensor(c.f, 5);
      const w = randomTensor(depthwiseConv2d(x, f, p).shape, 6);
      expectClose(
        depthwiseConv2dBackpropInput(w, f, c.x, p).data,
        numericGradient((t) => depthwiseConv2d(t, f, p), x, w.data),
        1e-3,
        1e-3,
      );
      expectClose(
        depthwiseConv2dBackpropFilter(x, w, c.f, p).data,
        numericGradient((t) => depthwiseConv2d(x, t, p), f, w.data),
        1e-3,
        1e-3,
      );
    });
  }
});

describe('depthwiseConv2d fast backend matches the reference', () => {
  const fast = useFastBackend();
  const fastCases: typeof cases = [
    { x: [2, 9, 9, 4], f: [3, 3, 4, 2], s: 2, p: 'same' },
    { x: [1, 7, 8, 5], f: [3, 3, 5, 1], s: 1, p: 'same' },
    { x: [3, 10, 9, 3], f: [2, 3, 3, 3], s: 2, p: 'valid', d: 1 },
    { x: [1, 12, 12, 6], f: [3, 3, 6, 1], s: 1, p: 'valid', d: 2 },
  ];
  for (const c of fastCases)
    it(`x=${shapeText(c.x)} f=${shapeText(c.f)} s=${c.s} p=${c.p}${c.d ? ` d=${c.d}` : ''}: forward and both gradients`, () => {
      const p = params(c.s, c.p, c.d);
      const x = randomTensor(c.x, 7);
      const f = randomTensor(c.f, 8);
      const y = depthwiseConv2d(x, f, p);
      const dy = randomTensor(y.shape, 9);
      expectClose(fast().depthwiseConv2d(x, f, p).data, y.data);
      expectClose(
        fast().depthwiseConv2dBackpropInput(dy, f, x.shape, p).data,
        depthwiseConv2dBackpropInput(dy, f, x.shape, p).data,
      );
      expectClose(
        fast().depthwiseConv2dBackpropFilter(x, dy, f.shape, p).data,
        depthwiseConv2dBackpropFilter(x, dy, f.shape, p).data,
        1e-5,
        1e-5,
      );
    });
});

describe('depthwiseConv2d in wasm (any depth_multiplier): the reference within f32 error, the same bits on 1 thread as on 2', () => {
  const two = useFastBackend();
  const one = useOneThreadBackend();
  // Channels 37 (two 16-channel blocks, a vector, a single), 4, 1 and 128 (times the multiplier); strides, dilation, 5×5 and 3×2 windows,
  // padding on both sides; sizes above the 4 MFLOP threading threshold (MobileNet's 3×3 on 128 channels at 28×28).
  const wasmCases: { x: number[]; f: number[]; s: number; p: Padding; d?: number }[] = [
    { x: [3, 13, 11, 37], f: [3, 3, 37, 1], s: 1, p: 'same' },
    { x: [2, 17, 16, 4], f: [5, 5, 4, 1], s: 2, p: 'same' },
    { x: [4, 15, 15, 1], f: [3, 2, 1, 1], s: 1, p: 'valid', d: 2 },
    { x: [2, 9, 9, 21], f: [3, 3, 21, 1], s: 2, p: 'valid' },
    { x: [8, 28, 28, 128], f: [3, 3, 128, 1], s: 1, p: 'same' },
    { x: [8, 29, 29, 32], f: [3, 3, 32, 1], s: 2, p: 'same' },
    // depth_multiplier 2 and 3 (the m = 1 kernels on repeated channels), one above the threading threshold.
    { x: [3, 13, 11, 5], f: [3, 3, 5, 2], s: 1, p: 'same' },
    { x: [2, 12, 10, 7], f: [5, 3, 7, 3], s: 2, p: 'valid' },
    { x: [3, 11, 11, 3], f: [3, 3, 3, 4], s: 1, p: 'valid', d: 2 },
    { x: [8, 28, 28, 32], f: [3, 3, 32, 2], s: 1, p: 'same' },
  ];
  for (const c of wasmCases)
    it(`x=${shapeText(c.x)} f=${shapeText(c.f)} s=${c.s} p=${c.p}${c.d ? ` d=${c.d}` : ''}: forward and both gradients`, () => {
      const p = params(c.s, c.p, c.d);
      const x = randomTensor(c.x, 17);
      const f = randomTensor(c.f, 18);
      const y = depthwiseConv2d(x, f, p);
      const dy = randomTensor(y.shape, 19);
      const dx = depthwiseConv2dBackpropInput(dy, f, x.shape, p);
      const df = depthwiseConv2dBackpropFilter(x, dy, f.shape, p);
      const run = (b: FastBackend) => [
        b.depthwiseConv2d(x, f, p).data,
        b.depthwiseConv2dBackpropInput(dy, f, x.shape, p).data,
        b.depthwiseConv2dBackpropFilter(x, dy, f.shape, p).data,
      ];
      const [y2, dx2, df2] = run(two());
      expectClose(y2, y.data, 1e-4, 1e-5 * maxAbs(y.data));
      expectClose(dx2, dx.data, 1e-4, 1e-5 * maxAbs(dx.data));
      // Each filter value sums batch·outH·outW products: f32 error grows with that count.
      const terms = c.x[0] * y.shape[1] * y.shape[2];
      expectClose(df2, df.data, 1e-4, 2 ** -24 * terms * 4);
      run(one()).forEach((v, i) => expect(v.findIndex((a, j) => !Object.is(a, [y2, dx2, df2][i][j]))).toBe(-1));
    });
});
