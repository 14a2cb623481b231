// The threaded and fused memory-pass kernels (bias + activation epilogue and its gradient, batch norm, max pooling,
// Adam) against the reference on odd shapes: channel counts that leave SIMD tails, row counts that end mid-chunk,
// sizes above the threading threshold. On 1 and on 3 threads they must give the same bits; against the reference
// exactly where it does the same float32 arithmetic, within f32 summation error where it sums in f64.
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../../../engine/core/tensor';
import { adamUpdate } from '../../../../engine/kernels/adam-update';
import { biasActivation, biasActivationGrad } from '../../../../engine/kernels/bias-activation';
import { batchNormTrain } from '../../../../engine/kernels/batch-norm';
import { batchNormBackward } from '../../../../engine/kernels/batch-norm-backward';
import { createFastBackend, type FastBackend } from '../../../../engine/kernels/fast/backend';
import { PARALLEL_FLOATS } from '../../../../engine/kernels/fast/runtime';
import { matMul } from '../../../../engine/kernels/matmul';
import type { WorkerConstructor } from '../../../../engine/kernels/fast/thread-pool';
import { add, addGrad } from '../../../../engine/kernels/add';
import { avgPool, avgPoolGrad } from '../../../../engine/kernels/avg-pool';
import { concat, concatGrad } from '../../../../engine/kernels/concat';
import { dropout, dropoutGrad } from '../../../../engine/kernels/dropout';
import { merge, mergeGrad, scaleChannels, scaleChannelsGrad } from '../../../../engine/kernels/merge';
import { mergeBackward, mergeForward } from '../../../../engine/layers/merge';
import {
  upSampleBilinear,
  upSampleBilinearGrad,
  upSampleNearest,
  upSampleNearestGrad,
} from '../../../../engine/kernels/up-sample';
import { layerNorm, layerNormGrad } from '../../../../engine/kernels/layer-norm';
import {
  globalAvgPool,
  globalAvgPoolGrad,
  globalMaxPool,
  globalMaxPoolGrad,
} from '../../../../engine/kernels/global-pool';
import { maxPool, maxPoolGrad } from '../../../../engine/kernels/max-pool';
import { referenceBackend } from '../../../../engine/kernels/reference';
import type { EpilogueActivation, PoolParams } from '../../../../engine/kernels/types';
import { expectClose, maxAbs, randomTensor, shapeText, expectSameBits } from '../helpers';

const backends: Record<'1 thread' | '3 threads', FastBackend> = {} as never;
beforeAll(async () => {
  const simd = await readFile('dist/wasm/kernels-simd.wasm');
  for (const threads of [1, 3] as const)
    backends[threads === 1 ? '1 thread' : '3 threads'] = await createFastBackend({
      binaries: { simd },
      threads,
      Worker: Worker as unknown as WorkerConstructor,
    });
});
afterAll(async () => {
  for (const b of Object.values(backends)) await b.dispose();
});

const same = expectSameBits;

/**
 * Runs fn on both thread counts inside a step scope (where the memory passes use the pool), checks they agree bit
 * for bit, returns the 3-thread result.
 */
function onBoth(fn: (b: FastBackend) => ArrayLike<number>[]): ArrayLike<number>[] {
  const inStep = (b: FastBackend) => b.stepScope(() => fn(b).map((v) => Float64Array.from(v)));
  const one = inStep(backends['1 thread']);
  const many = inStep(backends['3 threads']);
  expect(backends['3 threads'].liveWorkers, 'the op ran on the pool').toBe(2);
  one.forEach((v, i) => same(v, many[i]));
  return many;
}

// Above PARALLEL_FLOATS (so the pool runs), rows not a multiple of the 64-row chunk, channels leaving a SIMD tail.
const SHAPES = [
  [5, 37, 41, 37],
  [17, 41, 29, 13],
  [PARALLEL_FLOATS / 4 + 3, 5],
  [301, 1030],
];

describe('bias + activation epilogue (forward) and its fused gradient with the bias gradient (backward)', () => {
  for (const shape of SHAPES)
    for (const name of ['relu', 'relu6', 'linear'] as EpilogueActivation[])
      it(`x=${shapeText(shape)} ${name}: forward and dz equal the reference exactly, dBias within f32 summation error, 1 = 3 threads`, () => {
        expect(shape.reduce((a, b) => a * b, 1)).toBeGreaterThan(PARALLEL_FLOATS);
        const c = shape[shape.length - 1];
        const x = randomTensor(shape, 41, -8, 8);
        const bias = randomTensor([c], 42).data;
        const dy = randomTensor(shape, 43);
        const want = biasActivation(x, bias, name);
        const [y] = onBoth((b) => [b.biasActivation(x, bias, name).data]);
        same(y, want.data);
        const ref = biasActivationGrad(dy, want, name, true);
        const [dz, dBias] = onBoth((b) => {
          const r = b.biasActivationGrad(dy, tensor(shape, Float32Array.from(y)), name, true);
          return [r.dz.data, r.dBias!];
        });
        same(dz, ref.dz.data);
        const rows = x.data.length / c;
        expectClose(dBias, ref.dBias!, 1e-5, rows * 64 * 2 ** -24);
      });

  it('no bias: relu of x equals the reference activation; without a bias the gradient has no bias part', () => {
    const x = randomTensor([13, 61, 67, 5], 44);
    const [y] = onBoth((b) => [b.biasActivation(x, null, 'relu').data]);
    same(y, referenceBackend.activation(x, 'relu').data);
    expect(backends['3 threads'].biasActivationGrad(x, x, 'relu', false).dBias).toBeNull();
  });

  it('activation and activationGrad (leaky relu, a tail of 3) run the same threaded pass; equal the reference to f32 rounding', () => {
    const x = randomTensor([10, 47, 53, 11], 45);
    const dy = randomTensor(x.shape, 46);
    const o = { negativeSlope: 0.2 };
    const [y, dx] = onBoth((b) => [
      b.activation(x, 'leaky_relu', o).data,
      b.activationGrad(dy, x, x, 'leaky_relu', o).data,
    ]);
    // The slope multiplies in f32 here and in f64 (then rounded) in the reference: one rounding apart at most.
    expectClose(y, referenceBackend.activation(x, 'leaky_relu', o).data, 2 ** -23, 0);
    expectClose(dx, referenceBackend.activationGrad(dy, x, x, 'leaky_relu', o).data, 2 ** -23, 0);
  });
});

describe('batch norm, threaded over chunks of rows', () => {
  for (const shape of [
    [9, 29, 31, 36],
    [2063, 128],
    [10, 57, 59, 8],
  ])
    it(`x=${shapeText(shape)}: forward and backward within f32 summation error of the reference, 1 = 3 threads`, () => {
      const c = shape[shape.length - 1];
      const x = randomTensor(shape, 51, -2, 3);
      const gamma = randomTensor([c], 52, 0.5, 1.5).data,
        beta = randomTensor([c], 53).data;
      const dy = randomTensor(shape, 54);
      const want = batchNormTrain(x, gamma, beta, 1e-3);
      const [y, mean, variance] = onBoth((b) => {
        const r = b.batchNormTrain(x, gamma, beta, 1e-3);
        return [r.y.data, r.saved.mean, r.saved.variance];
      });
      expectClose(mean, want.saved.mean, 1e-5, 1e-6);
      expectClose(variance, want.saved.variance, 1e-4, 1e-6);
      expectClose(y, want.y.data, 1e-4, 1e-4);
      const ref = batchNormBackward(dy, x, gamma, want.saved);
      const [dx, dgamma, dbeta] = onBoth((b) => {
        const r = b.batchNormBackward(dy, x, gamma, want.saved);
        return [r.dx.data, r.dgamma, r.dbeta];
      });
      const rows = x.data.length / c;
      expectClose(dbeta, ref.dbeta, 1e-5, rows * 64 * 2 ** -24);
      expectClose(dgamma, ref.dgamma, 1e-4, rows * 64 * 2 ** -24 * 4);
      expectClose(dx, ref.dx.data, 1e-4, 1e-4 * maxAbs(ref.dx.data));
    });
});

describe('batch norm with its relu / relu6 as the epilogue (a Conv → BN → ReLU the trainer fuses)', () => {
  for (const shape of [
    [9, 29, 31, 36],
    [2063, 128],
  ])
    for (const activation of ['relu', 'relu6'] as const)
      it(`x=${shapeText(shape)}, ${activation}: forward and backward give the bits of the BN and the activation run apart, 1 = 3 threads`, () => {
        const c = shape[shape.length - 1];
        const x = randomTensor(shape, 61, -2, 3);
        // Outliers whose normalized value passes 6, where relu6 and relu part.
        for (let i = 0; i < x.data.length; i += 89) x.data[i] *= 30;
        const gamma = randomTensor([c], 62, 0.5, 1.5).data,
          beta = randomTensor([c], 63, -0.5, 0.5).data;
        const dy = randomTensor(shape, 64);
        const [sides, yFused, yApart, dxFused, dgFused, dbFused, dxApart, dgApart, dbApart] = onBoth((b) => {
          const plain = b.batchNormTrain(x, gamma, beta, 1e-3);
          const y = b.activation(plain.y, activation);
          const fused = b.batchNormTrain(x, gamma, beta, 1e-3, -1, activation);
          const together = b.batchNormBackward(dy, x, gamma, fused.saved, { activation, y: fused.y });
          const apart = b.batchNormBackward(b.activationGrad(dy, plain.y, y, activation), x, gamma, plain.saved);
          const open = Array.from(y.data).filter((v) => v > 0 && (activation === 'relu' || v < 6)).length;
          return [
            [open, x.data.length - open],
            fused.y.data,
            y.data,
            together.dx.data,
            together.dgamma,
            together.dbeta,
            apart.dx.data,
            apart.dgamma,
            apart.dbeta,
          ];
        });
        expect(Math.min(...Array.from(sides)), 'both sides of the mask occur').toBeGreaterThan(x.data.length / 20);
        same(yFused, yApart);
        same(dxFused, dxApart);
        same(dgFused, dgApart);
        same(dbFused, dbApart);
      });
});

describe('max pooling, threaded over output rows (forward) and images or, for tiling windows, rows (gradient)', () => {
  const cases: { x: number[]; p: PoolParams }[] = [
    { x: [13, 27, 25, 33], p: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    { x: [13, 27, 25, 32], p: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } }, // tiling windows
    { x: [25, 31, 29, 12], p: { poolSize: [3, 3], strides: [2, 2], padding: 'same' } }, // overlapping windows
    { x: [10, 64, 64, 7], p: { poolSize: [2, 3], strides: [1, 2], padding: 'same' } },
  ];
  for (const { x: shape, p } of cases)
    it(`x=${shapeText(shape)} pool ${p.poolSize} stride ${p.strides} ${p.padding}: equal to the reference, 1 = 3 threads`, () => {
      const x = randomTensor(shape, 61);
      const want = maxPool(x, p);
      const dy = randomTensor(want.shape, 62);
      const [y, dx] = onBoth((b) => [b.maxPool(x, p).data, b.maxPoolGrad(dy, x, p).data]);
      same(y, want.data);
      same(dx, maxPoolGrad(dy, x, p).data);
    });
});

describe('Add, Dropout and Concatenate, threaded flat passes: the reference to the bit, 1 = 3 threads', () => {
  // Above PARALLEL_FLOATS, and odd sizes that end mid-vector.
  const shapes = [
    [16, 28, 28, 33],
    [7, 13, 11, 5],
  ];
  for (const shape of shapes)
    it(`x=${shapeText(shape)}: add and its gradient, dropout (rates 0.5, 0.1, 0, all but 1) and its gradient`, () => {
      const a = randomTensor(shape, 71),
        b = randomTensor(shape, 72),
        dy = randomTensor(shape, 73);
      // Rates 0 (all kept) and 1 − 2⁻³⁴ (all dropped: no 32-bit draw reaches it), seeds past 32 bits and negative.
      const seeds = [7, -3, 2 ** 32 + 5, 0, 11];
      const rates = [0.5, 0.1, 0, 0.5, 1 - 2 ** -34];
      const got = onBoth((k) => [
        k.add(a, b).data,
        ...k.addGrad(dy, shape, shape).map((t) => t.data),
        ...seeds.flatMap((seed, i) => {
          const { y, mask } = k.dropout(a, rates[i], seed);
          return [y.data, mask, k.dropoutGrad(dy, mask).data];
        }),
      ]);
      const want = [
        add(a, b).data,
        ...addGrad(dy, shape, shape).map((t) => t.data),
        ...seeds.flatMap((seed, i) => {
          const { y, mask } = dropout(a, rates[i], seed);
          return [y.data, mask, dropoutGrad(dy, mask).data];
        }),
      ];
      want.forEach((w, i) => same(got[i], w));
    });

  it('subtract, multiply, average, maximum and minimum of two tensors and their gradients, NaN in either', () => {
    const shape = [16, 28, 28, 33];
    const a = randomTensor(shape, 74),
      b = randomTensor(shape, 75),
      dy = randomTensor(shape, 76);
    // NaN and ties in both operands: maximum keeps a's NaN, never picks b's; a tie goes to a.
    for (const i of [5, 1000, 400_001]) a.data[i] = Number.NaN;
    for (const i of [6, 1000, 400_002]) b.data[i] = Number.NaN;
    for (const i of [7, 8, 400_003]) b.data[i] = a.data[i];
    const ops = ['subtract', 'multiply', 'average', 'maximum', 'minimum'] as const;
    const got = onBoth((k) =>
      ops.flatMap((op) => [k.merge(op, a, b).data, ...k.mergeGrad(op, dy, a, b).map((t) => t.data)]),
    );
    const want = ops.flatMap((op) => [merge(op, a, b).data, ...mergeGrad(op, dy, a, b).map((t) => t.data)]);
    want.forEach((w, i) => same(got[i], w));
  });

  it('a squeeze-and-excitation gate: feature map times [batch, 1, 1, channels], forward and both gradients, as the Multiply layer computed them', () => {
    const x = randomTensor([16, 28, 28, 37], 77),
      g = randomTensor([16, 1, 1, 37], 78),
      dy = randomTensor(x.shape, 79);
    const got = onBoth((k) => [k.scaleChannels(x, g).data, ...k.scaleChannelsGrad(dy, x, g).map((t) => t.data)]);
    const want = [scaleChannels(x, g).data, ...scaleChannelsGrad(dy, x, g).map((t) => t.data)];
    want.forEach((w, i) => same(got[i], w));
    // The merge layers' generic broadcast gives the same bits.
    same(got[0], mergeForward('multiply', [x, g]).output.data);
    mergeBackward('multiply', dy, [x, g]).inputs.forEach((t, i) => same(got[1 + i], t!.data));
  });

  it("UpSampling2D 'nearest' by 2×3 and its gradient", () => {
    const x = randomTensor([16, 13, 11, 37], 86);
    const dy = randomTensor([16, 26, 33, 37], 87);
    const got = onBoth((k) => [k.upSampleNearest(x, [2, 3]).data, k.upSampleNearestGrad(dy, [2, 3]).data]);
    same(got[0], upSampleNearest(x, [2, 3]).data);
    same(got[1], upSampleNearestGrad(dy, [2, 3]).data);
  });

  for (const [rms, withGamma, withBeta] of [
    [false, true, true],
    [true, true, false],
    [false, false, false],
  ] as const)
    it(`LayerNormalization over 37 channels${rms ? ' with rms scaling' : ''}${withGamma ? ', gamma' : ''}${withBeta ? ', beta' : ''}: forward and gradients`, () => {
      const x = randomTensor([16, 26, 26, 37], 88, -3, 5);
      const dy = randomTensor(x.shape, 89);
      const gamma = withGamma ? randomTensor([37], 90).data : null,
        beta = withBeta ? randomTensor([37], 91).data : null;
      const run = (f: typeof layerNorm, grad: typeof layerNormGrad) => {
        const { y, saved } = f(x, gamma, beta, 1e-3, rms);
        const g = grad(dy, gamma, saved, rms);
        return [y.data, saved.xhat, saved.centered, saved.invStd, g.dx.data, g.dgamma, g.dbeta];
      };
      const got = onBoth((k) => run(k.layerNorm.bind(k), k.layerNormGrad.bind(k)));
      run(layerNorm, layerNormGrad).forEach((w, i) => same(got[i], w));
    });

  for (const [axis, shapes2] of [
    [
      -1,
      [
        [8, 20, 20, 24],
        [8, 20, 20, 40],
        [8, 20, 20, 3],
      ],
    ],
    [
      1,
      [
        [8, 12, 20, 16],
        [8, 30, 20, 16],
      ],
    ],
    [
      0,
      [
        [3, 50, 40, 33],
        [5, 50, 40, 33],
      ],
    ],
  ] as const)
    it(`concat of ${shapes2.map((s) => shapeText(s)).join(', ')} along axis ${axis} and its gradient`, () => {
      const xs = shapes2.map((s, i) => randomTensor([...s], 80 + i));
      const y = concat(xs, axis);
      const dy = randomTensor(y.shape, 89);
      const got = onBoth((k) => [k.concat(xs, axis).data, ...k.concatGrad(dy, shapes2, axis).map((t) => t.data)]);
      [y.data, ...concatGrad(dy, shapes2, axis).map((t) => t.data)].forEach((w, i) => same(got[i], w));
    });
});

describe('average pooling, threaded over rows of output (forward) and input (gradient) pixels', () => {
  const cases: { x: number[]; p: PoolParams }[] = [
    { x: [13, 27, 25, 33], p: { poolSize: [3, 3], strides: [2, 2], padding: 'same' } },
    { x: [16, 28, 28, 32], p: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
  ];
  for (const { x: shape, p } of cases)
    it(`x=${shapeText(shape)} pool ${p.poolSize} stride ${p.strides} ${p.padding}: the reference within f32 rounding, 1 = 3 threads`, () => {
      const x = randomTensor(shape, 63);
      const want = avgPool(x, p);
      const dy = randomTensor(want.shape, 64);
      const [y, dx] = onBoth((b) => [b.avgPool(x, p).data, b.avgPoolGrad(dy, x.shape, p).data]);
      expectClose(y, want.data, 1e-5, 1e-6);
      expectClose(dx, avgPoolGrad(dy, x.shape, p).data, 1e-5, 1e-6);
    });
});

describe('global average pooling, threaded over images: the reference f64 sums in pixel order, the same bits', () => {
  // 256 channels (vectors), 13 (a scalar path), and a batch of 3 on 3 threads (one image each).
  for (const shape of [
    [64, 7, 7, 256],
    [9, 23, 21, 13],
    [3, 75, 81, 16],
  ])
    it(`x=${shapeText(shape)}: forward and gradient equal the reference, 1 = 3 threads`, () => {
      const x = randomTensor(shape, 65);
      const dy = randomTensor([shape[0], shape[3]], 66);
      const [y, dx] = onBoth((b) => [b.globalAvgPool(x).data, b.globalAvgPoolGrad(dy, shape).data]);
      same(y, globalAvgPool(x).data);
      same(dx, globalAvgPoolGrad(dy, shape).data);
    });
});

describe("UpSampling2D 'bilinear', threaded over output rows (forward) and source rows (gradient): the reference's bits", () => {
  // Above PARALLEL_FLOATS of output; 37 and 5 channels (f64x2 pairs and a tail), 64 (vectors only), 1×1 images.
  const cases: { shape: number[]; size: [number, number] }[] = [
    { shape: [5, 17, 19, 37], size: [2, 3] },
    { shape: [20, 41, 29, 5], size: [3, 1] },
    { shape: [8, 14, 14, 64], size: [2, 2] },
    { shape: [3000, 1, 1, 37], size: [2, 2] },
    { shape: [48, 9, 7, 5], size: [4, 5] },
  ];
  for (const { shape, size } of cases)
    it(`x=${shapeText(shape)} by ${size.join('×')}: forward and gradient equal the reference, 1 = 3 threads`, () => {
      const x = randomTensor(shape, 67, -4, 4);
      const dy = randomTensor([shape[0], shape[1] * size[0], shape[2] * size[1], shape[3]], 68);
      expect(dy.data.length).toBeGreaterThanOrEqual(PARALLEL_FLOATS);
      // A zero weight times an infinity is NaN, in the reference too.
      x.data[7] = Number.POSITIVE_INFINITY;
      dy.data[11] = Number.NEGATIVE_INFINITY;
      const [y, dx] = onBoth((b) => [b.upSampleBilinear(x, size).data, b.upSampleBilinearGrad(dy, shape, size).data]);
      same(y, upSampleBilinear(x, size).data);
      same(dx, upSampleBilinearGrad(dy, shape, size).data);
    });
});

describe('global max pooling, threaded over images: the first maximum, the same bits', () => {
  // 37 channels (vectors and a tail), 5, 64, and 1×1 images; values on a coarse grid so that maxima tie, NaN in
  // places (first pixel or later), a -0 gradient (the reference adds it to zero: +0).
  for (const shape of [
    [7, 41, 29, 37],
    [130, 45, 45, 5],
    [64, 14, 14, 64],
    [600, 1, 1, 437],
  ])
    it(`x=${shapeText(shape)}: forward and gradient equal the reference, 1 = 3 threads`, () => {
      const x = randomTensor(shape, 69, -4, 4);
      x.data.forEach((v, i) => (x.data[i] = Math.round(v * 2) / 2));
      const c = shape[3];
      for (const i of [0, 3, c + 1, 5 * c + 2, x.data.length - 1]) x.data[i] = Number.NaN;
      const dy = randomTensor([shape[0], c], 70);
      dy.data[1] = -0;
      const [y, dx] = onBoth((b) => [b.globalMaxPool(x).data, b.globalMaxPoolGrad(dy, x).data]);
      same(y, globalMaxPool(x).data);
      same(dx, globalMaxPoolGrad(dy, x).data);
    });
});

describe('Adam, threaded over chunks', () => {
  for (const n of [PARALLEL_FLOATS + 4099, 5001])
    it(`${n} weights, three steps: bit-identical to the reference on 1 and 3 threads`, () => {
      const start = () => [randomTensor([n], 71).data, new Float32Array(n), new Float32Array(n)];
      const ref = start();
      const runs = [start(), start()];
      for (let t = 1; t <= 3; t++) {
        const g = randomTensor([n], 72 + t).data;
        const p = {
          alpha: (1e-3 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t),
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-7,
        };
        adamUpdate(ref[0], g, ref[1], ref[2], p);
        backends['1 thread'].adamUpdate(runs[0][0], g, runs[0][1], runs[0][2], p);
        backends['3 threads'].adamUpdate(runs[1][0], g, runs[1][1], runs[1][2], p);
      }
      for (const r of runs) ref.forEach((v, i) => same(r[i], v));
    });
});

describe('a step scope keeps results in wasm memory', () => {
  it('chained kernels copy nothing between them, give the results they give unscoped, and copy again after', () => {
    const fast = backends['3 threads'];
    const x = randomTensor([4, 30, 30, 16], 81);
    const bias = randomTensor([16], 82).data;
    const p: PoolParams = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
    const chain = () => {
      const y = fast.biasActivation(x, bias, 'relu');
      const bn = fast.batchNormTrain(y, null, null, 1e-3).y;
      return fast.maxPool(bn, p);
    };
    const unscoped = Array.from(chain().data);
    fast.meter.bytes = 0;
    fast.meter.enabled = true;
    let inside: Tensor | undefined;
    const scopedData = fast.stepScope(() => {
      inside = chain();
      return Array.from(inside.data);
    });
    fast.meter.enabled = false;
    expect(scopedData).toEqual(unscoped);
    // The input came in, and per-channel values (bias, BN's coefficients); no tensor went in again or out.
    expect(fast.meter.bytes).toBeGreaterThanOrEqual(x.data.length * 4);
    expect(fast.meter.bytes).toBeLessThan(x.data.length * 4 + 1024);
    expect(inside!.data.buffer).not.toBe(x.data.buffer);
    fast.meter.bytes = 0;
    fast.meter.enabled = true;
    const after = chain();
    fast.meter.enabled = false;
    expect(Array.from(after.data)).toEqual(unscoped);
    expect(fast.meter.bytes).toBeGreaterThan(x.data.length * 4 * 3);
  });
});

describe('MatMul split over rows and columns on 3 threads', () => {
  for (const [m, k, n, ta, tb] of [
    [70, 301, 1030, false, false],
    [257, 190, 333, true, false],
    [64, 517, 700, false, true],
    [64, 4608, 10, false, false],
    [30, 999, 10, false, true],
  ] as const)
    it(`${m}×${k}·${k}×${n}${ta ? ' (A transposed)' : ''}${tb ? ' (B transposed)' : ''}: rows and columns split over 3 threads, B packed by all, 1 = 3 threads`, () => {
      const a = randomTensor(ta ? [k, m] : [m, k], 91),
        b = randomTensor(tb ? [n, k] : [k, n], 92);
      const want = matMul(a, b, ta, tb).data;
      const [c] = onBoth((fast) => [fast.matMul(a, b, ta, tb).data]);
      expectClose(c, want, 1e-4, 1e-5 * k);
    });
});
