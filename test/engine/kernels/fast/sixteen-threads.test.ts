// A desktop's 16 threads, on whatever cores this machine has: every threaded kernel splits its work 16 ways (16 home
// ranges of the claim counters, stolen from when a thread is late, which on a 2-core machine most are) and must give
// the bits it gives on one thread, so a seed trains to the same numbers on a laptop and a workstation. Shapes where
// some kernels have fewer work units than threads (6 images, 2 row blocks) are among them.
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dBackpropFilter } from '../../../../engine/kernels/conv2d-backprop-filter';
import { createFastBackend, type FastBackend } from '../../../../engine/kernels/fast/backend';
import { forwardPath, type ForwardPath } from '../../../../engine/kernels/fast/conv2d';
import {
  im2colFilterStripes,
  winogradFilterColumnBlocks,
  winogradFilterStripes,
} from '../../../../engine/kernels/fast/conv2d-backprop-filter';
import { winogradApplies, winogradTile } from '../../../../engine/kernels/fast/conv2d-winograd';
import { PARALLEL_FLOATS } from '../../../../engine/kernels/fast/runtime';
import type { WorkerConstructor } from '../../../../engine/kernels/fast/thread-pool';
import { convGeometry } from '../../../../engine/kernels/geometry';
import type { ConvParams, Padding, PoolParams } from '../../../../engine/kernels/types';
import { expectClose, maxAbs, randomTensor, shapeText, expectSameBits } from '../helpers';

const THREADS = 16;
let one: FastBackend;
let many: FastBackend;
beforeAll(async () => {
  const simd = await readFile('dist/wasm/kernels-simd.wasm');
  const make = (threads: number) =>
    createFastBackend({ binaries: { simd }, threads, Worker: Worker as unknown as WorkerConstructor });
  one = await make(1);
  many = await make(THREADS);
});
afterAll(async () => {
  await one?.dispose();
  await many?.dispose();
});

const same = expectSameBits;

/** Runs fn in a step scope (where the memory passes use the pool) on 1 and 16 threads; the results must be the same bits. */
function onBoth(fn: (b: FastBackend) => ArrayLike<number>[], names: string[]): ArrayLike<number>[] {
  const inStep = (b: FastBackend) => b.stepScope(() => fn(b).map((v) => Float64Array.from(v)));
  const single = inStep(one);
  const shared = inStep(many);
  expect(many.liveWorkers, 'all 15 workers started').toBe(THREADS - 1);
  single.forEach((v, i) => same(shared[i], v, names[i]));
  return shared;
}

const params = (s: number, padding: Padding): ConvParams => ({ strides: [s, s], padding, dilations: [1, 1] });

describe(`convolutions on ${THREADS} threads give the bits of one thread, on every path`, () => {
  const cases: { x: number[]; f: number[]; s: number; p: Padding; path: ForwardPath }[] = [
    // The article CNN's second conv at batch 64: Winograd forward, input gradient and filter gradient (16 stripes).
    { x: [64, 26, 26, 32], f: [3, 3, 32, 32], s: 1, p: 'valid', path: 'winograd' },
    // 6 images: the im2col input gradient hands out whole images, fewer than the threads.
    { x: [6, 20, 20, 8], f: [5, 5, 8, 64], s: 1, p: 'same', path: 'im2col' },
    // A strided 3×3 and a 1×1 (ResNet's, MobileNet's): the im2col filter gradient's stripes.
    { x: [16, 28, 28, 40], f: [3, 3, 40, 24], s: 2, p: 'same', path: 'direct' },
    { x: [32, 14, 14, 64], f: [1, 1, 64, 96], s: 1, p: 'valid', path: 'direct' },
    // The first layer's few input channels.
    { x: [64, 28, 28, 1], f: [3, 3, 1, 32], s: 1, p: 'valid', path: 'small' },
    // 128 → 128 channels: 7 Winograd filter-gradient stripes, each split into 2 runs of 64 output channels.
    { x: [8, 14, 14, 128], f: [3, 3, 128, 128], s: 1, p: 'same', path: 'winograd' },
    // 256 → 256 on 4×4 maps: F(3×3, 2×2)'s 4 filter-gradient stripes, each split into 4 runs of 64 channels.
    { x: [16, 4, 4, 256], f: [3, 3, 256, 256], s: 1, p: 'same', path: 'winograd' },
  ];
  for (const c of cases)
    it(`${c.path}: x=${shapeText(c.x)} f=${shapeText(c.f)} s=${c.s} ${c.p}: forward, input and filter gradients`, () => {
      const p = params(c.s, c.p);
      const g = convGeometry(c.x, c.f, p);
      expect(forwardPath(g, c.f[3])).toBe(c.path);
      const x = randomTensor(c.x, 11);
      const f = randomTensor(c.f, 12);
      const dy = randomTensor([g.batch, g.outH, g.outW, c.f[3]], 13);
      const [, , dw] = onBoth(
        (b) => [
          b.conv2d(x, f, p).data,
          b.conv2dBackpropInput(dy, f, c.x, p).data,
          b.conv2dBackpropFilter(x, dy, c.f, p).data,
        ],
        ['y', 'dx', 'dW'],
      );
      // And right: the reference within float32 summation error (each dW value sums batch·outH·outW products).
      const want = conv2dBackpropFilter(x, dy, c.f, p).data;
      expectClose(dw, want, 1e-4, 2 ** -24 * g.batch * g.outH * g.outW * 4 * Math.max(1, maxAbs(want) / 64));
    });
});

describe(`depthwise convolution on ${THREADS} threads gives the bits of one thread`, () => {
  it('MobileNet 3×3 on 36 channels at 56×56, stride 2, batch 16 (7.3 MFLOP: threaded): forward, input and filter gradients', () => {
    const p = params(2, 'same');
    const x = randomTensor([16, 56, 56, 36], 41);
    const f = randomTensor([3, 3, 36, 1], 42);
    const dy = randomTensor([16, 28, 28, 36], 43);
    onBoth(
      (b) => [
        b.depthwiseConv2d(x, f, p).data,
        b.depthwiseConv2dBackpropInput(dy, f, x.shape, p).data,
        b.depthwiseConv2dBackpropFilter(x, dy, f.shape, p).data,
      ],
      ['y', 'dx', 'dW'],
    );
  });

  it('depth_multiplier 2 on 24 channels at 28×28, batch 8 (threaded): forward, input and filter gradients', () => {
    const p = params(1, 'same');
    const x = randomTensor([8, 28, 28, 24], 44);
    const f = randomTensor([3, 3, 24, 2], 45);
    const dy = randomTensor([8, 28, 28, 48], 46);
    onBoth(
      (b) => [
        b.depthwiseConv2d(x, f, p).data,
        b.depthwiseConv2dBackpropInput(dy, f, x.shape, p).data,
        b.depthwiseConv2dBackpropFilter(x, dy, f.shape, p).data,
      ],
      ['y', 'dx', 'dW'],
    );
  });
});

describe('the im2col filter gradient has stripes enough for 16 threads, decided by the shape alone', () => {
  it('16 stripes for layers with blocks to spare: 1×1 64→96, 5×5 8→64, strided 3×3 40→24', () => {
    expect(im2colFilterStripes(64, 96, Math.ceil((32 * 14 * 14) / 128))).toBe(16);
    expect(im2colFilterStripes(5 * 5 * 8, 64, Math.ceil((6 * 20 * 20) / 128))).toBe(16);
    expect(im2colFilterStripes(5 * 5 * 8, 64, 10)).toBe(10);
    expect(im2colFilterStripes(5 * 5 * 8, 64, Math.ceil((64 * 20 * 20) / 128))).toBe(16);
    expect(im2colFilterStripes(3 * 3 * 40, 24, Math.ceil((16 * 14 * 14) / 128))).toBe(16);
  });
  it('fewer where 16 copies of the filter would pass 4M floats (3×3 512→512: 4), never fewer than 4', () => {
    expect(im2colFilterStripes(3 * 3 * 512, 512, 10_000)).toBe(4);
    expect(im2colFilterStripes(3 * 3 * 256, 256, 10_000)).toBe(7);
    expect(im2colFilterStripes(9, 4, 3)).toBe(4);
  });
  it('Winograd F(3×3, 4×4) stripes fewer than the threads split into runs of output channels, 32 wide at least', () => {
    expect(winogradFilterStripes(128, 128, 36)).toBe(7);
    expect(winogradFilterColumnBlocks(7, 128, 16)).toBe(2);
    expect(winogradFilterColumnBlocks(7, 128, 2)).toBe(1);
    expect(winogradFilterColumnBlocks(16, 32, 16)).toBe(1);
    expect(winogradFilterColumnBlocks(4, 256, 16)).toBe(4);
    expect(winogradFilterColumnBlocks(4, 64, 32)).toBe(2);
    expect(winogradTile(convGeometry([16, 4, 4, 256], [3, 3, 256, 256], params(1, 'same')))).toBe(2);
    expect(winogradFilterStripes(256, 256, 16)).toBe(4);
  });
  it('3×3 stride-1 convolutions take the Winograd filter gradient instead', () => {
    expect(winogradApplies(convGeometry([64, 26, 26, 32], [3, 3, 32, 32], params(1, 'valid')), 32)).toBe(true);
  });
});

describe(`memory passes on ${THREADS} threads give the bits of one thread`, () => {
  it('batch and layer norm, bias + relu, max, average and global average pooling, gelu, silu, add, dropout, concat', () => {
    const x = randomTensor([64, 24, 24, 32], 21);
    const gamma = randomTensor([32], 22).data,
      beta = randomTensor([32], 23).data;
    const dy = randomTensor(x.shape, 24);
    const pool: PoolParams = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
    const dPooled = randomTensor([64, 12, 12, 32], 25);
    const dGap = randomTensor([64, 32], 26);
    onBoth(
      (b) => {
        const { y, saved } = b.batchNormTrain(x, gamma, beta, 1e-3);
        const grads = b.batchNormBackward(dy, x, gamma, saved);
        const act = b.biasActivation(x, gamma, 'relu');
        const actGrad = b.biasActivationGrad(dy, act, 'relu', true);
        return [
          y.data,
          saved.mean,
          saved.variance,
          grads.dx.data,
          grads.dgamma,
          grads.dbeta,
          act.data,
          actGrad.dz.data,
          actGrad.dBias ?? [],
          b.maxPool(x, pool).data,
          b.maxPoolGrad(dPooled, x, pool).data,
          b.globalAvgPool(x).data,
          b.globalAvgPoolGrad(dGap, x.shape).data,
          b.avgPool(x, pool).data,
          b.avgPoolGrad(dPooled, x.shape, pool).data,
          b.layerNorm(x, gamma, beta, 1e-3, false).y.data,
          b.activation(x, 'gelu').data,
          b.activationGrad(dy, x, x, 'silu').data,
          b.add(x, dy).data,
          b.dropout(x, 0.3, 99).y.data,
          b.concat([x, dy], -1).data,
          ...b.concatGrad(b.concat([x, dy], -1), [x.shape, dy.shape], -1).map((t) => t.data),
        ];
      },
      [
        'BN y',
        'mean',
        'variance',
        'BN dx',
        'dgamma',
        'dbeta',
        'relu',
        'relu dz',
        'dBias',
        'pool',
        'pool dx',
        'GAP',
        'GAP dx',
        'average pool',
        'average pool dx',
        'layer norm',
        'gelu',
        'silu dx',
        'add',
        'dropout',
        'concat',
        'concat dx 1',
        'concat dx 2',
      ],
    );
  });

  it("UpSampling2D 'bilinear' by 2×3 (224 source rows) and global max pooling (64 images), forward and gradients", () => {
    const x = randomTensor([16, 14, 14, 37], 51);
    const dy = randomTensor([16, 28, 42, 37], 52);
    const pooled = randomTensor([64, 14, 14, 64], 53);
    const dMax = randomTensor([64, 64], 54);
    onBoth(
      (b) => [
        b.upSampleBilinear(x, [2, 3]).data,
        b.upSampleBilinearGrad(dy, x.shape, [2, 3]).data,
        b.globalMaxPool(pooled).data,
        b.globalMaxPoolGrad(dMax, pooled).data,
      ],
      ['bilinear', 'bilinear dx', 'global max', 'global max dx'],
    );
  });

  it("the article CNN's last Dense (64×4608 · 4608×10): too few columns to split, rows in 4-row blocks, one per thread", () => {
    const flat = randomTensor([64, 4608], 21),
      w = randomTensor([4608, 10], 22),
      dy = randomTensor([64, 10], 23);
    onBoth(
      (b) => [b.matMul(flat, w).data, b.matMul(dy, w, false, true).data, b.matMul(flat, dy, true, false).data],
      ['y', 'dx', 'dW'],
    );
  });

  it('MatMul with 2 row blocks (columns split for the rest), 64×1000 softmax cross-entropy, Adam over 300K weights, and over 40 variables in one call', () => {
    const a = randomTensor([100, 700], 31),
      w = randomTensor([700, 512], 32);
    const logits = randomTensor([64, 1000], 33);
    const labels = Int32Array.from({ length: 64 }, (_, i) => (i * 37) % 1000);
    const n = PARALLEL_FLOATS + 40_000;
    const g = randomTensor([n], 34).data;
    const adam = { alpha: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    onBoth(
      (b) => {
        const ce = b.crossEntropyFromLogits?.(logits, labels, true);
        expect(ce?.rowLosses.length, 'the fast cross-entropy ran: one loss per row').toBe(64);
        const value = randomTensor([n], 35).data,
          m = new Float32Array(n),
          v = new Float32Array(n);
        b.adamUpdate(value, g, m, v, adam);
        // A model's variables in one call: 282K values in 40 variables, the threads claiming spans across them.
        const many = Array.from({ length: 40 }, (_, i) => {
          const size = 1 + ((i * 7919) % 15_000);
          return {
            value: randomTensor([size], 40 + i).data,
            grad: randomTensor([size], 90 + i).data,
            m: new Float32Array(size),
            v: new Float32Array(size),
          };
        });
        b.adamUpdateMany(many, adam);
        return [b.matMul(a, w).data, ce!.rowLosses, ce!.grad.data, value, ...many.map((x) => x.value)];
      },
      ['matMul', 'row losses', 'logits grad', 'Adam weights', ...Array.from({ length: 40 }, (_, i) => `variable ${i}`)],
    );
  });
});
