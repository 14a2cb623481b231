/**
 * The Train tab's chart as Chromium draws it, on a curve that crosses zero (−0.003 … 0.003): the y axis labels carry
 * a real minus sign (U+2212), and the axis is wide enough that no label starts left of the canvas (a fixed width
 * once cut the sign off, drawing −0.00231 as 0.00231). The same for the Inside tab's per-channel chart (BN's beta).
 * Every axis is titled with what it counts and in which unit.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  const site = mkdtempSync(join(tmpdir(), 'layercanvas-chart-'));
  await build({
    entryPoints: [join(__dirname, 'fixtures', 'chart-page.tsx')],
    bundle: true,
    outdir: site,
    entryNames: 'page',
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  writeFileSync(
    join(site, 'index.html'),
    '<!doctype html><html><head><link rel="stylesheet" href="page.css"></head><body><script type="module" src="page.js"></script></body></html>',
  );
  h = await launchHarness({ root: site, viewport: { width: 800, height: 400 } });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

interface Drawn {
  chart: string | null;
  text: string;
  left: number;
  right: number;
}
const recorded = () => h.page.evaluate(() => (window as unknown as { drawn: Drawn[] }).drawn);

describe('the training chart’s axes, drawn', () => {
  it('labels negative values with a minus sign that stays inside the canvas', async () => {
    await h.page.waitForSelector('[data-testid=chart] canvas');
    await expect
      .poll(() => h.page.evaluate(() => (window as unknown as { drawn: { text: string }[] }).drawn.length))
      .toBeGreaterThan(0);
    const drawn = (await recorded()).filter((d) => d.chart === 'chart');
    const negative = drawn.filter((d) => /^\u2212\d/.test(d.text));
    expect(negative.length).toBeGreaterThanOrEqual(2);
    // No ASCII hyphen stands in for the sign, and every label starts inside the canvas.
    expect(drawn.filter((d) => /^-\d/.test(d.text))).toEqual([]);
    for (const d of negative) expect(d.left).toBeGreaterThanOrEqual(0);
    await h.screenshot('chart-negative-axis');
  });

  it('titles every axis with what it counts and its unit: steps in batches, MSE in target units², accuracy in %', async () => {
    await expect
      .poll(async () => (await recorded()).filter((d) => d.chart === 'chart-accuracy').length)
      .toBeGreaterThan(0);
    const drawn = await recorded();
    const texts = (chart: string) => drawn.filter((d) => d.chart === chart).map((d) => d.text);
    expect(texts('chart')).toEqual(expect.arrayContaining(['step (batches)', 'loss (target units²)']));
    expect(texts('chart-accuracy')).toEqual(expect.arrayContaining(['step (batches)', 'accuracy (%)']));
    // The accuracy axis counts percent: its ticks are whole percentages, not fractions of 1.
    const ticks = texts('chart-accuracy')
      .filter((t) => /^\d+(\.\d+)?$/.test(t))
      .map(Number);
    expect(ticks.length).toBeGreaterThan(0);
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(50);
  });

  it('labels the Inside tab’s per-channel chart below zero with a minus sign inside its canvas', async () => {
    await h.page.waitForSelector('[data-testid=channels] canvas');
    await expect
      .poll(async () => (await recorded()).filter((d) => d.chart === 'channels').length)
      .toBeGreaterThanOrEqual(2);
    // Each paint draws the two labels; the last paint is what shows.
    const labels = (await recorded()).filter((d) => d.chart === 'channels').slice(-2);
    // The top and bottom of the axis: ±0.00468 padded by 8 % of the range, to ±0.00543.
    expect(labels.map((d) => d.text)).toEqual(['0.00543', '\u22120.00543']);
    for (const d of labels) expect(d.left).toBeGreaterThanOrEqual(0);
  });
});
