/**
 * The Train tab end to end, in Chromium against the served app with the engine in its own process: train the
 * article's CNN (BN between convolution and activation) on an MNIST subset and watch the charts fill in; compare
 * it with its BatchNormalization-free twin; stop a long run mid-epoch while the canvas stays usable; fix an MLP's
 * Input for the spirals in one undoable click and see its diverging run's error with its hint.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;

useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const points = async (chart: 'loss' | 'accuracy') =>
  Number(await page.locator(`[data-testid=chart-${chart}]`).getAttribute('data-points'));
const status = () => page.locator('[data-testid=train-status]').getAttribute('data-status');
const legend = (chart: 'loss' | 'accuracy') =>
  page.locator(`[data-testid=chart-${chart}] .u-legend .u-label`).allInnerTexts();

async function settings(values: {
  subset?: string;
  epochs?: string;
  batch?: string;
  optimizer?: string;
  lr?: string;
}): Promise<void> {
  if (values.subset !== undefined) await page.fill('[data-testid=train-subset]', values.subset);
  if (values.epochs !== undefined) await page.fill('[data-testid=train-epochs]', values.epochs);
  if (values.batch !== undefined) await page.fill('[data-testid=train-batch-size]', values.batch);
  if (values.optimizer !== undefined) await page.selectOption('[data-testid=train-optimizer]', values.optimizer);
  if (values.lr !== undefined) await page.fill('[data-testid=train-lr]', values.lr);
}

describe('train panel', () => {
  it('checks the dataset against the Input and offers the fix', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-cnn-bn-before-activation]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(12);
    await page.click('[data-testid=tab-train]');
    await page.selectOption('[data-testid=train-dataset]', 'spirals');
    await expect
      .poll(() => page.locator('[data-testid=train-check]').innerText())
      .toContain("The dataset's samples are (2,) but the model's Input is (28, 28, 1).");
    expect(await page.locator('[data-testid=train-fix-input]').innerText()).toBe('Set Input to (2,)');
    expect(await page.locator('[data-testid=train-start]').isDisabled()).toBe(true);
    await page.selectOption('[data-testid=train-dataset]', 'mnist');
    await expect
      .poll(() => page.locator('[data-testid=train-check]').innerText())
      .toContain('Fits the Input (28, 28, 1)');
    expect(await page.locator('[data-testid=train-loss]').locator('option[value=auto]').innerText()).toBe(
      'auto: sparse_categorical_crossentropy',
    );
    await h.screenshot('train-ready');
  });

  it('trains on 512 MNIST samples with live charts, and lists the run', async () => {
    await settings({ subset: '512', epochs: '1', batch: '32' });
    await page.click('[data-testid=train-start]');
    // 512 samples less a 10 % validation split: 460 to train on, 15 batches of 32.
    await expect.poll(() => points('loss'), { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    await expect.poll(() => status(), { timeout: 90_000 }).toBe('completed');
    expect(await points('loss')).toBe(15);
    expect(await points('accuracy')).toBe(15);
    expect(await page.locator('[data-testid=train-status]').innerText()).toMatch(
      /epoch 1\/1 · batch 15\/15 · \d+ samples\/s/,
    );
    expect(await legend('loss')).toEqual(['loss', 'epoch loss', 'val loss']);
    expect(await legend('accuracy')).toEqual(['accuracy', 'epoch accuracy', 'val accuracy']);
    expect(await page.locator('[data-testid=chart-loss] canvas').count()).toBe(1);
    const item = page.locator('[data-testid=run-item]');
    await expect.poll(() => item.count()).toBe(1);
    const text = await item.innerText();
    expect(text).toContain('MNIST digits');
    expect(text).toContain('512 samples');
    expect(text).toContain('sgd · batch 32 · 1 epoch · sparse_categorical_crossentropy');
    expect(text).toMatch(/loss \d\.\d{3} · acc \d+\.\d% · val acc \d+\.\d%/);
    expect(text).toContain('completed');
    await h.screenshot('train-run');

    // The chart's data as CSV: a step column and one per curve, a row per batch.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=chart-loss-csv]')]);
    const rows = readFileSync(await csv.path(), 'utf8')
      .trim()
      .split('\n');
    expect(rows[0]).toBe('step,loss,epoch loss,val loss');
    expect(rows).toHaveLength(16);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=chart-accuracy-png]')]);
    expect(png.suggestedFilename()).toBe('accuracy.png');
    expect(
      readFileSync(await png.path())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    // The trained weights become the model's (one undoable edit), so Export ▸ Weights JSON saves them.
    await page.click('[data-testid=run-use-weights]');
    await expect
      .poll(() => page.locator('[data-testid=status-notice]').innerText())
      .toContain("Trained weights of run #1 are now the model's (6 layers");
    await page.click('[data-testid=menu-export]');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-weights-json]'),
    ]);
    const weights = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expect(Object.keys(weights)).toEqual([
      'conv2d',
      'batch_normalization',
      'conv2d_1',
      'batch_normalization_1',
      'dense',
      'batch_normalization_2',
    ]);
    expect(weights.batch_normalization.moving_variance.shape).toEqual([32]);
    // Trained moving statistics have moved away from their initial ones (moving variance starts at 1).
    expect(weights.batch_normalization.moving_variance.data.some((v: number) => Math.abs(v - 1) > 1e-3)).toBe(true);
  });

  it('compares the model with its twin without BatchNormalization and overlays both curves', async () => {
    await settings({ subset: '256', epochs: '1' });
    await page.click('[data-testid=train-compare-bn]');
    await expect.poll(() => status(), { timeout: 120_000 }).toBe('completed');
    // 230 training samples: 8 batches of 32, the same steps for both runs.
    expect(await points('loss')).toBe(8);
    expect(await legend('loss')).toEqual([
      'with BN · loss',
      'with BN · val loss',
      'without BN · loss',
      'without BN · val loss',
    ]);
    expect(await legend('accuracy')).toEqual([
      'with BN · accuracy',
      'with BN · val accuracy',
      'without BN · accuracy',
      'without BN · val accuracy',
    ]);
    await expect.poll(() => page.locator('[data-testid=run-item]').count()).toBe(2);
    const metrics = await page
      .locator('[data-testid=run-item]')
      .first()
      .locator('[data-testid=run-metrics]')
      .allInnerTexts();
    expect(metrics).toHaveLength(2);
    expect(metrics[0]).toMatch(/^with BN\s*loss \d/);
    expect(metrics[1]).toMatch(/^without BN\s*loss \d/);
    await h.screenshot('train-compare-bn');

    // Selecting the first run brings its single-run curves back.
    await page.locator('[data-testid=run-item]').nth(1).click();
    await expect.poll(() => legend('loss')).toEqual(['loss', 'epoch loss', 'val loss']);
    expect(await points('loss')).toBe(15);
  });

  it('stops a long run within a batch while the canvas stays usable', async () => {
    await settings({ subset: '4000', epochs: '3' });
    await page.click('[data-testid=train-start]');
    await expect.poll(() => points('loss'), { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(3);
    // The page answers during training: a click on the canvas selects a layer and shows it in the inspector.
    await page.locator('[data-testid=node-InputLayer]').click();
    await expect
      .poll(() => page.locator('[data-testid=node-InputLayer]').getAttribute('class'), { timeout: 5000 })
      .toContain('is-selected');
    expect(await page.locator('[data-testid=inspector-field-name]').getAttribute('placeholder')).toBe('input_layer');
    expect(await status()).toBe('running');
    expect(await page.locator('[data-testid=train-status]').innerText()).toMatch(
      /epoch 1\/3 · batch \d+\/113 · \d+ samples\/s · [\d.]+ (s|min \d+ s) left/,
    );
    await h.screenshot('train-live');
    // Read the batches drawn and the speed, and press Stop in one go, so no batch slips in between.
    const { atStop, samplesPerSecond } = await page.evaluate(() => {
      const drawn = Number(document.querySelector('[data-testid=chart-loss]')!.getAttribute('data-points'));
      const speed = /(\d+) samples\/s/.exec(document.querySelector('[data-testid=train-status]')!.textContent ?? '');
      (document.querySelector('[data-testid=train-stop]') as HTMLButtonElement).click();
      return { atStop: drawn, samplesPerSecond: Number(speed?.[1] ?? 0) };
    });
    await expect.poll(() => status(), { timeout: 30_000 }).toBe('stopped');
    // The engine stops before the next batch it starts after reading the stop (test/renderer/train/stop-by-id.test.ts
    // pins that down in memory). Seen from the page, the drawn count also lags the engine by the events on their
    // way over the socket and the batch being computed when Stop went out: a few batches, plus what the engine runs
    // in the 0.15 s the Stop and those events can spend on the way (at 32 samples a batch; at 8,000 samples/s that
    // is 38 batches), never the epoch.
    const after = await points('loss');
    expect(after).toBeGreaterThanOrEqual(atStop);
    expect(after).toBeLessThanOrEqual(atStop + 3 + Math.ceil((samplesPerSecond / 32) * 0.15));
    expect(after).toBeLessThan(113); // far short of one epoch (3,600 samples: 113 batches)
    await expect.poll(() => page.locator('[data-testid=run-item]').count()).toBe(3);
    expect(await page.locator('[data-testid=run-item]').first().getAttribute('data-status')).toBe('stopped');
    expect(await page.locator('[data-testid=train-start]').isEnabled()).toBe(true);
    await h.screenshot('train-stopped');
  });

  it('fixes the Input in one undoable click, then shows a diverging run plainly, with its hint', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-article-mlp]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(6);
    await page.click('[data-testid=tab-train]');
    await page.selectOption('[data-testid=train-dataset]', 'spirals');
    const input = page.locator('[data-testid=node-InputLayer] [data-testid=node-shape]');
    const check = page.locator('[data-testid=train-check]');
    await expect
      .poll(() => check.innerText())
      .toContain("The dataset's samples are (2,) but the model's Input is (1, 5).");
    await page.click('[data-testid=train-fix-input]');
    await expect.poll(() => input.innerText()).toBe('(None, 2)');
    expect(await check.innerText()).toContain('Fits the Input (2,)');
    await page.click('[data-testid=undo]');
    await expect.poll(() => input.innerText()).toBe('(None, 1, 5)');
    expect(await page.locator('[data-testid=train-fix-input]').innerText()).toBe('Set Input to (2,)');
    await page.click('[data-testid=redo]');
    await expect.poll(() => input.innerText()).toBe('(None, 2)');

    // Plain SGD with a learning rate of 1e10 overflows the weights within a few steps.
    await settings({ subset: '', epochs: '1', optimizer: 'sgd', lr: '1e10' });
    await page.click('[data-testid=train-start]');
    await expect.poll(() => status(), { timeout: 60_000 }).toBe('failed');
    const error = await page.locator('[data-testid=train-error]').innerText();
    expect(error).toMatch(/the loss became NaN at epoch 1, batch \d+: training diverged/);
    expect(error).toContain('lower the learning rate (now 10000000000)');
    expect(await page.locator('[data-testid=run-item]').first().getAttribute('data-status')).toBe('failed');
    await h.screenshot('train-diverged');

    // The charts take the dark theme's colours (they are rebuilt on a theme change).
    await page.click('[data-testid=theme-toggle]');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.locator('[data-testid=run-item]').nth(2).click();
    await expect
      .poll(() => legend('loss'))
      .toEqual(['with BN · loss', 'with BN · val loss', 'without BN · loss', 'without BN · val loss']);
    await h.screenshot('train-dark');
    await page.click('[data-testid=theme-toggle]');
  });

  it('stayed free of console errors and CSP violations', () => {
    expect(h.consoleErrors).toEqual([]);
    expect(h.cspViolations).toEqual([]);
  });
});
