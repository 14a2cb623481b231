import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastBackend, type FastBackend } from '../../../engine/kernels/fast/backend';
import { forwardPath, type ForwardPath } from '../../../engine/kernels/fast/conv2d';
import { winogradFilterStripes } from '../../../engine/kernels/fast/conv2d-backprop-filter';
import { backpropInputAsConv, winogradApplies, winogradTile } from '../../../engine/kernels/fast/conv2d-winograd';
import { convGeometry } from '../../../engine/kernels/geometry';
import { tensor } from '../../../engine/core/tensor';
import { biasActivation } from '../../../engine/kernels/bias-activation';
import { conv2d } from '../../../engine/kernels/conv2d';
import { conv2dBackpropFilter } from '../../../engine/kernels/conv2d-backprop-filter';
import { conv2dBackpropInput } from '../../../engine/kernels/conv2d-backprop-input';
import type { ConvParams, Padding } from '../../../engine/kernels/types';
import { simdVariants, useFastBackend } from './fast-backend';
import { expectClose, maxAbs, numericGradient, randomTensor, shapeText } from './helpers';

const params = (s: number | [number, number], padding: Padding, d: number | [number, number] = 1): ConvParams => ({
  strides: typeof s === 'number' ? [s, s] : s,
  padding,
  dilations: typeof d === 'number' ? [d, d] : d,
});

const x3 = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
const k2 = tensor([2, 2, 1, 1], [1, 2, 3, 4]);

describe('conv2d golden values (worked by hand)', () => {
  it('x=[1,3,3,1] f=[2,2,1,1] s=1 p=valid is [[37,47],[67,77]]', () => {
    const y = conv2d(x3, k2, params(1, 'valid'));
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.data)).toEqual([37, 47, 67, 77]);
  });

  it('x=[1,3,3,1] f=[2,2,1,1] s=1 p=same pads only bottom/right, as TensorFlow does', () => {
    const y = conv2d(x3, k2, params(1, 'same'));
    expect(y.shape).toEqual([1, 3, 3, 1]);
    // Top-left is the unpadded window (37); were the pad on top/left it would be 1·4 = 4. The last column sees
    // taps 1 and 3 only (3·1 + 6·3 = 21), the last row taps 1 and 2 (7·1 + 8·2 = 23), the corner tap 1 alone.
    expect(Array.from(y.data)).toEqual([37, 47, 21, 67, 77, 33, 23, 26, 9]);
  });

  it('backprop input of dy=ones through f=[2,2,1,1] counts each input tap', () => {
    const dx = conv2dBackpropInput(tensor([1, 2, 2, 1], [1, 1, 1, 1]), k2, [1, 3, 3, 1], params(1, 'valid'));
    expect(Array.from(dx.data)).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  it('backprop filter of dy=ones sums each tap over its windows', () => {
    const dw = conv2dBackpropFilter(x3, tensor([1, 2, 2, 1], [1, 1, 1, 1]), [2, 2, 1, 1], params(1, 'valid'));
    expect(Array.from(dw.data)).toEqual([12, 16, 24, 28]);
  });

  it('x=[1,4,4,1] f=[3,3,1,1] s=2 p=same: output 2×2, the odd pad row/column after', () => {
    const x = tensor(
      [1, 4, 4, 1],
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    const ones = tensor([3, 3, 1, 1], new Array(9).fill(1));
    // Total pad 1 per axis, all of it after: windows start at rows/cols 0 and 2.
    const y = conv2d(x, ones, params(2, 'same'));
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.data)).toEqual([
      1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11,
      3 + 4 + 7 + 8 + 11 + 12,
      9 + 10 + 11 + 13 + 14 + 15,
      11 + 12 + 15 + 16,
    ]);
  });
});

interface Case {
  x: number[];
  f: number[];
  s: number | [number, number];
  p: Padding;
  d?: number | [number, number];
}

const title = (c: Case) =>
  `x=${shapeText(c.x)} f=${shapeText(c.f)} s=${Array.isArray(c.s) ? shapeText(c.s) : c.s} p=${c.p}${c.d ? ` d=${c.d}` : ''}`;

const gradientCases: Case[] = [
  { x: [1, 4, 5, 2], f: [2, 2, 2, 3], s: 1, p: 'valid' },
  { x: [2, 5, 5, 2], f: [3, 3, 2, 2], s: 2, p: 'same' },
  { x: [1, 6, 5, 1], f: [2, 3, 1, 2], s: [2, 1], p: 'same' },
  { x: [1, 7, 7, 2], f: [3, 2, 2, 2], s: 1, p: 'valid', d: 2 },
  { x: [1, 5, 6, 1], f: [3, 3, 1, 1], s: 1, p: 'same', d: [2, 1] },
];

describe('conv2d reference gradients match float64 central differences', () => {
  for (const c of gradientCases) {
    it(title(c), () => {
      const p = params(c.s, c.p, c.d ?? 1);
      const x = randomTensor(c.x, 11);
      const f = randomTensor(c.f, 12);
      const y = conv2d(x, f, p);
      const w = randomTensor(y.shape, 13);
      expectClose(
        conv2dBackpropInput(w, f, c.x, p).data,
        numericGradient((t) => conv2d(t, f, p), x, w.data),
        1e-3,
        1e-3,
      );
      expectClose(
        conv2dBackpropFilter(x, w, c.f, p).data,
        numericGradient((t) => conv2d(x, t, p), f, w.data),
        1e-3,
        1e-3,
      );
    });
  }
});

const fastCases: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 2, p: 'same' },
  { x: [1, 5, 6, 2], f: [2, 3, 2, 5], s: 1, p: 'valid' },
  { x: [3, 9, 8, 5], f: [3, 2, 5, 7], s: [2, 1], p: 'same' },
  { x: [1, 11, 10, 4], f: [3, 3, 4, 9], s: 1, p: 'same', d: 2 },
  { x: [2, 8, 9, 3], f: [3, 3, 3, 2], s: 3, p: 'valid' },
  { x: [1, 13, 13, 16], f: [1, 1, 16, 24], s: 1, p: 'valid' },
  { x: [4, 10, 10, 8], f: [5, 5, 8, 12], s: 1, p: 'same' },
  { x: [1, 3, 3, 1], f: [3, 3, 1, 1], s: 1, p: 'valid' },
  // One input channel (a first layer), in the padding and out: its im2col rows are gathered float by float.
  { x: [3, 11, 9, 1], f: [3, 3, 1, 32], s: 1, p: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 5], s: 2, p: 'valid', d: [1, 2] },
  // Patches longer than one KC=256 chunk of the GEMM, split mid-tap (324 = 9·36, 343 = 49·7).
  { x: [2, 9, 9, 36], f: [3, 3, 36, 8], s: 1, p: 'same' },
  { x: [1, 12, 12, 7], f: [7, 7, 7, 3], s: 2, p: 'same' },
  // Above the 4 MFLOP threading threshold (44 and 36 MFLOP): blocks shared by two threads (backprop input: whole
  // images per thread).
  { x: [6, 20, 20, 16], f: [3, 3, 16, 64], s: 1, p: 'same' },
  { x: [8, 21, 19, 8], f: [3, 3, 8, 96], s: 1, p: 'valid' },
  // The forward Winograd F(2×2,3×3) path (3×3, stride 1, channels multiples of 4): outC 4 and 20 leave
  // part of the last 8-column panel empty; odd output sizes drop half tiles; 9, 40 and 60 tiles end in a partial
  // block of the 32 tiles a thread takes (9: a partial group of 4 rows).
  { x: [1, 6, 6, 8], f: [3, 3, 8, 4], s: 1, p: 'valid' },
  { x: [3, 9, 7, 12], f: [3, 3, 12, 20], s: 1, p: 'same' },
  { x: [2, 11, 10, 36], f: [3, 3, 36, 12], s: 1, p: 'valid' },
  { x: [1, 5, 5, 16], f: [3, 3, 16, 8], s: 1, p: 'same' },
  { x: [2, 8, 9, 4], f: [3, 3, 4, 8], s: 1, p: 'same' },
  // The forward direct path (inC ≥ 32, not Winograd): 90 output pixels (a partial group of 4), 5 and 13 output
  // channels (a partial 8-column panel), an odd channel count, strides, dilations, 3×3 with outC 6 (not a multiple
  // of 4).
  { x: [3, 11, 9, 33], f: [3, 3, 33, 5], s: 2, p: 'same' },
  { x: [1, 9, 10, 32], f: [2, 3, 32, 13], s: [1, 2], p: 'same', d: [2, 1] },
  { x: [2, 7, 7, 32], f: [3, 3, 32, 6], s: 1, p: 'same' },
  // The small-channel path (inC ≤ 4, outC in vectors): strides, dilations and padding; 36 output channels are one
  // 32-wide block and one vector.
  { x: [2, 12, 11, 2], f: [3, 3, 2, 36], s: [2, 1], p: 'same', d: [1, 2] },
  { x: [3, 10, 9, 4], f: [5, 4, 4, 8], s: 1, p: 'same' },
];

describe.each(simdVariants)('conv2d fast (wasm, %s) matches the reference', (variant) => {
  const fast = useFastBackend(variant);
  for (const c of fastCases) {
    it(title(c), () => {
      const p = params(c.s, c.p, c.d ?? 1);
      const x = randomTensor(c.x, 1);
      const f = randomTensor(c.f, 2);
      const y = conv2d(x, f, p);
      const yf = fast().conv2d(x, f, p);
      expect(yf.shape).toEqual(y.shape);
      expectClose(yf.data, y.data, 1e-4, 1e-5 * maxAbs(y.data));
      const dy = randomTensor(y.shape, 3);
      const dx = conv2dBackpropInput(dy, f, c.x, p);
      expectClose(fast().conv2dBackpropInput(dy, f, c.x, p).data, dx.data, 1e-4, 1e-5 * maxAbs(dx.data));
      const dw = conv2dBackpropFilter(x, dy, c.f, p);
      expectClose(fast().conv2dBackpropFilter(x, dy, c.f, p).data, dw.data, 1e-4, 1e-5 * maxAbs(dw.data));
    });
  }
});

/** A one-thread fast backend beside the two-thread one, for the same-bits checks. */
function oneAndTwoThreads(): { one: () => FastBackend; two: () => FastBackend } {
  let one: FastBackend;
  const two = useFastBackend();
  beforeAll(async () => {
    const { readFile } = await import('node:fs/promises');
    one = await createFastBackend({ binaries: { simd: await readFile('dist/wasm/kernels-simd.wasm') }, threads: 1 });
  });
  afterAll(() => one.dispose());
  return { one: () => one, two };
}

describe('conv2d fast forward gives the same bits on one thread as on two (a seed trains to the same numbers)', () => {
  const cases: (Case & { path: ForwardPath })[] = [
    { x: [6, 20, 20, 16], f: [3, 3, 16, 64], s: 1, p: 'same', path: 'winograd' }, // 44 MFLOP
    { x: [8, 20, 20, 40], f: [3, 3, 40, 18], s: 1, p: 'same', path: 'direct' }, // 41 MFLOP
    { x: [8, 24, 24, 8], f: [5, 5, 8, 64], s: 1, p: 'same', path: 'im2col' }, // 118 MFLOP
    { x: [16, 28, 28, 1], f: [3, 3, 1, 32], s: 1, p: 'valid', path: 'small' }, // 6.2 MFLOP: the article CNN's first conv
    { x: [8, 32, 32, 3], f: [5, 5, 3, 20], s: 2, p: 'same', path: 'small' }, // 6.1 MFLOP; outC 20: no 32-wide block
  ];
  const { one, two } = oneAndTwoThreads();
  for (const c of cases)
    it(`${c.path}: ${title(c)}`, () => {
      const p = params(c.s, c.p, c.d ?? 1);
      expect(forwardPath(convGeometry(c.x, c.f, p), c.f[3])).toBe(c.path);
      const x = randomTensor(c.x, 5);
      const f = randomTensor(c.f, 6);
      const y2 = two().conv2d(x, f, p).data;
      expect(two().liveWorkers).toBe(1);
      const y1 = one().conv2d(x, f, p).data;
      expect(y1.length).toBe(y2.length);
      const differing = y1.findIndex((v, i) => !Object.is(v, y2[i]));
      expect(differing).toBe(-1);
    });
});

describe('conv2d fast backprop filter: Winograd F(3×3, 4×4), F(3×3, 2×2) below 6×6 outputs, for 3×3 stride 1, the same bits on one thread as on two', () => {
  const cases: (Case & { tile: 2 | 4 })[] = [
    { x: [6, 20, 20, 16], f: [3, 3, 16, 64], s: 1, p: 'same', tile: 4 }, // 44 MFLOP: threaded
    { x: [5, 27, 25, 12], f: [3, 3, 12, 20], s: 1, p: 'valid', tile: 4 }, // output 25×23: part tiles; outC 20: a 4-wide tail
    { x: [64, 26, 26, 32], f: [3, 3, 32, 32], s: 1, p: 'valid', tile: 4 }, // the article CNN's second conv at batch 64
    { x: [9, 7, 30, 8], f: [3, 3, 8, 12], s: 1, p: 'valid', tile: 2 }, // output 5×28: F(3×3, 2×2), odd rows: half tiles
  ];
  const { one, two } = oneAndTwoThreads();
  for (const c of cases)
    it(`${title(c)}: equals the reference within f32 summation error; 1 thread = 2 threads`, () => {
      const p = params(c.s, c.p, 1);
      const g = convGeometry(c.x, c.f, p);
      expect(winogradApplies(g, c.f[3]) && winogradTile(g)).toBe(c.tile);
      expect(winogradFilterStripes(g.inC, c.f[3], c.tile === 4 ? 36 : 16)).toBe(16);
      const x = randomTensor(c.x, 7);
      const dy = randomTensor([g.batch, g.outH, g.outW, c.f[3]], 8);
      const want = conv2dBackpropFilter(x, dy, c.f, p).data;
      const dw2 = two().conv2dBackpropFilter(x, dy, c.f, p).data;
      const dw1 = one().conv2dBackpropFilter(x, dy, c.f, p).data;
      // Each value sums batch·outH·outW products of values in [-1, 1]: error ≲ 2⁻²⁴ · terms · a few.
      expectClose(dw2, want, 1e-4, 2 ** -24 * g.batch * g.outH * g.outW * 4);
      expect(dw1.findIndex((v, i) => !Object.is(v, dw2[i]))).toBe(-1);
    });
});

describe('conv2d fast forward and input gradient by Winograd F(4×4, 3×3): the reference within f32 error, 1 thread = 2 threads', () => {
  const cases: Case[] = [
    { x: [64, 26, 26, 32], f: [3, 3, 32, 32], s: 1, p: 'valid' }, // the article CNN's second conv; dx 26×26: part tiles
    { x: [5, 27, 25, 12], f: [3, 3, 12, 20], s: 1, p: 'valid' }, // 25×23: part tiles both ways; outC 20 and 12: part panels
    { x: [3, 9, 7, 12], f: [3, 3, 12, 4], s: 1, p: 'same' }, // 18 tiles: two blocks of 8, then 2 (part of a row group)
    { x: [2, 10, 6, 8], f: [3, 3, 8, 8], s: 1, p: 'same' }, // 6 wide: one whole tile, one of two columns
  ];
  const { one, two } = oneAndTwoThreads();
  for (const c of cases)
    it(title(c), () => {
      const p = params(c.s, c.p, 1);
      const g = convGeometry(c.x, c.f, p);
      expect(winogradApplies(g, c.f[3]) && winogradTile(g)).toBe(4);
      expect(winogradTile(backpropInputAsConv(g, c.f[3]))).toBe(4);
      const x = randomTensor(c.x, 21);
      const f = randomTensor(c.f, 22);
      const dy = randomTensor([g.batch, g.outH, g.outW, c.f[3]], 23);
      const y = conv2d(x, f, p).data;
      const dx = conv2dBackpropInput(dy, f, c.x, p).data;
      const y2 = two().conv2d(x, f, p).data;
      const dx2 = two().conv2dBackpropInput(dy, f, c.x, p).data;
      expectClose(y2, y, 1e-4, 1e-5 * maxAbs(y));
      expectClose(dx2, dx, 1e-4, 1e-5 * maxAbs(dx));
      const y1 = one().conv2d(x, f, p).data;
      const dx1 = one().conv2dBackpropInput(dy, f, c.x, p).data;
      expect(y1.findIndex((v, i) => !Object.is(v, y2[i]))).toBe(-1);
      expect(dx1.findIndex((v, i) => !Object.is(v, dx2[i]))).toBe(-1);
    });
});

describe('conv2d fast, few input channels (pixel by pixel, bias and activation fused): the reference, 1 thread = 2 threads', () => {
  const cases: Case[] = [
    { x: [64, 28, 28, 1], f: [3, 3, 1, 32], s: 1, p: 'valid' }, // the article CNN's first conv at batch 64
    { x: [6, 33, 31, 3], f: [3, 3, 3, 44], s: 2, p: 'same' }, // RGB; a 32-wide block and 3 vectors; padding
    { x: [9, 20, 20, 2], f: [5, 5, 2, 16], s: 1, p: 'same', d: 2 }, // dilated: taps past the edge on every side
  ];
  const { one, two } = oneAndTwoThreads();
  for (const c of cases)
    for (const activation of ['relu', 'linear'] as const)
      it(`${title(c)} with bias and ${activation}: forward and filter gradient`, () => {
        const p = params(c.s, c.p, c.d ?? 1);
        const g = convGeometry(c.x, c.f, p);
        expect(forwardPath(g, c.f[3])).toBe('small');
        const x = randomTensor(c.x, 31);
        const f = randomTensor(c.f, 32);
        const bias = randomTensor([c.f[3]], 33).data;
        const epilogue = { bias, activation };
        const want = conv2d(x, f, p, epilogue).data;
        const y2 = two().conv2d(x, f, p, epilogue).data;
        expectClose(y2, want, 1e-4, 1e-5 * maxAbs(want));
        expect(Array.from(want).some((v) => v === 0)).toBe(activation === 'relu');
        const y1 = one().conv2d(x, f, p, epilogue).data;
        expect(y1.findIndex((v, i) => !Object.is(v, y2[i]))).toBe(-1);
        const dy = randomTensor([g.batch, g.outH, g.outW, c.f[3]], 34);
        const dw = conv2dBackpropFilter(x, dy, c.f, p).data;
        const dw2 = two().conv2dBackpropFilter(x, dy, c.f, p).data;
        expectClose(dw2, dw, 1e-4, 2 ** -24 * g.batch * g.outH * g.outW * 4);
        const dw1 = one().conv2dBackpropFilter(x, dy, c.f, p).data;
        expect(dw1.findIndex((v, i) => !Object.is(v, dw2[i]))).toBe(-1);
      });
});

describe('conv2d with an epilogue equals the convolution then biasActivation, on every fast path', () => {
  const fast = useFastBackend();
  const cases: (Case & { path: ForwardPath })[] = [
    { x: [2, 9, 9, 1], f: [3, 3, 1, 8], s: 1, p: 'same', path: 'small' },
    { x: [2, 9, 9, 8], f: [3, 3, 8, 8], s: 1, p: 'same', path: 'winograd' }, // F(4×4, 3×3): in its output transform
    { x: [2, 5, 5, 8], f: [3, 3, 8, 8], s: 1, p: 'same', path: 'winograd' }, // F(2×2, 3×3): a second pass
    { x: [2, 9, 9, 32], f: [3, 3, 32, 8], s: 2, p: 'same', path: 'direct' },
    { x: [2, 9, 9, 6], f: [3, 3, 6, 8], s: 2, p: 'valid', path: 'im2col' },
  ];
  for (const c of cases)
    it(`${c.path}: ${title(c)}, bias + relu6`, () => {
      const p = params(c.s, c.p, 1);
      expect(forwardPath(convGeometry(c.x, c.f, p), c.f[3])).toBe(c.path);
      const x = randomTensor(c.x, 41);
      const f = randomTensor(c.f, 42);
      const bias = randomTensor([c.f[3]], 43).data.map((v) => v * 8);
      const separate = biasActivation(fast().conv2d(x, f, p), bias, 'relu6').data;
      const fused = fast().conv2d(x, f, p, { bias, activation: 'relu6' }).data;
      expect(fused.findIndex((v, i) => !Object.is(v, separate[i]))).toBe(-1);
      expect(Array.from(fused).some((v) => v === 6)).toBe(true);
    });
});
