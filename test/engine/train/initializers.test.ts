import { describe, expect, it } from 'vitest';
import { computeFans, initialize, initializeWeights, TRUNCATION_CORRECTION } from '../../../engine/train/initializers';
import { Random } from '../../../engine/core/random';
import { getTemplate } from '../../../engine/graph/templates';
import { infer } from '../../../engine/graph/inference';

function stats(data: Float32Array) {
  let mean = 0;
  for (const v of data) mean += v;
  mean /= data.length;
  let variance = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    variance += (v - mean) ** 2;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { mean, variance: variance / data.length, min, max };
}

/** erf by its Taylor series (exact enough at |x| ≤ 3), independent of the code under test. */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

// A conv kernel (3, 3, 64, 128): fan_in = 3·3·64 = 576, fan_out = 3·3·128 = 1152, 73,728 samples.
const CONV = [3, 3, 64, 128];
const FAN_IN = 576;
const FAN_OUT = 1152;

describe("Keras's fans", () => {
  it('Dense (in, out); convolutions multiply both by the receptive field kh·kw; a bias uses its length', () => {
    expect(computeFans([784, 10])).toEqual({ fanIn: 784, fanOut: 10 });
    expect(computeFans(CONV)).toEqual({ fanIn: FAN_IN, fanOut: FAN_OUT });
    expect(computeFans([32])).toEqual({ fanIn: 32, fanOut: 32 });
  });

  it('the truncation correction is the stddev of a standard normal cut at ±2: sqrt(1 − 4φ(2)/(Φ(2) − Φ(−2)))', () => {
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    const mass = erf(2 / Math.SQRT2);
    expect(Math.sqrt(1 - (4 * phi2) / mass)).toBeCloseTo(TRUNCATION_CORRECTION, 12);
  });
});

describe('initializer statistics match the Keras formulas on 73,728 samples', () => {
  const cases: [string, { limit?: number; variance: number; bound?: number }][] = [
    ['glorot_uniform', { limit: Math.sqrt(6 / (FAN_IN + FAN_OUT)), variance: 2 / (FAN_IN + FAN_OUT) }],
    [
      'glorot_normal',
      { variance: 2 / (FAN_IN + FAN_OUT), bound: (2 * Math.sqrt(2 / (FAN_IN + FAN_OUT))) / TRUNCATION_CORRECTION },
    ],
    ['he_uniform', { limit: Math.sqrt(6 / FAN_IN), variance: 2 / FAN_IN }],
    ['he_normal', { variance: 2 / FAN_IN, bound: (2 * Math.sqrt(2 / FAN_IN)) / TRUNCATION_CORRECTION }],
    ['lecun_uniform', { limit: Math.sqrt(3 / FAN_IN), variance: 1 / FAN_IN }],
    ['lecun_normal', { variance: 1 / FAN_IN, bound: (2 * Math.sqrt(1 / FAN_IN)) / TRUNCATION_CORRECTION }],
    ['random_uniform', { limit: 0.05, variance: 0.05 ** 2 / 3 }],
    ['random_normal', { variance: 0.05 ** 2 }],
    // Keras's TruncatedNormal has no correction: its stddev 0.05 is before cutting at ±2σ.
    ['truncated_normal', { variance: (0.05 * TRUNCATION_CORRECTION) ** 2, bound: 0.1 }],
  ];
  it.each(cases)('%s', (name, expected) => {
    const t = initialize(name, CONV, new Random(1234));
    expect(t.shape).toEqual(CONV);
    const s = stats(t.data);
    const n = t.data.length;
    // mean within 4 standard errors; variance within 3% (its relative standard error here is ≈ 0.5%)
    expect(Math.abs(s.mean)).toBeLessThan(4 * Math.sqrt(expected.variance / n));
    expect(s.variance / expected.variance).toBeGreaterThan(0.97);
    expect(s.variance / expected.variance).toBeLessThan(1.03);
    if (expected.limit) {
      expect(s.min).toBeGreaterThanOrEqual(-expected.limit);
      expect(s.max).toBeLessThanOrEqual(expected.limit);
      expect(s.max).toBeGreaterThan(0.99 * expected.limit);
    }
    if (expected.bound) {
      expect(Math.max(-s.min, s.max)).toBeLessThanOrEqual(expected.bound * (1 + 1e-6));
      expect(s.max).toBeGreaterThan(0.97 * expected.bound);
    }
  });

  it('zeros and ones are exact', () => {
    expect(Array.from(initialize('zeros', [4], new Random(1)).data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(initialize('ones', [2, 2], new Random(1)).data)).toEqual([1, 1, 1, 1]);
  });
});

describe('initializeWeights', () => {
  it('the same seed gives the same weights; another seed gives others', () => {
    const doc = getTemplate('article-cnn')!.build();
    const a = initializeWeights(doc, 7);
    const b = initializeWeights(doc, 7);
    const c = initializeWeights(doc, 8);
    const flat = (w: typeof a) => Object.values(w).flatMap((ws) => ws.flatMap((x) => Array.from(x.tensor.data)));
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
  });

  it("the article CNN gets Keras's defaults: glorot_uniform kernels, zero biases, BN gamma 1, beta 0, mean 0, variance 1", () => {
    const doc = getTemplate('article-cnn')!.build();
    const w = initializeWeights(doc, 0);
    const inf = infer(doc);
    let count = 0;
    for (const [id, ws] of Object.entries(w)) {
      const info = inf.nodes.get(id)!;
      expect(ws.map((x) => x.name)).toEqual(info.weights.map((s) => s.name));
      for (const x of ws) {
        count += x.tensor.data.length;
        const values = Array.from(x.tensor.data);
        if (x.name === 'kernel') {
          const { fanIn, fanOut } = computeFans(x.tensor.shape);
          const limit = Math.sqrt(6 / (fanIn + fanOut));
          expect(values.every((v) => Math.abs(v) <= limit)).toBe(true);
          expect(new Set(values).size).toBeGreaterThan(0.99 * values.length); // random, not constant (float32 allows a few repeats)
        } else if (x.name === 'gamma' || x.name === 'moving_variance') expect(values.every((v) => v === 1)).toBe(true);
        else expect(values.every((v) => v === 0)).toBe(true);
      }
    }
    expect(count).toBe(10466);
  });

  it('follows a node whose config names another initializer', () => {
    const doc = getTemplate('article-mlp')!.build();
    doc.nodes[1].config.bias_initializer = 'ones';
    const w = initializeWeights(doc, 0);
    expect(Array.from(w[doc.nodes[1].id][1].tensor.data).every((v) => v === 1)).toBe(true);
  });
});

describe("Keras's Orthogonal", () => {
  /** Gram matrix of the rows (wide) or columns (tall): the identity when they are orthonormal. */
  function gram(data: Float32Array, rows: number, cols: number, ofRows: boolean): number[][] {
    const n = ofRows ? rows : cols;
    const len = ofRows ? cols : rows;
    const at = (i: number, k: number) => (ofRows ? data[i * cols + k] : data[k * cols + i]);
    return Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        let s = 0;
        for (let k = 0; k < len; k++) s += at(i, k) * at(j, k);
        return s;
      }),
    );
  }
  it.each([
    [8, 32],
    [32, 8],
    [6, 6],
  ])('a (%i, %i) kernel has orthonormal rows or columns, whichever are fewer', (rows, cols) => {
    const t = initialize('orthogonal', [rows, cols], new Random(3));
    const g = gram(t.data, rows, cols, rows <= cols);
    g.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 4)));
  });
});
