import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastBackend, type FastBackend } from '../../../../engine/kernels/fast/backend';
import { tensor } from '../../../../engine/core/tensor';
import { activation, activationGrad, SMOOTH_ACTIVATIONS } from '../../../../engine/kernels/activations';
import type { ActivationName } from '../../../../engine/kernels/types';
import { simdVariants, useFastBackend, useOneThreadBackend } from '../fast-backend';
import { expectClose, maxAbs, randomTensor, shapeText } from '../helpers';

// 16384 + 3 values: the wasm path with a 3-value scalar tail; the values span relu6's upper knee too.
const SHAPE = [3, 43, 127];
const NAMES: ActivationName[] = ['relu', 'relu6', 'leaky_relu'];

for (const variant of simdVariants)
  describe(`piecewise-linear activations, fast backend (${variant}) against the reference`, () => {
    const fast = useFastBackend(variant);
    for (const name of NAMES)
      it(`${name} x=${shapeText(SHAPE)}: forward and gradient`, () => {
        const x = randomTensor(SHAPE, 41, -8, 8);
        const dy = randomTensor(SHAPE, 42);
        const y = activation(x, name);
        // leaky relu's slope·v is a f32 product here and a f64 product rounded in the reference: 1 ulp apart.
        expectClose(fast().activation(x, name).data, y.data, 1e-7, 0);
        expectClose(fast().activationGrad(dy, x, y, name).data, activationGrad(dy, x, y, name).data, 1e-7, 0);
      });

    it('leaky_relu uses the given negative slope', () => {
      const x = tensor(
        [16387],
        Float32Array.from({ length: 16387 }, (_, i) => (i % 2 ? -2 : 3)),
      );
      const y = fast().activation(x, 'leaky_relu', { negativeSlope: 0.5 });
      expect([y.data[0], y.data[1], y.data[16385], y.data[16386]]).toEqual([3, -1, -1, 3]);
    });

    it('NaN, ±0 and the relu6 edges behave as the reference (NaN → 0, 6 → 6 with zero gradient)', () => {
      const special = [NaN, 0, -0, 6, 6.5, -1e-30, Infinity, -Infinity];
      const x = tensor(
        [16384 + special.length],
        Float32Array.from({ length: 16384 + special.length }, (_, i) => special[i % special.length]),
      );
      const dy = tensor(x.shape, new Float32Array(x.data.length).fill(2));
      for (const name of NAMES) {
        const y = activation(x, name);
        expect(Array.from(fast().activation(x, name).data)).toEqual(Array.from(y.data));
        expect(Array.from(fast().activationGrad(dy, x, y, name).data)).toEqual(
          Array.from(activationGrad(dy, x, y, name).data),
        );
      }
    });

    it('small tensors fall through to the reference unchanged', () => {
      const small = randomTensor([5, 7], 44);
      expect(Array.from(fast().activation(small, 'relu').data)).toEqual(Array.from(activation(small, 'relu').data));
    });
  });

const SMOOTH = SMOOTH_ACTIVATIONS;

/** |got − want| within a few float32 ulps of want, or of the function's scale near 0. */
function withinUlps(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  for (let i = 0; i < want.length; i++) {
    if (got[i] === want[i]) continue; // infinities included
    const tol = 6 * 2 ** -24 * Math.abs(want[i]) + 2e-7;
    if (!(Math.abs(got[i] - want[i]) <= tol) && !(Number.isNaN(got[i]) && Number.isNaN(want[i])))
      expect.fail(`${what}[${i}]: ${got[i]} vs the reference's ${want[i]}`);
  }
}

for (const variant of simdVariants)
  describe(`smooth activations in wasm (${variant}): within a few float32 ulps of the reference`, () => {
    const fast = useFastBackend(variant);
    // −9 … 9 (both saturations, the kinks at ±3, ±1 and ±0.5, expm1's and tanh's switch points at ±¼ and ±0.625),
    // and exact special points in a tail: 0, the kinks, large values (mish's switch at 20, where x² overflows).
    const special = [0, -0, 3, -3, 0.25, -0.25, 0.625, -0.625, 30, -30, 88, -100, 1e-8];
    special.push(1, -1, 0.5, -0.5, 20, 21, -20, 1e-30, -1e-30, 1e20, -1e20, 1e38, -1e38, 5e-39);
    const x = tensor(
      [20000 + special.length],
      Float32Array.from({ length: 20000 + special.length }, (_, i) =>
        i < 20000 ? Math.fround(-9 + (18 * i) / 19999) : special[i - 20000],
      ),
    );
    const dy = randomTensor(x.shape, 45);
    for (const name of SMOOTH)
      it(`${name}: forward and gradient`, () => {
        const options = name === 'elu' ? { alpha: 0.7 } : {};
        const y = activation(x, name, options);
        const got = fast().activation(x, name, options);
        withinUlps(got.data, y.data, `${name}(x)`);
        // The gradient from the reference's y, as a training step passes it.
        const want = activationGrad(dy, x, y, name, options).data;
        withinUlps(fast().activationGrad(dy, x, y, name, options).data, want, `d${name}`);
      });
  });

describe('softmax, fast backend (wasm, exp four lanes at a time) against the reference', () => {
  const fast = useFastBackend();
  let single: FastBackend;
  beforeAll(async () => {
    single = await createFastBackend({ binaries: { simd: await readFile('dist/wasm/kernels-simd.wasm') }, threads: 1 });
  });
  afterAll(() => single.dispose());
  // A 1000-class head at batch 64 (threaded); 37 classes (a scalar tail); a 4-D tensor over its channels.
  for (const shape of [
    [64, 1000],
    [500, 37],
    [2, 9, 9, 128],
  ])
    it(`x=${shapeText(shape)}: within a few float32 ulps, each row summing to 1, the same bits on 1 and 2 threads`, () => {
      const x = randomTensor(shape, 43, -30, 30);
      const want = activation(x, 'softmax').data;
      const got = fast().activation(x, 'softmax').data;
      expectClose(got, want, 2e-6, 1e-12);
      const c = shape[shape.length - 1];
      for (let r = 0; r < got.length; r += c * 97) {
        const sum = got.subarray(r, r + c).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      }
      const oneThread = single.activation(x, 'softmax').data;
      expect(oneThread.findIndex((v, i) => !Object.is(v, got[i]))).toBe(-1);
    });

  it('rows with NaN, +Inf or only −Inf give NaN, as the reference; huge logits do not overflow', () => {
    const c = 40;
    const x = randomTensor([512, c], 44, -5, 5);
    x.data[3] = Number.NaN; // row 0
    x.data[c + 7] = Number.POSITIVE_INFINITY; // row 1
    x.data.fill(Number.NEGATIVE_INFINITY, 2 * c, 3 * c); // row 2
    x.data.fill(1e30, 3 * c, 3 * c + 3); // row 3: three equal huge logits
    const want = activation(x, 'softmax').data;
    const got = fast().activation(x, 'softmax').data;
    for (let i = 0; i < 3 * c; i++) expect(Number.isNaN(got[i])).toBe(Number.isNaN(want[i]));
    expect(Array.from(got.subarray(3 * c, 3 * c + 4))).toEqual([1 / 3, 1 / 3, 1 / 3, 0].map(Math.fround));
    expectClose(got.subarray(4 * c), want.subarray(4 * c), 2e-6, 1e-12);
  });
});

describe('log_softmax and the softmax family’s gradients, fast backend (wasm) against the reference', () => {
  const fast = useFastBackend();
  const one = useOneThreadBackend();
  // A 1000-class head at batch 64 (threaded); 37 classes (a scalar tail); an attention map over its last axis.
  for (const shape of [
    [64, 1000],
    [500, 37],
    [2, 4, 9, 128],
  ])
    it(`x=${shapeText(shape)}: within float32 error, the same bits on 1 and 2 threads`, () => {
      const x = randomTensor(shape, 45, -30, 30);
      const dy = randomTensor(shape, 46);
      const results = [one(), fast()].map((b) => {
        const logY = b.activation(x, 'log_softmax');
        const y = b.activation(x, 'softmax');
        const dLog = b.activationGrad(dy, x, logY, 'log_softmax');
        const d = b.activationGrad(dy, x, y, 'softmax');
        return [logY, dLog, d].map((t) => Float32Array.from(t.data));
      });
      const logY = activation(x, 'log_softmax');
      const y = activation(x, 'softmax');
      const wants = [logY, activationGrad(dy, x, logY, 'log_softmax'), activationGrad(dy, x, y, 'softmax')];
      // The log's absolute error follows the shift (max + log Σ), up to ~30 here; the gradients are O(1).
      const tolerances = [4e-6, 2e-6, 2e-6];
      for (const [k, want] of wants.entries()) {
        expectClose(results[1][k], want.data, tolerances[k], tolerances[k] * Math.max(1, maxAbs(want.data)));
        expect(results[0][k].findIndex((v, i) => !Object.is(v, results[1][k][i]))).toBe(-1);
      }
    });

  it('rows with NaN or +Inf give NaN, as the reference; huge logits do not overflow', () => {
    const c = 40;
    const x = randomTensor([512, c], 47, -5, 5);
    x.data[3] = Number.NaN; // row 0
    x.data[c + 7] = Number.POSITIVE_INFINITY; // row 1
    x.data.fill(1e30, 2 * c, 2 * c + 3); // row 2: three equal huge logits
    const want = activation(x, 'log_softmax').data;
    const got = fast().activation(x, 'log_softmax').data;
    for (let i = 0; i < 2 * c; i++) expect(Number.isNaN(got[i])).toBe(Number.isNaN(want[i]));
    // The three huge ones: 0 (log 3 is below 1e30's float32 resolution, as in the reference's f64); the rest −1e30.
    expect(Array.from(got.subarray(2 * c, 2 * c + 4))).toEqual([0, 0, 0, Math.fround(-1e30)]);
    expectClose(got.subarray(2 * c), want.subarray(2 * c), 4e-6, 4e-6 * 5);
  });
});
