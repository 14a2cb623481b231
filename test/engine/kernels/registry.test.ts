import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { disposeBackend, loadBackend, referenceBackend, type FastBackend } from '../../../engine/kernels/registry';
import { createFastBackend } from '../../../engine/kernels/fast/backend';
import type { Backend, ConvParams, PoolParams } from '../../../engine/kernels/types';
import { simdVariants, useFastBackend } from './fast-backend';
import { expectClose, maxAbs, randomTensor } from './helpers';

describe('backend registry', () => {
  it("'reference' is the plain TypeScript backend", async () => {
    const { backend, issue } = await loadBackend('reference');
    expect(backend).toBe(referenceBackend);
    expect(issue).toBeUndefined();
  });

  it("'fast' without its binaries falls back to reference and says how to build them", async () => {
    const { backend, issue } = await loadBackend('fast', { wasmDir: '/nonexistent/wasm' });
    expect(backend.name).toBe('reference');
    expect(issue?.code).toBe('fast-kernels-unavailable');
    expect(issue?.message).toContain('/nonexistent/wasm');
    expect(issue?.hint).toContain('scripts/build-wasm.mjs');
  });
});

/** Every Backend method, called with the same arguments on both backends; results flattened to number arrays. */
/** n token ids below vocab (whole numbers in a float tensor, as the engine carries them), seeded. */
const ids = (n: number, vocab: number, seed: number) =>
  tensor(
    [n],
    Array.from(randomTensor([n], seed, 0, vocab).data, (v) => Math.min(vocab - 1, Math.floor(v))),
  );

function everyKernel(): Record<string, (b: Backend) => ArrayLike<number>[]> {
  const x = randomTensor([2, 7, 7, 3], 81);
  const f = randomTensor([3, 3, 3, 4], 82);
  const conv: ConvParams = { strides: [2, 2], padding: 'same', dilations: [1, 1] };
  const dyConv = randomTensor([2, 4, 4, 4], 83);
  const df = randomTensor([3, 3, 3, 2], 84);
  const dyDepth = randomTensor([2, 4, 4, 6], 85);
  const pool: PoolParams = { poolSize: [3, 3], strides: [2, 2], padding: 'same' };
  const dyPool = randomTensor([2, 4, 4, 3], 86);
  const g = randomTensor([3], 87, 0.5, 1.5).data;
  const beta = randomTensor([3], 88).data;
  const labels = tensor([2, 3], [0, 1, 0, 1, 0, 0]);
  const logits = randomTensor([2, 3], 89);
  // An LSTM step: batch 2, 5 units, step 1 of 3.
  const lstm = {
    xw: randomTensor([2 * 3, 20], 90).data,
    t: 1,
    steps: 3,
    hu: randomTensor([2, 20], 91).data,
    bias: randomTensor([20], 92).data,
    cPrev: randomTensor([2, 5], 92).data,
    batch: 2,
    units: 5,
  };
  // A GRU step: batch 2, 5 units, step 1 of 3.
  const gru = {
    xw: randomTensor([2 * 3, 15], 90).data,
    t: 1,
    steps: 3,
    hu: randomTensor([2, 15], 91).data,
    bias: randomTensor([30], 92).data,
    hPrev: randomTensor([2, 5], 92).data,
    batch: 2,
    units: 5,
  };
  // Whole sequences: batch 2, 5 units, 3 steps (see recurrent-sequence.test.ts for the wasm runs in a step scope).
  const lstmSeq = {
    xw: lstm.xw,
    recurrentKernel: randomTensor([5, 20], 93).data,
    bias: lstm.bias,
    h0: randomTensor([2, 5], 94).data,
    c0: randomTensor([2, 5], 95).data,
    batch: 2,
    steps: 3,
    units: 5,
    sequences: true,
  };
  const gruSeq = { ...lstmSeq, xw: gru.xw, recurrentKernel: randomTensor([5, 15], 93).data, bias: gru.bias };
  const seqGrad = { dy: randomTensor([2, 3, 5], 96).data, dhLast: randomTensor([2, 5], 97).data };
  return {
    matMul: (b) => [b.matMul(randomTensor([9, 5], 90), randomTensor([5, 11], 91)).data],
    conv2d: (b) => [b.conv2d(x, f, conv).data],
    conv2dBackpropInput: (b) => [b.conv2dBackpropInput(dyConv, f, x.shape, conv).data],
    conv2dBackpropFilter: (b) => [b.conv2dBackpropFilter(x, dyConv, f.shape, conv).data],
    depthwiseConv2d: (b) => [b.depthwiseConv2d(x, df, conv).data],
    depthwiseConv2dBackpropInput: (b) => [b.depthwiseConv2dBackpropInput(dyDepth, df, x.shape, conv).data],
    depthwiseConv2dBackpropFilter: (b) => [b.depthwiseConv2dBackpropFilter(x, dyDepth, df.shape, conv).data],
    maxPool: (b) => [b.maxPool(x, pool).data],
    maxPoolGrad: (b) => [b.maxPoolGrad(dyPool, x, pool).data],
    avgPool: (b) => [b.avgPool(x, pool).data],
    avgPoolGrad: (b) => [b.avgPoolGrad(dyPool, x.shape, pool).data],
    globalAvgPool: (b) => [b.globalAvgPool(x).data],
    globalAvgPoolGrad: (b) => [b.globalAvgPoolGrad(randomTensor([2, 3], 92), x.shape).data],
    globalMaxPool: (b) => [b.globalMaxPool(x).data],
    globalMaxPoolGrad: (b) => [b.globalMaxPoolGrad(randomTensor([2, 3], 93), x).data],
    batchNormTrain: (b) => {
      const r = b.batchNormTrain(x, g, beta, 0.001);
      return [r.y.data, r.saved.mean, r.saved.variance, r.saved.invStd];
    },
    batchNormInfer: (b) => [b.batchNormInfer(x, beta, g, g, beta, 0.001).data],
    batchNormBackward: (b) => {
      const r = b.batchNormBackward(randomTensor(x.shape, 95), x, g, b.batchNormTrain(x, g, beta, 0.001).saved);
      return [r.dx.data, r.dgamma, r.dbeta];
    },
    activation: (b) => [b.activation(x, 'gelu').data, b.activation(x, 'softmax').data],
    activationGrad: (b) => [b.activationGrad(x, x, b.activation(x, 'elu'), 'elu').data],
    softmaxCrossEntropy: (b) => [
      b.softmaxCrossEntropy(logits, labels).perRow,
      b.softmaxCrossEntropy(logits, labels).probs.data,
    ],
    softmaxCrossEntropyGrad: (b) => [
      b.softmaxCrossEntropyGrad(b.softmaxCrossEntropy(logits, labels).probs, labels).data,
    ],
    dropout: (b) => [b.dropout(x, 0.4, 5).y.data],
    dropoutGrad: (b) => [b.dropoutGrad(x, b.dropout(x, 0.4, 5).mask).data],
    zeroPad2d: (b) => [
      b.zeroPad2d(x, [
        [1, 2],
        [0, 1],
      ]).data,
    ],
    zeroPad2dGrad: (b) => [
      b.zeroPad2dGrad(x, [
        [1, 2],
        [0, 1],
      ]).data,
    ],
    add: (b) => [b.add(x, randomTensor([7, 1, 3], 94)).data],
    addGrad: (b) => b.addGrad(x, x.shape, [7, 1, 3]).map((t) => t.data),
    concat: (b) => [b.concat([x, x], 2).data],
    concatGrad: (b) =>
      b
        .concatGrad(
          x,
          [
            [2, 7, 3, 3],
            [2, 7, 4, 3],
          ],
          2,
        )
        .map((t) => t.data),
    biasActivation: (b) => [b.biasActivation(x, beta, 'relu').data, b.biasActivation(x, null, 'relu6').data],
    biasActivationGrad: (b) => {
      const r = b.biasActivationGrad(randomTensor(x.shape, 96), b.biasActivation(x, beta, 'relu'), 'relu', true);
      return [r.dz.data, r.dBias!];
    },
    biasAdd: (b) => [b.biasAdd(x, beta).data],
    biasAddGrad: (b) => [b.biasAddGrad(x)],
    lstmCell: (b) => {
      const cell = b.lstmCell(lstm);
      return [cell.a, cell.c, cell.ac, cell.h];
    },
    lstmCellGrad: (b) => {
      const cell = referenceBackend.lstmCell(lstm);
      const grads = b.lstmCellGrad({
        ...lstm,
        dh: randomTensor([2, 5], 93).data,
        dhNext: randomTensor([2, 5], 94).data,
        dcNext: randomTensor([2, 5], 95).data,
        a: cell.a,
        ac: cell.ac,
      });
      return [grads.dz, grads.dcPrev];
    },
    gruCell: (b) => {
      const cell = b.gruCell(gru);
      return [cell.a, cell.hh, cell.h];
    },
    gruCellGrad: (b) => {
      const cell = referenceBackend.gruCell(gru);
      const grads = b.gruCellGrad({
        ...gru,
        dh: randomTensor([2, 5], 93).data,
        dhNext: randomTensor([2, 5], 94).data,
        carry: { dht: randomTensor([2, 5], 95).data, a: cell.a },
        a: cell.a,
        hh: cell.hh,
      });
      return [grads.dx, grads.du, grads.dht];
    },
    lstmSequence: (b) => Object.values(b.lstmSequence(lstmSeq)),
    lstmSequenceGrad: (b) => {
      const seq = referenceBackend.lstmSequence(lstmSeq);
      const dcLast = randomTensor([2, 5], 98).data;
      return Object.values(b.lstmSequenceGrad({ ...lstmSeq, ...seq, ...seqGrad, dcLast }));
    },
    gruSequence: (b) => Object.values(b.gruSequence(gruSeq)),
    gruSequenceGrad: (b) => {
      const seq = referenceBackend.gruSequence(gruSeq);
      return Object.values(b.gruSequenceGrad({ ...gruSeq, ...seq, ...seqGrad }));
    },
    adamUpdate: (b) => {
      // Large enough (5000 weights) for the fast backend's wasm path.
      const w = randomTensor([5000], 96).data,
        m = randomTensor([5000], 97).data,
        v = randomTensor([5000], 98, 0, 1).data;
      b.adamUpdate(w, randomTensor([5000], 99).data, m, v, { alpha: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
      return [w, m, v];
    },
    merge: (b) =>
      (['subtract', 'multiply', 'average', 'maximum', 'minimum'] as const).map(
        (op) => b.merge(op, randomTensor([5000], 140), randomTensor([5000], 141)).data,
      ),
    mergeGrad: (b) =>
      (['subtract', 'multiply', 'average', 'maximum', 'minimum'] as const).flatMap((op) =>
        b
          .mergeGrad(op, randomTensor([5000], 142), randomTensor([5000], 143), randomTensor([5000], 144))
          .map((t) => t.data),
      ),
    scaleChannels: (b) => [b.scaleChannels(randomTensor([4, 9, 8, 37], 145), randomTensor([4, 1, 1, 37], 146)).data],
    scaleChannelsGrad: (b) =>
      b
        .scaleChannelsGrad(
          randomTensor([4, 9, 8, 37], 147),
          randomTensor([4, 9, 8, 37], 148),
          randomTensor([4, 1, 1, 37], 149),
        )
        .map((t) => t.data),
    layerNorm: (b) => {
      const { y, saved } = b.layerNorm(randomTensor([60, 7, 37], 152), randomTensor([37], 153).data, null, 1e-3, false);
      return [y.data, saved.xhat, saved.invStd];
    },
    layerNormGrad: (b) => {
      const x = randomTensor([60, 7, 37], 154),
        gamma = randomTensor([37], 155).data;
      const { saved } = b.layerNorm(x, gamma, null, 1e-3, true);
      const g = b.layerNormGrad(randomTensor([60, 7, 37], 156), gamma, saved, true);
      return [g.dx.data, g.dgamma, g.dbeta];
    },
    upSampleNearest: (b) => [b.upSampleNearest(randomTensor([3, 11, 9, 37], 150), [2, 3]).data],
    upSampleNearestGrad: (b) => [b.upSampleNearestGrad(randomTensor([3, 22, 27, 37], 151), [2, 3]).data],
    softmaxAxis: (b) => [b.softmaxAxis(randomTensor([3, 9, 7, 5], 163), 1).data],
    softmaxAxisGrad: (b) => {
      const y = referenceBackend.softmaxAxis(randomTensor([3, 9, 7, 5], 164), 2);
      return [b.softmaxAxisGrad(randomTensor([3, 9, 7, 5], 165), y, 2).data];
    },
    embedding: (b) => [b.embedding(ids(3000, 97, 167), randomTensor([97, 6], 168)).data],
    embeddingGrad: (b) => [b.embeddingGrad(randomTensor([3000, 6], 169), ids(3000, 97, 170), [97, 6]).data],
    transpose: (b) => [b.transpose(randomTensor([3, 9, 7, 5], 166), [0, 3, 1, 2]).data],
    reverseSteps: (b) => [b.reverseSteps(randomTensor([37, 11, 13], 171)).data],
    repeatVector: (b) => [b.repeatVector(randomTensor([37, 13], 172), 9).data],
    repeatVectorGrad: (b) => [b.repeatVectorGrad(randomTensor([37, 9, 13], 173)).data],
    affine: (b) => [
      b.affine(randomTensor([7, 9, 11, 3], 159), {
        scale: randomTensor([3], 160).data,
        center: randomTensor([3], 161).data,
        divide: true,
      }).data,
      b.affine(randomTensor([5000], 162), { scale: Float32Array.of(1 / 255), shift: Float32Array.of(-1) }).data,
    ],
    upSampleBilinear: (b) => [b.upSampleBilinear(randomTensor([3, 11, 9, 37], 157), [2, 3]).data],
    upSampleBilinearGrad: (b) => [
      b.upSampleBilinearGrad(randomTensor([3, 22, 27, 37], 158), [3, 11, 9, 37], [2, 3]).data,
    ],
    adamUpdateMany: (b) => {
      // A kernel, a bias and a BN vector in one call.
      const vars = [5000, 7, 64].map((n, i) => ({
        value: randomTensor([n], 100 + i).data,
        grad: randomTensor([n], 110 + i).data,
        m: randomTensor([n], 120 + i).data,
        v: randomTensor([n], 130 + i, 0, 1).data,
      }));
      b.adamUpdateMany(vars, { alpha: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
      return vars.flatMap((x) => [x.value, x.m, x.v]);
    },
  };
}

describe('fast backend worker threads', () => {
  it('start on the first op above the threading threshold, stop on dispose, and the backend still works after', async () => {
    const { backend, issue } = await loadBackend('fast', { threads: 2 });
    expect(issue).toBeUndefined();
    const fast = backend as FastBackend;
    const p: ConvParams = { strides: [1, 1], padding: 'same', dilations: [1, 1] };
    const x = randomTensor([6, 16, 16, 16], 96);
    const f = randomTensor([3, 3, 16, 96], 97); // 42 MFLOP, above the 4 MFLOP threshold
    const want = referenceBackend.conv2d(x, f, p).data;
    fast.conv2d(randomTensor([1, 4, 4, 2], 98), randomTensor([3, 3, 2, 2], 99), p);
    expect(fast.liveWorkers).toBe(0);
    expectClose(fast.conv2d(x, f, p).data, want, 1e-4, 1e-5 * maxAbs(want));
    expect(fast.liveWorkers).toBe(1);
    await disposeBackend(fast);
    expect(fast.liveWorkers).toBe(0);
    expectClose(fast.conv2d(x, f, p).data, want, 1e-4, 1e-5 * maxAbs(want));
    expect(fast.liveWorkers).toBe(0);
  });
});

describe('fast backend SIMD choice', () => {
  it('a relaxed-SIMD binary this runtime cannot validate leaves the plain-SIMD kernels in charge, with the same results', async () => {
    const { readFile } = await import('node:fs/promises');
    const simd = await readFile('dist/wasm/kernels-simd.wasm');
    // A copy of the relaxed binary cut short: invalid in every runtime, as the real one is where relaxed SIMD is off.
    const broken = (await readFile('dist/wasm/kernels-relaxed-simd.wasm')).subarray(0, 100);
    const fast = await createFastBackend({ binaries: { simd, relaxedSimd: broken } });
    expect(fast.relaxedSimd).toBe(false);
    const x = randomTensor([2, 9, 9, 5], 103),
      f = randomTensor([3, 3, 5, 6], 104);
    const p: ConvParams = { strides: [1, 1], padding: 'same', dilations: [1, 1] };
    const want = referenceBackend.conv2d(x, f, p).data;
    expectClose(fast.conv2d(x, f, p).data, want, 1e-4, 1e-5 * maxAbs(want));
    await fast.dispose();
  });
});

describe('fast backend memory limit', () => {
  it('an op larger than the wasm memory limit (1 MiB here) falls back to the reference kernel: a=[300,300] b=[300,300]', async () => {
    const { readFile } = await import('node:fs/promises');
    const fast = await createFastBackend({
      binaries: { simd: await readFile('dist/wasm/kernels-simd.wasm') },
      memoryLimitMiB: 1,
    });
    const a = randomTensor([300, 300], 100);
    const b = randomTensor([300, 300], 101);
    expect(Array.from(fast.matMul(a, b).data)).toEqual(Array.from(referenceBackend.matMul(a, b).data));
    const small = randomTensor([40, 40], 102);
    expectClose(fast.matMul(small, small).data, referenceBackend.matMul(small, small).data, 1e-5, 1e-5);
    await fast.dispose();
  });
});

describe.each(simdVariants)(
  'the fast backend (%s) agrees with the reference on every kernel (x=[2,7,7,3] f=[3,3,3,4] s=2 p=same)',
  (variant) => {
    const fast = useFastBackend(variant);
    const kernels = everyKernel();
    it('covers every method of the Backend interface', () => {
      const methods = Object.keys(referenceBackend).filter(
        (k) => typeof (referenceBackend as unknown as Record<string, unknown>)[k] === 'function',
      );
      expect(Object.keys(kernels).sort()).toEqual(methods.sort());
    });
    for (const [name, run] of Object.entries(kernels))
      it(name, () => {
        const want = run(referenceBackend);
        const got = run(fast());
        expect(got.length).toBe(want.length);
        want.forEach((w, i) => expectClose(got[i], w, 1e-4, 1e-5 * maxAbs(w)));
      });
  },
);
