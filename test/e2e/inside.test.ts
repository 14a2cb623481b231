/**
 * What BatchNormalization does, made visible, end to end: the article's CNN and its BN-free twin trained on an
 * MNIST subset; the comparison report with its target rows and the twin's graph; the Inside tab's per-layer
 * statistics for both models; the BN inspector's per-channel parameters and one batch in both modes.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;

useEditor((harness) => {
  h = harness;
  page = harness.page;
});

describe('inside a BN comparison', () => {
  it('trains the article CNN and its twin, and reports the time to the target accuracy', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-cnn-bn-before-activation]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(12);
    await page.click('[data-testid=tab-train]');
    await page.selectOption('[data-testid=train-dataset]', 'mnist');
    await expect
      .poll(() => page.locator('[data-testid=train-check]').innerText())
      .toContain('Fits the Input (28, 28, 1)');
    await page.fill('[data-testid=train-subset]', '256');
    await page.fill('[data-testid=train-epochs]', '1');
    await page.fill('[data-testid=train-batch-size]', '32');
    expect(await page.locator('[data-testid=train-compare-higher-lr]').isChecked()).toBe(false);
    await page.click('[data-testid=train-compare-bn]');
    await expect
      .poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 120_000 })
      .toBe('completed');

    const rows = page.locator('[data-testid=compare-target-row]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-label')).toBe('model');
    expect(await rows.nth(1).getAttribute('data-label')).toBe('without BN');
    for (const text of await rows.allInnerTexts())
      expect(text).toMatch(/(reached in 1 epoch · [\d.]+ s|not reached in 1 epoch)\s+best val accuracy \d+\.\d%/);
    // A target of 1 % is reached by both sides in their only epoch.
    await page.fill('[data-testid=compare-target]', '1');
    await expect
      .poll(() => rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-reached'))))
      .toEqual(['true', 'true']);
    await page.fill('[data-testid=compare-target]', '90');
    await h.screenshot('compare-report');

    await page.click('[data-testid=compare-open-twin]');
    const twin = page.locator('[data-testid=twin-graph]');
    await expect.poll(() => twin.locator('.react-flow__node').count()).toBe(12);
    expect(await page.locator('[data-testid=twin-removed] li').allInnerTexts()).toEqual([
      'batch_normalization (BatchNormalization)',
      'batch_normalization_1 (BatchNormalization)',
      'batch_normalization_2 (BatchNormalization)',
    ]);
    expect(await page.locator('[data-testid=twin-changed] li').allInnerTexts()).toEqual([
      'conv2d: use_bias False → True',
      'conv2d_1: use_bias False → True',
      'dense: use_bias False → True',
    ]);
    expect(await twin.locator('.twin-changed').count()).toBe(3);
    await h.screenshot('twin-graph');
    await page.keyboard.press('Escape');
    await expect.poll(() => twin.count()).toBe(0);
    // The user's own graph is untouched: it still has its three BN layers.
    expect(await page.locator('[data-testid=canvas] [data-testid=node-BatchNormalization]').count()).toBe(3);
  });

  it('shows every layer’s output statistics for both models, the twin without the BN layers', async () => {
    await page.click('[data-testid=tab-inside]');
    const cards = page.locator('[data-testid=inside-layer]');
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(11);
    expect(
      await cards.evaluateAll((c) => c.map((e) => `${e.getAttribute('data-layer')}:${e.getAttribute('data-twin')}`)),
    ).toEqual([
      'conv2d:yes',
      'batch_normalization:no',
      'activation:yes',
      'conv2d_1:yes',
      'batch_normalization_1:no',
      'activation_1:yes',
      'max_pooling2d:yes',
      'flatten:yes',
      'dense:yes',
      'batch_normalization_2:no',
      'activation_2:yes',
    ]);
    // 8 batches with stats every step (about 60 samples asked for, 8 steps): one point per step.
    expect(Number(await page.locator('[data-testid=inside-stats]').getAttribute('data-steps'))).toBe(8);
    const bn = await cards.nth(1).innerText();
    expect(bn).toContain('not in the twin');
    expect(await cards.nth(0).innerText()).toMatch(/-?\d[\d.e-]* ± \d[\d.e-]*\s+-?\d[\d.e-]* ± \d/);
    // Hovering a card reads off one step.
    await cards
      .nth(0)
      .locator('canvas')
      .hover({ position: { x: 2, y: 10 } });
    await expect.poll(() => cards.nth(0).locator('.inside-card-class').innerText()).toBe('step 1');
    await h.screenshot('inside-stats');
  });

  it('inspects a BN layer per channel and runs one batch in both modes', async () => {
    const inspector = page.locator('[data-testid=bn-inspector]');
    expect(await page.locator('[data-testid=bn-layer-select] option').allInnerTexts()).toEqual([
      'batch_normalization',
      'batch_normalization_1',
      'batch_normalization_2',
    ]);
    for (const p of ['gamma', 'beta', 'moving_mean', 'moving_variance'])
      expect(await inspector.locator(`[data-testid=bn-param-${p}]`).getAttribute('data-channels')).toBe('32');
    expect(await page.locator('[data-testid=bn-values-table] tbody tr').count()).toBe(32);
    await page.hover('[data-testid=bn-param-gamma] canvas', { position: { x: 60, y: 20 } });
    await expect.poll(() => page.locator('[data-testid=bn-param-gamma-read]').innerText()).toMatch(/^ch \d+: -?\d/);

    await page.click('[data-testid=bn-two-modes-run]');
    await expect
      .poll(() => page.locator('[data-testid=bn-two-modes]').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('done');
    expect(await page.locator('[data-testid=bn-mode-mean]').getAttribute('data-channels')).toBe('32');
    expect(await page.locator('[data-testid=bn-mode-std]').getAttribute('data-channels')).toBe('32');
    // After 8 steps at momentum 0.9 (0.9^8 = 43% of the start left) the moving statistics are still near their start: the modes differ.
    expect(await page.locator('[data-testid=bn-two-modes-note]').innerText()).toMatch(
      /Inference mode uses the moving averages instead and lands [\d.e-]+ away in mean, [\d.e-]+ in std \(average over channels\) — the moving statistics have not caught up/,
    );
    await page.locator('[data-testid=bn-two-modes]').scrollIntoViewIfNeeded();
    await h.screenshot('bn-inspector');
  });

  it('repeats the comparison at 10×, then 100× the rate when asked, stopping where a model fails, with each rate’s numbers', async () => {
    await page.click('[data-testid=tab-train]');
    const option = page.locator('label', { has: page.locator('[data-testid=train-compare-higher-lr]') });
    expect(await option.innerText()).toContain('Repeat at 0.1, then 1, until a model fails');
    await page.check('[data-testid=train-compare-higher-lr]');
    await page.click('[data-testid=train-compare-bn]');
    // The pair at SGD's default rate, then the pair at 0.1, and at 1 unless a side failed at 0.1.
    const items = page.locator('[data-testid=run-item]');
    const claim = page.locator('[data-testid=compare-claim][data-story=learning-rate]');
    await expect.poll(() => items.count(), { timeout: 240_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('[data-testid=train-stop]').isDisabled(), { timeout: 240_000 }).toBe(true);
    await expect.poll(() => claim.count(), { timeout: 10_000 }).toBe(1);
    const text = await claim.innerText();
    // Every rate climbed, in numbers: the first pair (run #2, not the earlier run #1 at the same rate) and the repeats.
    expect(text).toMatch(/At 0\.01 \(run #2\) with BN (reached|stayed at chance)/);
    expect(text).toMatch(/at 0\.1 \(run #3\) with BN (reached|stayed at chance|diverged)/);
    const at01 = text.slice(text.indexOf('at 0.1 (run #3)')).split(';')[0];
    const bothTrainedAt01 = (at01.match(/ reached /g) ?? []).length === 2;
    expect(await items.count()).toBe(bothTrainedAt01 ? 4 : 3);
    if (bothTrainedAt01) expect(text).toMatch(/at 1 \(run #4\) with BN/);
    expect(await items.first().innerText()).toMatch(
      bothTrainedAt01 ? /#4[\s\S]*sgd lr 1 · batch 32/ : /#3[\s\S]*sgd lr 0\.1 · batch 32/,
    );
    await expect
      .poll(() => page.locator('[data-testid=compare-report]').innerText())
      .toContain(`at learning rate ${bothTrainedAt01 ? '1' : '0.1'}`);
    expect(await page.locator('[data-testid=compare-target-row]').count()).toBe(2);
  }, 600_000);

  it('stayed free of console errors', () => {
    expect(h.consoleErrors).toEqual([]);
    expect(h.cspViolations).toEqual([]);
  });
});
