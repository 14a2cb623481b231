import { describe, expect, it } from 'vitest';
import { fixed, percent, samplesText, seconds, tick } from '../../../renderer/panels/train/format';

describe('numbers in the Train tab', () => {
  it('prints losses with three decimals, and a diverged one as an exponent', () => {
    expect(fixed(2.31849)).toBe('2.318');
    expect(fixed(4.879997727763506e37)).toBe('4.88e+37');
    expect(fixed(null)).toBe('–');
  });

  it('prints accuracies as percentages with one decimal', () => {
    expect(percent(0.6543)).toBe('65.4%');
    expect(percent(1)).toBe('100.0%');
  });

  it('keeps axis ticks short across a diverging loss', () => {
    expect([0, 0.25, 0.5, 1, 2.5, 1500].map(tick)).toEqual(['0', '0.25', '0.5', '1', '2.5', '1500']);
    expect([2e37, 5e37, 1e5].map(tick)).toEqual(['2e37', '5e37', '1e5']);
    expect(tick(0.0001)).toBe('1e-4');
  });

  it('keeps the sign of negative ticks, as a minus sign', () => {
    expect([-0.00231, -0.5, -2e5, -0.0001].map(tick)).toEqual([
      '\u22120.00231',
      '\u22120.5',
      '\u22122e5',
      '\u22121e-4',
    ]);
  });

  it('prints durations in seconds, then minutes and seconds', () => {
    expect(seconds(1940)).toBe('1.9 s');
    expect(seconds(125_000)).toBe('2 min 5 s');
  });

  it('says how much of its dataset a run trained on, never more than the dataset holds', () => {
    expect(samplesText(512, 8000)).toBe('512 samples');
    expect(samplesText(2000, 36)).toBe('all 36 samples');
    expect(samplesText(36, 36)).toBe('all 36 samples');
    expect(samplesText(null, 8000)).toBe('all 8,000 samples');
    expect(samplesText(2000, undefined)).toBe('2,000 samples');
    expect(samplesText(null, undefined)).toBe('all samples');
  });
});
