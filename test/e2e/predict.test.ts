/**
 * The Predict tab and the Train tab's dataset preview end to end, in Chromium against the served app with the
 * engine in its own process: the CNN (BN between convolution and activation, Input (28, 28, 1)) predicts an MNIST
 * test digit with random weights, then a digit drawn on the pad, then a sample with a finished run's weights; every
 * prediction gives ten probabilities summing to 1 and a feature-map grid per convolution, BN, activation and
 * pooling layer.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;

useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const bars = () =>
  page.locator('[data-testid=predict-bar]').evaluateAll((els) =>
    els.map((e) => ({
      name: e.getAttribute('data-class'),
      p: Number(e.getAttribute('data-probability')),
      top: e.classList.contains('is-top'),
    })),
  );

async function expectTenProbabilities(): Promise<void> {
  // An error shown instead of bars fails with its text, not a bare count.
  const shown = async () =>
    (await page.locator('[data-testid=predict-error]').count())
      ? await page.locator('[data-testid=predict-error]').innerText()
      : await page.locator('[data-testid=predict-bar]').count();
  await expect.poll(shown, { timeout: 30_000 }).toBe(10);
  const read = await bars();
  expect(read.map((b) => b.name)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  expect(Math.abs(read.reduce((s, b) => s + b.p, 0) - 1)).toBeLessThanOrEqual(1e-4);
  // Exactly one bar is highlighted, and it is the largest.
  const top = read.filter((b) => b.top);
  expect(top).toHaveLength(1);
  expect(top[0].p).toBe(Math.max(...read.map((b) => b.p)));
}

/**
 * The latency the panel shows (request to bars on screen, and the engine's answer within it), recorded in
 * test-results/predict-latency.json and the log: timings are noisy here, so nothing is asserted but that it was
 * measured and shown.
 */
async function recordLatency(what: string): Promise<void> {
  const latency = page.locator('[data-testid=predict-latency]');
  await expect.poll(() => latency.count()).toBe(1);
  const barsMs = Number(await latency.getAttribute('data-bars-ms'));
  const engineMs = Number(await latency.getAttribute('data-engine-ms'));
  expect(barsMs).toBeGreaterThan(0);
  expect(engineMs).toBeGreaterThan(0);
  expect(barsMs).toBeGreaterThanOrEqual(engineMs);
  expect((await latency.innerText()).trim()).toBe(`· ${Math.round(barsMs)} ms`);
  console.log(`Predict latency, ${what}: ${barsMs} ms from request to bars (engine answer ${engineMs} ms)`);
  mkdirSync('test-results', { recursive: true });
  const file = join('test-results', 'predict-latency.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown[]) : [];
  writeFileSync(file, JSON.stringify([...previous, { what, barsMs, engineMs, at: new Date().toISOString() }], null, 2));
}

describe('dataset preview and Predict', () => {
  it('previews the chosen dataset in the Train tab: labelled digits, then a scatter of points', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-cnn-bn-before-activation]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(12);
    await page.click('[data-testid=tab-train]');
    const samples = page.locator('[data-testid=dataset-preview-sample]');
    await expect.poll(() => samples.count(), { timeout: 30_000 }).toBe(12);
    const labels = await samples.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
    expect(labels.every((l) => l !== null && /^[0-9]$/.test(l))).toBe(true);
    expect(
      await samples
        .first()
        .locator('canvas')
        .evaluate((c: HTMLCanvasElement) => [c.width, c.height, getComputedStyle(c).imageRendering]),
    ).toEqual([28, 28, 'pixelated']);
    await page.locator('[data-testid=dataset-preview]').scrollIntoViewIfNeeded();
    await h.screenshot('dataset-preview');

    await page.selectOption('[data-testid=train-dataset]', 'spirals');
    await expect.poll(() => page.locator('[data-testid=dataset-preview-scatter]').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('[data-testid=dataset-preview-class]').allInnerTexts()).toEqual(['arm 0', 'arm 1']);
    await page.selectOption('[data-testid=train-dataset]', 'mnist');
    await expect.poll(() => samples.count(), { timeout: 30_000 }).toBe(12);
  });

  it('predicts a picked MNIST test digit with random weights: ten probabilities summing to 1 and feature maps', async () => {
    await page.click('[data-testid=tab-predict]');
    const thumbs = page.locator('[data-testid=predict-thumb]');
    await expect.poll(() => thumbs.count(), { timeout: 30_000 }).toBe(12);
    await thumbs.nth(3).click();
    await expect.poll(() => page.locator('[data-testid=predict-position]').innerText()).toBe('4 / 2,000');
    expect(await page.locator('[data-testid=predict-true-label]').innerText()).toMatch(/^[0-9]$/);
    await expectTenProbabilities();
    expect(await page.locator('[data-testid=predict-weights-status]').innerText()).toMatch(
      /^Untrained \(random weights\)/,
    );
    // conv2d, batch_normalization, activation, conv2d_1, batch_normalization_1, activation_1, max_pooling2d.
    const maps = page.locator('[data-testid=feature-map]');
    await expect.poll(() => maps.count()).toBe(7);
    expect(await maps.first().getAttribute('data-channels')).toBe('32');
    expect(await maps.first().getAttribute('data-shown')).toBe('16');
    expect(await maps.first().innerText()).toContain('(26, 26, 32)');
    expect(await maps.first().innerText()).toContain('+16 more channels');
    expect(await maps.last().innerText()).toContain('MaxPooling2D · (12, 12, 32)');
    // Each grid says the scale its tiles hide: a ReLU's output never goes below 0.
    const values = page.locator('[data-testid=feature-map-values]');
    expect(await values.count()).toBe(7);
    expect(await values.nth(2).innerText()).toMatch(/^mean [\d.e+-]+ · std [\d.e+-]+ · 0 … [\d.e+-]+$/);

    // The arrows step through the split, crossing into the next page of thumbnails.
    const before = await bars();
    for (let i = 0; i < 9; i++) await page.click('[data-testid=predict-next]');
    await expect.poll(() => page.locator('[data-testid=predict-position]').innerText()).toBe('13 / 2,000');
    await expect.poll(() => page.locator('.predict-thumb.is-selected .predict-thumb-label').count()).toBe(1);
    await expect.poll(async () => JSON.stringify(await bars())).not.toBe(JSON.stringify(before));
    await expectTenProbabilities();
    await h.screenshot('predict-sample');
    await page.click('[data-testid=theme-toggle]');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await h.screenshot('predict-dark');
    await page.click('[data-testid=theme-toggle]');
  });

  it('predicts a digit drawn on the pad', async () => {
    await page.click('[data-testid=predict-mode-draw]');
    const pad = page.locator('[data-testid=predict-pad]');
    await expect.poll(() => pad.count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid=predict-bar]').count()).toBe(0);
    const box = (await pad.boundingBox())!;
    // A "7": the top bar, then the diagonal down.
    const point = (x: number, y: number) => [box.x + (x / 28) * box.width, box.y + (y / 28) * box.height] as const;
    await page.mouse.move(...point(8, 7));
    await page.mouse.down();
    for (const [x, y] of [
      [13, 7],
      [20, 7],
      [17, 13],
      [14, 19],
      [12, 23],
    ])
      await page.mouse.move(...point(x, y), { steps: 4 });
    await page.mouse.up();
    await expectTenProbabilities();
    await recordLatency('a digit drawn on the pad, untrained CNN');
    // The ink is white on black with soft edges: some pixels are full, some in between.
    const ink = await pad.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let full = 0;
      let soft = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 255) full++;
        else if (data[i] > 0) soft++;
      }
      return { full, soft };
    });
    expect(ink.full).toBeGreaterThan(20);
    expect(ink.soft).toBeGreaterThan(20);
    await expect.poll(() => page.locator('[data-testid=feature-map]').count()).toBe(7);
    await h.screenshot('predict-drawn');
    await page.click('[data-testid=predict-clear]');
    await expect.poll(() => page.locator('[data-testid=predict-bar]').count()).toBe(0);
  });

  it("predicts with a finished run's trained weights", async () => {
    await page.click('[data-testid=tab-train]');
    await page.fill('[data-testid=train-subset]', '256');
    await page.fill('[data-testid=train-epochs]', '1');
    await page.fill('[data-testid=train-batch-size]', '32');
    await page.click('[data-testid=train-start]');
    await expect
      .poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 90_000 })
      .toBe('completed');
    await page.click('[data-testid=tab-predict]');
    await page.click('[data-testid=predict-mode-sample]');
    // The picked sample stayed picked while the Train tab was open.
    await expect.poll(() => page.locator('[data-testid=predict-position]').innerText()).toBe('13 / 2,000');
    // The newest completed run is the default once there is one.
    expect(await page.locator('[data-testid=predict-weights]').inputValue()).toBe('newest');
    await expect
      .poll(() => page.locator('[data-testid=predict-weights-status]').innerText())
      .toBe('Trained weights of run #1.');
    // 256 samples less a tenth for validation, batch 32: 8 steps, so BN's moving statistics are 0.9^8 = 43% their start.
    expect(await page.locator('[data-testid=predict-bn-warmup]').innerText()).toMatch(
      /had 8 updates: with momentum 0\.9, 43% of batch_normalization/,
    );
    await expectTenProbabilities();
    await recordLatency("an MNIST test digit, a run's trained weights");
    await h.screenshot('predict-trained');
  });

  it('imports a CSV as a dataset: listed, previewed, checked against the Input; a bad file says where it is wrong', async () => {
    await page.click('[data-testid=tab-train]');
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${(i % 2 ? 1 : -1) + (i % 7) / 10},${((i * 3) % 5) / 5},${i % 2 ? 'right' : 'left'}`,
    );
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.click('[data-testid=train-import-data]'),
    ]);
    await chooser.setFiles({
      name: 'blobs.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`x1,x2,side\n${rows.join('\n')}\n`),
    });
    await expect
      .poll(() => page.locator('[data-testid=train-dataset] option:checked').innerText(), { timeout: 15_000 })
      .toBe('blobs.csv — (2,), 2 classes');
    await expect.poll(() => page.locator('[data-testid=dataset-preview-scatter]').count()).toBe(1);
    expect(await page.locator('[data-testid=dataset-preview-class]').allInnerTexts()).toEqual(['left', 'right']);
    expect(await page.locator('[data-testid=train-check]').innerText()).toContain(
      "The dataset's samples are (2,) but the model's Input is (28, 28, 1).",
    );
    expect(await page.locator('[data-testid=train-csv-label] option').allInnerTexts()).toEqual(['x1', 'x2', 'side']);
    expect(await page.locator('[data-testid=train-csv-label]').inputValue()).toBe('2');
    await h.screenshot('dataset-import');

    const [bad] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=train-import-data]')]);
    await bad.setFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,label\n1,2,0\n3,x,1\n') });
    await expect.poll(() => page.locator('[data-testid=train-import-error]').count(), { timeout: 15_000 }).toBe(1);
    const problem = await page.locator('[data-testid=train-import-error]').innerText();
    expect(problem).toContain('bad.csv:3:3: the value "x" of "b" is not a number');
    expect(problem).toContain('Feature columns must hold numbers');
    await h.screenshot('dataset-import-error');
    await page.selectOption('[data-testid=train-dataset]', 'mnist');
  });

  it('stayed free of console errors and CSP violations', () => {
    expect(h.consoleErrors).toEqual([]);
    expect(h.cspViolations).toEqual([]);
  });
});
