/**
 * The Train tab's chart as Chromium draws it, on a curve that crosses zero (−0.003 … 0.003): the y axis labels carry
 * a real minus sign (U+2212), and the axis is wide enough that no label starts left of the canvas (a fixed width
 * once cut the sign off, drawing −0.00231 as 0.00231).
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

describe('the training chart’s axes, drawn', () => {
  it('labels negative values with a minus sign that stays inside the canvas', async () => {
    await h.page.waitForSelector('[data-testid=chart] canvas');
    await expect
      .poll(() => h.page.evaluate(() => (window as unknown as { drawn: { text: string }[] }).drawn.length))
      .toBeGreaterThan(0);
    const drawn = await h.page.evaluate(
      () => (window as unknown as { drawn: { text: string; left: number; right: number }[] }).drawn,
    );
    const negative = drawn.filter((d) => /^\u2212\d/.test(d.text));
    expect(negative.length).toBeGreaterThanOrEqual(2);
    // No ASCII hyphen stands in for the sign, and every label starts inside the canvas.
    expect(drawn.filter((d) => /^-\d/.test(d.text))).toEqual([]);
    for (const d of negative) expect(d.left).toBeGreaterThanOrEqual(0);
    await h.screenshot('chart-negative-axis');
  });
});
