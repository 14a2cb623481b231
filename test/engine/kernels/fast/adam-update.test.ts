import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFastBackend } from '../../../../engine/kernels/fast/backend';
import { WASM_FILES } from '../../../../engine/kernels/registry';
import { adamUpdate, type AdamStep, type AdamVariable } from '../../../../engine/kernels/adam-update';
import { simdVariants, useFastBackend } from '../fast-backend';
import { expectClose, randomTensor } from '../helpers';

// Keras defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7; alpha folds in the bias correction of step t.
const stepAt = (t: number, lr = 0.001): AdamStep => ({
  alpha: (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t),
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
});

describe('Adam update, reference', () => {
  it("the first step moves every weight by lr against its gradient's sign (Adam's bias-corrected first step)", () => {
    const value = new Float32Array([1, 1, 1, 1]),
      grad = new Float32Array([3, -0.5, 0.2, -40]);
    adamUpdate(value, grad, new Float32Array(4), new Float32Array(4), stepAt(1));
    expectClose(value, [0.999, 1.001, 0.999, 1.001], 0, 1e-6);
  });
});

for (const variant of simdVariants)
  describe(`Adam update, fast backend (${variant}) against the reference`, () => {
    const fast = useFastBackend(variant);
    // Above the wasm threshold (4096), with tails of 3 and 1 values after the 4-lane loop.
    for (const n of [4099, 100_353])
      it(`${n} weights over 5 steps: weights and both slots equal the reference exactly`, () => {
        const w0 = randomTensor([n], 61).data;
        const ref = { w: w0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
        const got = { w: w0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
        for (let t = 1; t <= 5; t++) {
          const g = randomTensor([n], 61 + t).data;
          adamUpdate(ref.w, g, ref.m, ref.v, stepAt(t));
          fast().adamUpdate(got.w, g, got.m, got.v, stepAt(t));
        }
        // The same f64 operations in the same order: bit for bit.
        expect(Array.from(got.m)).toEqual(Array.from(ref.m));
        expect(Array.from(got.v)).toEqual(Array.from(ref.v));
        expect(Array.from(got.w)).toEqual(Array.from(ref.w));
      });

    it('updates the arrays it was given, in place, and leaves the gradient alone', () => {
      const n = 5000;
      const w = new Float32Array(n).fill(1),
        g = new Float32Array(n).fill(2),
        m = new Float32Array(n),
        v = new Float32Array(n);
      fast().adamUpdate(w, g, m, v, stepAt(1));
      expect([w[0], w[n - 1]].map((x) => +x.toFixed(6))).toEqual([0.999, 0.999]);
      expect([m[4999], g[4999]]).toEqual([Math.fround(0.2), 2]);
    });

    it('inside training steps the slots move into wasm memory after the first and every step still equals the reference bit for bit', () => {
      const n = 300_000; // above the pool's threshold: both threads share each update
      const w0 = randomTensor([n], 71).data;
      const ref = { w: w0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
      const got = { w: w0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
      const b = fast();
      const pinnedBefore = b.pinnedBytes;
      for (let t = 1; t <= 6; t++) {
        const g = randomTensor([n], 71 + t).data;
        adamUpdate(ref.w, g, ref.m, ref.v, stepAt(t));
        b.stepScope(() => b.adamUpdate(got.w, g, got.m, got.v, stepAt(t)));
        expect(Array.from(got.w)).toEqual(Array.from(ref.w));
        // From the second step the slots live in wasm memory, twice each (read one, write the other).
        if (t >= 2) expect(b.pinnedBytes - pinnedBefore).toBeGreaterThanOrEqual(4 * n * 4);
      }
    });
  });

/** Variables of these sizes with fresh slots: a reference copy and one for the backend under test. */
function variables(sizes: number[], seed: number): { ref: AdamVariable[]; got: AdamVariable[] } {
  const make = () =>
    sizes.map((n, i) => ({
      value: randomTensor([n], seed + i).data,
      grad: new Float32Array(n),
      m: new Float32Array(n),
      v: new Float32Array(n),
    }));
  return { ref: make(), got: make() };
}

function newGradients(ref: AdamVariable[], got: AdamVariable[], seed: number) {
  ref.forEach((x, i) => {
    x.grad = randomTensor([x.value.length], seed + i).data;
    got[i].grad = x.grad;
  });
}

const sameBits = (a: AdamVariable[], b: AdamVariable[]) =>
  a.forEach((x, i) => {
    for (const k of ['value', 'm', 'v'] as const)
      expect(Array.from(b[i][k]), `variable ${i} ${k}`).toEqual(Array.from(x[k]));
  });

describe('Adam over every variable of a step in one call (adamUpdateMany)', () => {
  const fast = useFastBackend();
  // A model's mix: biases and BN vectors (1–64 values), small kernels, a large one; 426K in all, so the threads share
  // the call (no variable alone is above the pool's threshold).
  const SIZES = [32, 288, 1, 32, 9216, 3, 64, 150_001, 4099, 10, 262_000];

  it('six steps in step scopes: every weight and slot equals the reference bit for bit; the slots move into wasm memory', () => {
    const { ref, got } = variables(SIZES, 200);
    const b = fast();
    const pinnedBefore = b.pinnedBytes;
    for (let t = 1; t <= 6; t++) {
      newGradients(ref, got, 300 + 20 * t);
      for (const x of ref) adamUpdate(x.value, x.grad, x.m, x.v, stepAt(t));
      b.stepScope(() => b.adamUpdateMany(got, stepAt(t)));
      ref.forEach((x, i) => expect(Array.from(got[i].value), `step ${t} variable ${i}`).toEqual(Array.from(x.value)));
      const total = SIZES.reduce((s, n) => s + n, 0);
      if (t >= 2) expect(b.pinnedBytes - pinnedBefore).toBeGreaterThanOrEqual(4 * total * 4);
    }
  });

  it('outside a step, and mixed with the one-variable call: the slots stay in their arrays, exact', () => {
    const { ref, got } = variables([5000, 17, 70_000], 400);
    const b = fast();
    for (let t = 1; t <= 4; t++) {
      newGradients(ref, got, 500 + 10 * t);
      for (const x of ref) adamUpdate(x.value, x.grad, x.m, x.v, stepAt(t));
      if (t % 2) b.adamUpdateMany(got, stepAt(t));
      else for (const x of got) b.adamUpdate(x.value, x.grad, x.m, x.v, stepAt(t));
    }
    sameBits(ref, got);
  });

  it('operands that differ in length are refused as the reference refuses them', () => {
    const x = { value: new Float32Array(8), grad: new Float32Array(7), m: new Float32Array(8), v: new Float32Array(8) };
    expect(() => fast().adamUpdateMany([x], stepAt(1))).toThrow(/Adam operands differ in length: value 8, grad 7/);
  });
});

describe('Adam update, fast backend, slots held in wasm memory', () => {
  const binaries = async () => ({
    simd: await readFile(join(import.meta.dirname, '../../../../dist/wasm', WASM_FILES.simd)),
  });

  it('a step the memory can no longer hold hands the slots back to their arrays and runs on the reference, still exact', async () => {
    // 24 MiB: the slots of 256K weights, pinned twice (4 MiB), fit under the pinning share (a quarter); two kept
    // results of 9.2 MiB each leave the second step's Adam no room for the weights and gradient.
    const b = await createFastBackend({ binaries: await binaries(), threads: 1, Worker: null, memoryLimitMiB: 24 });
    const n = 1 << 18;
    const x0 = randomTensor([2_400_000 / 16, 16], 90);
    const zero = new Float32Array(16);
    const w0 = randomTensor([n], 81).data;
    const ref = { w: w0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
    const got = { w: w0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
    const pinnedAtStart: number[] = [];
    for (let t = 1; t <= 3; t++) {
      const g = randomTensor([n], 81 + t).data;
      adamUpdate(ref.w, g, ref.m, ref.v, stepAt(t));
      b.stepScope(() => {
        pinnedAtStart.push(b.pinnedBytes);
        const x1 = b.biasActivation(x0, zero, 'linear');
        b.biasActivation(x1, zero, 'linear');
        b.adamUpdate(got.w, g, got.m, got.v, stepAt(t));
      });
    }
    // Pinned before the second step, handed back during it; the third copied them again.
    expect(pinnedAtStart).toEqual([0, 4 * Math.ceil((4 * n) / 64) * 64, 0]);
    expect(b.pinnedBytes).toBe(0);
    expect(Array.from(got.w)).toEqual(Array.from(ref.w));
    expect(Array.from(got.m)).toEqual(Array.from(ref.m));
    expect(Array.from(got.v)).toEqual(Array.from(ref.v));
    await b.dispose();
  });

  it('one call for many variables: a step the memory can no longer hold hands every slot back and runs on the reference, exact', async () => {
    const b = await createFastBackend({ binaries: await binaries(), threads: 1, Worker: null, memoryLimitMiB: 24 });
    const x0 = randomTensor([2_400_000 / 16, 16], 90);
    const zero = new Float32Array(16);
    const { ref, got } = variables([1 << 17, 40, 1 << 17], 600);
    const pinnedAtStart: number[] = [];
    for (let t = 1; t <= 3; t++) {
      newGradients(ref, got, 700 + 10 * t);
      for (const x of ref) adamUpdate(x.value, x.grad, x.m, x.v, stepAt(t));
      b.stepScope(() => {
        pinnedAtStart.push(b.pinnedBytes);
        const x1 = b.biasActivation(x0, zero, 'linear');
        b.biasActivation(x1, zero, 'linear');
        b.adamUpdateMany(got, stepAt(t));
      });
    }
    // Pinned before the second step, handed back during it; the third copied them again.
    expect(pinnedAtStart[0]).toBe(0);
    expect(pinnedAtStart[1]).toBeGreaterThan(4 * 4 * (1 << 18));
    expect(pinnedAtStart[2]).toBe(0);
    expect(b.pinnedBytes).toBe(0);
    sameBits(ref, got);
    await b.dispose();
  });

  it('slots that would take more than a quarter of the memory limit stay in their arrays', async () => {
    const b = await createFastBackend({ binaries: await binaries(), threads: 1, Worker: null, memoryLimitMiB: 24 });
    const n = 1 << 20; // pinned twice: 16 MiB, over 6 MiB
    const w0 = randomTensor([n], 91).data;
    const ref = { w: w0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
    const got = { w: w0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
    for (let t = 1; t <= 3; t++) {
      const g = randomTensor([n], 91 + t).data;
      adamUpdate(ref.w, g, ref.m, ref.v, stepAt(t));
      b.stepScope(() => b.adamUpdate(got.w, g, got.m, got.v, stepAt(t)));
      expect(b.pinnedBytes).toBe(0);
    }
    expect(Array.from(got.m)).toEqual(Array.from(ref.m));
    expect(Array.from(got.w)).toEqual(Array.from(ref.w));
    await b.dispose();
  });
});
