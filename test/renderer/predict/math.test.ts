// The Predict tab's numbers: softmax and how an output becomes class bars, per-channel normalization, sample pixels.
import { describe, expect, it } from 'vitest';
import {
  channelGreys,
  classScores,
  isImageShape,
  sampleRgba,
  softmax,
  valueSummary,
} from '../../../renderer/panels/predict/math';

describe('softmax', () => {
  it('matches exp(x_i) / Σ exp(x_j) computed naively, and sums to 1', () => {
    const logits = [1, 2, 3, -1];
    const naive = logits.map((v) => Math.exp(v) / logits.reduce((s, w) => s + Math.exp(w), 0));
    const p = softmax(logits);
    p.forEach((v, i) => expect(v).toBeCloseTo(naive[i], 12));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('stays finite for logits whose exponentials overflow (1000 vs 999: e / (e + 1) and 1 / (e + 1))', () => {
    const p = softmax([1000, 999]);
    expect(p[0]).toBeCloseTo(Math.E / (Math.E + 1), 12);
    expect(p[1]).toBeCloseTo(1 / (Math.E + 1), 12);
  });
});

describe('classScores', () => {
  it('takes a softmax output as it is, names the classes and picks the top one', () => {
    const s = classScores(Float32Array.from([0.1, 0.7, 0.2]), 'softmax', ['cat', 'dog', 'bird']);
    expect(s.probabilities.map((v) => Number(v.toFixed(6)))).toEqual([0.1, 0.7, 0.2]);
    expect(s.names).toEqual(['cat', 'dog', 'bird']);
    expect(s.top).toBe(1);
    expect(s.note).toBeNull();
  });

  it('applies softmax to a linear output and says so; unnamed classes are numbered', () => {
    const s = classScores([0, Math.log(3)], null, ['only one name']);
    expect(s.probabilities[0]).toBeCloseTo(0.25, 6);
    expect(s.probabilities[1]).toBeCloseTo(0.75, 6);
    expect(s.names).toEqual(['class 0', 'class 1']);
    expect(s.note).toBe(
      'The last layer has no softmax (its activation is linear): softmax was applied for these bars.',
    );
    expect(classScores([1, 2], 'relu', []).note).toContain('its activation is relu');
  });

  it('reads one sigmoid unit p as the two classes 1 − p and p', () => {
    const s = classScores([0.8], 'sigmoid', ['no', 'yes']);
    expect(s.probabilities[0]).toBeCloseTo(0.2, 6);
    expect(s.probabilities[1]).toBeCloseTo(0.8, 6);
    expect(s.top).toBe(1);
    expect(s.names).toEqual(['no', 'yes']);
  });
});

describe('channelGreys', () => {
  it('normalizes each channel of an NHWC map on its own: its minimum black, its maximum white', () => {
    // 2×2 map, 2 channels: channel 0 in 0…3, channel 1 in 100…400.
    const data = [0, 100, 1, 200, 2, 300, 3, 400];
    expect(Array.from(channelGreys(data, 2, 2, 2, 0))).toEqual([0, 85, 170, 255]);
    expect(Array.from(channelGreys(data, 2, 2, 2, 1))).toEqual([0, 85, 170, 255]);
  });

  it('draws a constant channel black (nothing to see) instead of dividing by zero', () => {
    expect(Array.from(channelGreys([5, 5, 5, 5], 2, 2, 1, 0))).toEqual([0, 0, 0, 0]);
  });
});

describe('sampleRgba', () => {
  it('shows [0, 1] greys as they are and repeats them into R, G and B', () => {
    const p = sampleRgba([0, 0.5, 1, 0.25], [2, 2, 1])!;
    expect([p.width, p.height]).toEqual([2, 2]);
    expect(Array.from(p.rgba)).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 64, 64, 64, 255]);
  });

  it('min-max scales values outside [0, 1] and keeps three channels as colour', () => {
    const p = sampleRgba([-1, 1, 3, 3, 1, -1], [1, 2, 3])!;
    expect(Array.from(p.rgba)).toEqual([0, 128, 255, 255, 255, 128, 0, 255]);
  });

  it('refuses feature vectors and images with 2 or 4 channels', () => {
    expect(sampleRgba([1, 2], [2])).toBeNull();
    expect(sampleRgba(new Float32Array(8), [2, 2, 2])).toBeNull();
    expect(isImageShape([28, 28, 1])).toBe(true);
    expect(isImageShape([28, 28])).toBe(true);
    expect(isImageShape([2])).toBe(false);
    expect(isImageShape([4, 4, 4])).toBe(false);
  });
});

describe('valueSummary', () => {
  it("gives a layer output's mean, population std and range, three significant digits", () => {
    // Values 0, 1, 2, 3: mean 1.5, variance 1.25 (over the values, as BatchNormalization computes it).
    expect(valueSummary([0, 1, 2, 3])).toBe(`mean 1.5 · std ${Number(Math.sqrt(1.25).toPrecision(3))} · 0 … 3`);
    expect(valueSummary([-0.5, 0.5])).toBe('mean 0 · std 0.5 · -0.5 … 0.5');
    expect(valueSummary([20000, 40000])).toBe('mean 3.0e+4 · std 1.0e+4 · 2.0e+4 … 4.0e+4');
    expect(valueSummary([])).toBe('no values');
  });
});
