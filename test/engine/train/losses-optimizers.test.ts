// Losses and optimizers against the numbers Keras's own documentation prints for the same inputs.
import { describe, expect, it } from 'vitest';
import { accuracy, computeLoss } from '../../../engine/train/losses';
import { makeOptimizer, OPTIMIZER_DEFAULTS } from '../../../engine/train/optimizers';

const t = (shape: number[], data: number[]) => ({ shape, data: Float32Array.from(data) });
const plain = { fromLogits: false, outputActivation: null };

describe('losses equal Keras', () => {
  it('categorical_crossentropy of the Keras docs example is 1.1769392', () => {
    const r = computeLoss(
      'categorical_crossentropy',
      t([2, 3], [0.05, 0.95, 0, 0.1, 0.8, 0.1]),
      Float32Array.of(0, 1, 0, 0, 0, 1),
      plain,
    );
    expect(r.loss).toBeCloseTo(1.1769392, 6);
  });
  it('sparse_categorical_crossentropy of the same is the same', () => {
    const r = computeLoss(
      'sparse_categorical_crossentropy',
      t([2, 3], [0.05, 0.95, 0, 0.1, 0.8, 0.1]),
      Int32Array.of(1, 2),
      plain,
    );
    expect(r.loss).toBeCloseTo(1.1769392, 6);
  });
  it('binary_crossentropy of the Keras docs example is 0.81492424', () => {
    const r = computeLoss('binary_crossentropy', t([2, 2], [0.6, 0.4, 0.4, 0.6]), Float32Array.of(0, 1, 0, 0), plain);
    expect(r.loss).toBeCloseTo(0.81492424, 5);
  });
  it('mean_squared_error of the Keras docs example is 0.5', () => {
    expect(computeLoss('mean_squared_error', t([2, 2], [1, 1, 1, 0]), Float32Array.of(0, 1, 0, 0), plain).loss).toBe(
      0.5,
    );
  });
  it('from_logits and a fused softmax give the same loss as probabilities, and p − y as the logits gradient', () => {
    const logits = t([1, 3], [2, 1, -1]);
    const e = [Math.exp(2), Math.exp(1), Math.exp(-1)];
    const p = e.map((v) => v / (e[0] + e[1] + e[2]));
    const y = Float32Array.of(0, 1, 0);
    const fromLogits = computeLoss('categorical_crossentropy', logits, y, { fromLogits: true, outputActivation: null });
    expect(fromLogits.loss).toBeCloseTo(-Math.log(p[1]), 6);
    const fused = computeLoss('categorical_crossentropy', t([1, 3], p), y, {
      fromLogits: false,
      outputActivation: 'softmax',
      logits,
    });
    expect(fused.loss).toBeCloseTo(-Math.log(p[1]), 6);
    expect(fused.gradIsLogits).toBe(true);
    expect(Array.from(fused.grad.data)).toEqual([p[0], p[1] - 1, p[2]].map((v) => expect.closeTo(v, 6)));
  });
  it('the probability-space gradient equals finite differences', () => {
    const probs = [0.2, 0.5, 0.3, 0.6, 0.3, 0.1];
    const y = Float32Array.of(0, 1, 0, 1, 0, 0);
    const r = computeLoss('categorical_crossentropy', t([2, 3], probs), y, plain);
    for (let i = 0; i < 6; i++) {
      const up = [...probs];
      const down = [...probs];
      up[i] += 1e-4;
      down[i] -= 1e-4;
      const numeric =
        (computeLoss('categorical_crossentropy', t([2, 3], up), y, plain).loss -
          computeLoss('categorical_crossentropy', t([2, 3], down), y, plain).loss) /
        2e-4;
      expect(r.grad.data[i]).toBeCloseTo(numeric, 3);
    }
  });
  it('accuracy: categorical by argmax, binary by 0.5', () => {
    expect(
      accuracy(
        'categorical_crossentropy',
        t([2, 3], [0.1, 0.8, 0.1, 0.5, 0.2, 0.3]),
        Float32Array.of(0, 1, 0, 0, 0, 1),
      ),
    ).toBe(0.5);
    expect(
      accuracy('sparse_categorical_crossentropy', t([2, 3], [0.1, 0.8, 0.1, 0.5, 0.2, 0.3]), Int32Array.of(1, 0)),
    ).toBe(1);
    expect(accuracy('binary_crossentropy', t([4, 1], [0.9, 0.2, 0.6, 0.4]), Float32Array.of(1, 0, 0, 0))).toBe(0.75);
  });
});

describe('optimizers equal Keras', () => {
  const run = (cfg: Parameters<typeof makeOptimizer>[0], start: number, steps: number) => {
    const opt = makeOptimizer(cfg);
    const v = Float32Array.of(start);
    const values: number[] = [];
    for (let i = 0; i < steps; i++) {
      opt.step(new Map([['w', { value: v, grad: Float32Array.of(v[0]) }]])); // loss = w²/2, so grad = w
      values.push(v[0]);
    }
    return values;
  };
  it('Keras defaults', () => {
    expect(OPTIMIZER_DEFAULTS.adam).toMatchObject({ learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    expect(OPTIMIZER_DEFAULTS.sgd).toMatchObject({ learning_rate: 0.01, momentum: 0, nesterov: false });
    expect(OPTIMIZER_DEFAULTS.rmsprop).toMatchObject({
      learning_rate: 0.001,
      rho: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    });
  });
  it('SGD(0.1): 1.0 → 0.9; with momentum 0.9 the second step is 0.18 (Keras docs)', () => {
    expect(run({ name: 'sgd', learning_rate: 0.1 }, 1, 1)[0]).toBeCloseTo(0.9, 6);
    const [v1, v2] = run({ name: 'sgd', learning_rate: 0.1, momentum: 0.9 }, 1, 2);
    expect(1 - v1).toBeCloseTo(0.1, 6);
    expect(v1 - v2).toBeCloseTo(0.18, 6);
  });
  it('SGD nesterov: var += momentum·m − lr·g', () => {
    const [v1] = run({ name: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov: true }, 1, 1);
    expect(v1).toBeCloseTo(1 + 0.9 * -0.1 - 0.1, 6);
  });
  it('RMSprop(0.1): 10.0 → 9.683772 (Keras docs)', () => {
    expect(run({ name: 'rmsprop', learning_rate: 0.1 }, 10, 1)[0]).toBeCloseTo(9.683772, 5);
  });
  it('Adam: the first step moves by about the learning rate, the second by the bias-corrected formula', () => {
    const [v1, v2] = run({ name: 'adam', learning_rate: 0.1 }, 1, 2);
    expect(1 - v1).toBeCloseTo(0.1, 5);
    const m = 0.1 * 1 * 0.9 + 0.1 * v1;
    const s = 0.001 * 1 * 0.999 + 0.001 * v1 * v1;
    const alpha = (0.1 * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    expect(v2).toBeCloseTo(v1 - (alpha * m) / (Math.sqrt(s) + 1e-7), 5);
  });
});
