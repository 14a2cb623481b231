// The cross-entropy from logits on the fast backend against the host's loss (engine/train/losses.ts), which the
// trainer used alone before: the same f64 formulas per row, so the gradient matches to the float32 bit (wasm's exp
// and ln are musl's, V8's fdlibm's: they may differ in an f64's last bit) and the loss to 1e-12.
import { describe, expect, it } from 'vitest';
import { computeLoss } from '../../../../engine/train/losses';
import { simdVariants, useFastBackend } from '../fast-backend';
import { randomTensor } from '../helpers';

function labels(rows: number, k: number, seed: number): Int32Array {
  let s = seed;
  return Int32Array.from({ length: rows }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  });
}

const oneHot = (cls: Int32Array, k: number) => {
  const t = new Float32Array(cls.length * k);
  cls.forEach((c, r) => {
    t[r * k + c] = 1;
  });
  return t;
};

/** Largest difference in float32 ulps of the larger magnitude. */
function maxUlps(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(a[i]), Math.abs(b[i]), 1e-30))) - 23);
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / ulp);
  }
  return worst;
}

for (const variant of simdVariants)
  describe(`cross-entropy from logits, fast backend (${variant})`, () => {
    const fast = useFastBackend(variant);
    // 64×1000 (threaded: above 64K values) and 500×37 (one thread, a class count that is no multiple of 4).
    for (const [rows, k] of [
      [64, 1000],
      [500, 37],
    ])
      for (const sparse of [true, false])
        it(`${rows}×${k}, ${sparse ? 'sparse' : 'one-hot'} labels: loss and gradient equal the host's`, () => {
          const logits = randomTensor([rows, k], rows + k);
          for (let i = 0; i < logits.data.length; i++) logits.data[i] *= 8;
          const cls = labels(rows, k, k);
          const name = sparse ? 'sparse_categorical_crossentropy' : 'categorical_crossentropy';
          const target = sparse ? cls : oneHot(cls, k);
          const host = computeLoss(name, logits, target, { fromLogits: true, outputActivation: null });
          const ours = computeLoss(name, logits, target, {
            fromLogits: true,
            outputActivation: null,
            kernels: fast(),
          });
          expect(fast().crossEntropyFromLogits?.(logits, target, sparse)).not.toBeNull();
          expect(Math.abs(ours.loss - host.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(host.loss));
          expect(maxUlps(ours.grad.data, host.grad.data)).toBeLessThanOrEqual(1);
          expect(ours.gradIsLogits).toBe(host.gradIsLogits);
        });

    it('a softmax output layer: the loss and gradient come from its logits, as on the host', () => {
      const logits = randomTensor([128, 200], 5);
      const cls = labels(128, 200, 3);
      const opts = { fromLogits: false, outputActivation: 'softmax', logits };
      const probs = fast().activation(logits, 'softmax');
      const host = computeLoss('sparse_categorical_crossentropy', probs, cls, opts);
      const ours = computeLoss('sparse_categorical_crossentropy', probs, cls, { ...opts, kernels: fast() });
      expect(ours.gradIsLogits).toBe(true);
      expect(Math.abs(ours.loss - host.loss)).toBeLessThanOrEqual(1e-12 * host.loss);
      expect(maxUlps(ours.grad.data, host.grad.data)).toBeLessThanOrEqual(1);
    });

    it('small heads, and sparse labels that are not one Int32 class per row, stay on the host', () => {
      const small = randomTensor([64, 10], 1);
      expect(fast().crossEntropyFromLogits?.(small, labels(64, 10, 1), true)).toBeNull();
      const big = randomTensor([64, 1000], 2);
      expect(fast().crossEntropyFromLogits?.(big, new Float32Array(64), true)).toBeNull();
      expect(fast().crossEntropyFromLogits?.(big, labels(63, 1000, 1), true)).toBeNull();
    });
  });
