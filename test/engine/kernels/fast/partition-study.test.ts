// A partition study (RuntimeOptions.studyThreads; `layercanvas train --profile --study-threads 16`) splits every
// shared pass as 16 threads would and runs each share alone on this thread. It measures, so it must compute what a
// normal run computes: the article CNN's passes give the bits of one thread, and the meter lists every shared pass
// with one time per share, adding up to the shared time it reports.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastBackend, type FastBackend } from '../../../../engine/kernels/fast/backend';
import { filterUnit } from '../../../../engine/kernels/fast/conv2d-winograd';
import { describeKernels } from '../../../../engine/kernels/registry';
import type { ConvParams, PoolParams } from '../../../../engine/kernels/types';
import { randomTensor, expectSameBits } from '../helpers';

let one: FastBackend;
let study: FastBackend;
beforeAll(async () => {
  const simd = await readFile('dist/wasm/kernels-simd.wasm');
  one = await createFastBackend({ binaries: { simd }, threads: 1 });
  study = await createFastBackend({ binaries: { simd }, studyThreads: 16 });
});
afterAll(async () => {
  await one?.dispose();
  await study?.dispose();
});

const same = expectSameBits;

describe('a partition study of 16 threads', () => {
  it('reports 16 threads, no workers, and says it is a study', () => {
    expect(study.threads).toBe(16);
    expect(study.studyThreads).toBe(16);
    expect(one.studyThreads).toBe(0);
    expect(describeKernels(study).label).toMatch(/16 threads' shares run one after another \(partition study\)$/);
  });

  it("computes the article CNN's passes to the bits of one thread, and lists each shared pass's 16 shares", () => {
    const valid: ConvParams = { strides: [1, 1], padding: 'valid', dilations: [1, 1] };
    const pool: PoolParams = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
    const x = randomTensor([64, 26, 26, 32], 1),
      f = randomTensor([3, 3, 32, 32], 2),
      dy = randomTensor([64, 24, 24, 32], 3),
      flat = randomTensor([64, 4608], 4),
      w = randomTensor([4608, 10], 5),
      gamma = randomTensor([32], 6).data,
      beta = randomTensor([32], 7).data;
    const passes = (b: FastBackend) =>
      b.stepScope(() => {
        const y = b.conv2d(x, f, valid);
        const bn = b.batchNormTrain(y, gamma, beta, 1e-3, -1, 'relu');
        const grads = b.batchNormBackward(dy, y, gamma, bn.saved, { activation: 'relu', y: bn.y });
        const act = b.biasActivationGrad(dy, bn.y, 'relu', true);
        return [
          y.data,
          bn.y.data,
          grads.dx.data,
          act.dz.data,
          act.dBias!,
          b.maxPool(bn.y, pool).data,
          b.conv2dBackpropInput(dy, f, x.shape, valid).data,
          b.conv2dBackpropFilter(x, dy, f.shape, valid).data,
          b.matMul(flat, w).data,
        ].map((v) => Float64Array.from(v));
      });
    const want = passes(one);
    study.meter.enabled = true;
    study.meter.parallelMs = 0;
    study.meter.shares.length = 0;
    const got = passes(study);
    study.meter.enabled = false;
    const names = ['conv2d', 'BN', 'BN dx', 'relu dz', 'dBias', 'max pool', 'conv dx', 'conv dW', 'Dense'];
    got.forEach((v, i) => same(v, want[i], names[i]));

    const shares = study.meter.shares.splice(0);
    const fns = new Set(shares.map((p) => p.fn));
    // The Winograd filter transform (a 32 → 32 filter), the GEMM of the Dense layer, BN's passes: all shared.
    for (const fn of ['winogradFilter4Shared', 'conv2dWinograd4', 'conv2dWinograd4Filter', 'gemmShared'])
      expect(fns, fn).toContain(fn);
    for (const p of shares) {
      expect(p.ms.length, p.fn).toBeGreaterThanOrEqual(2);
      expect(p.ms.length, p.fn).toBeLessThanOrEqual(16);
      expect(p.ms.every((ms) => ms >= 0)).toBe(true);
    }
    expect(shares.filter((p) => p.ms.length === 16).length).toBeGreaterThan(shares.length / 2);
    expect(study.meter.parallelMs).toBeCloseTo(
      shares.reduce((s, p) => s + p.ms.reduce((a, b) => a + b, 0), 0),
      6,
    );
  });

  it('leaves the meter alone while no profiler enables it', () => {
    study.meter.shares.length = 0;
    study.stepScope(() => study.matMul(randomTensor([64, 4608], 8), randomTensor([4608, 10], 9)));
    expect(study.meter.shares).toEqual([]);
  });
});

describe('the Winograd filter transform has units for every thread', () => {
  it('about 4 per thread, whole vectors, from 64 floats up to 1024', () => {
    // 32 → 32 (1024 floats): one unit of 1024 left 15 of 16 threads idle; now 16 units of 64.
    expect(filterUnit(32 * 32, 16)).toBe(64);
    expect(filterUnit(32 * 32, 2)).toBe(128);
    expect(filterUnit(32 * 32, 1)).toBe(256);
    expect(filterUnit(256 * 256, 16)).toBe(1024);
    expect(filterUnit(3 * 20, 16)).toBe(64);
    expect(filterUnit(40 * 24, 3) % 4).toBe(0);
  });
});
