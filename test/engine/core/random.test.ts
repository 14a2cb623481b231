import { describe, expect, it } from 'vitest';
import { Random } from '../../../engine/core/random';

describe('Random (xoshiro128** seeded by splitmix32)', () => {
  it('is reproducible per seed and differs between seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs);
    expect(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it('next() is uniform on [0, 1): mean 1/2, variance 1/12, and 20 equal bins each near 5% (chi-square)', () => {
    const r = new Random(7);
    const n = 200_000;
    const bins = new Array(20).fill(0);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sq += u * u;
      bins[Math.floor(u * 20)]++;
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(sq / n - mean * mean).toBeCloseTo(1 / 12, 3);
    const expected = n / 20;
    const chi2 = bins.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8); // 99.9th percentile of chi-square with 19 degrees of freedom
  });

  it('normal() has mean 0 and variance 1; truncatedNormal() never leaves ±2σ', () => {
    const r = new Random(99);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(sq / n).toBeCloseTo(1, 1);
    for (let i = 0; i < 10_000; i++) expect(Math.abs(r.truncatedNormal(0, 3))).toBeLessThanOrEqual(6);
  });
});
