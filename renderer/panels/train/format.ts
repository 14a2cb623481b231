/** Numbers as the Train tab prints them: short enough for a run item or an axis, even when a loss diverged. */

export const percent = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

export const fixed = (v: number | null) => (v === null ? '–' : Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(3));

/**
 * Axis ticks: three significant digits, exponents past 10,000 (a diverging loss reaches 1e37), and a real minus
 * sign (U+2212), as wide as the plus, for negative values.
 */
export function tick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const text = a >= 1e4 || a < 1e-3 ? a.toExponential(0).replace('e+', 'e') : String(Number(a.toPrecision(3)));
  return v < 0 ? `\u2212${text}` : text;
}

export function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms - m * 60_000) / 1000)} s`;
}

/**
 * How much of its dataset a run trained on. A subset at least as large as the dataset is every sample: the runs
 * list must not claim 2,000 samples of a 36-image folder. The count is unknown for data this window doesn't hold.
 */
export function samplesText(subset: number | null, datasetCount: number | undefined): string {
  if (subset === null || (datasetCount !== undefined && subset >= datasetCount))
    return datasetCount === undefined ? 'all samples' : `all ${datasetCount.toLocaleString('en-US')} samples`;
  return `${subset.toLocaleString('en-US')} samples`;
}
