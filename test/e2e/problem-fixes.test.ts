/**
 * One-click fixes in Chromium, by the mouse: the article's CNN puts relu before BN twice; its fix button in the
 * warning's popover reorders one convolution (one undo step), and "Fix all" in the Problems list does both, leaving
 * the 10,402 parameters real Keras counts for conv(use_bias=False) → BN → relu twice (.venv-keras: 10,466 before).
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { layerNode, totalParams as harnessTotalParams, useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;

useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const node = (className: string, name: string): Locator => layerNode(page, className, name);
const totalParams = () => harnessTotalParams(page);

describe('problem fixes', () => {
  it('fixes relu before BN from the badge (one undo step) and for both convolutions from the Problems list', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-article-cnn]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(7);
    expect(await totalParams()).toBe('10,466');

    const bn = node('BatchNormalization', 'batch_normalization');
    await bn.locator('[data-testid=node-warning]').click();
    const fix = bn.locator('[data-testid=node-warning-details] [data-testid=problem-fix]');
    await expect
      .poll(() => fix.innerText())
      .toBe('Reorder to conv2d → batch_normalization → relu, use_bias=False on conv2d');
    await h.screenshot('fix-badge-popover');
    await fix.click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(8);
    expect(await totalParams()).toBe('10,434');
    await expect.poll(() => node('Activation', 'activation').count()).toBe(1);

    // One click, one undo step.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(7);
    expect(await totalParams()).toBe('10,466');

    await page.click('[data-testid=tab-problems]');
    const row = page.locator('[data-testid=problems] li', {
      hasText: 'BatchNormalization follows the relu activation of conv2d;',
    });
    await row.locator('[data-testid=problem-fix-all]').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(9);
    expect(await totalParams()).toBe('10,402');
    await page.click('[data-testid=tab-problems]');
    expect(await page.locator('[data-testid=problems] li', { hasText: 'BatchNormalization follows' }).count()).toBe(0);
    await h.screenshot('fix-all-applied');
    expect(h.consoleErrors).toEqual([]);
  });

  it('lists "units ≠ classes" for the Train tab’s dataset in Problems and on the layer’s badge, each with its fix', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-article-cnn]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(7);
    await page.click('[data-testid=tab-train]');
    await page.selectOption('[data-testid=train-dataset]', 'mnist');
    await page.click('[data-testid=train-fix-input]');
    // The Dense fed (12, 12, 32) has the canvas's own warning; inserting Flatten leaves a (None, 2) output.
    await page.click('[data-testid=tab-problems]');
    await page
      .locator('[data-testid=problems] li', { hasText: 'Dense is fed' })
      .getByText('Insert Flatten before dense')
      .click();
    await page.click('[data-testid=tab-problems]');
    const row = page.locator('[data-testid=problems] li', {
      hasText: "The dataset has 10 classes but the model's output has 2 units",
    });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain("(the Train tab's dataset: MNIST");
    expect(await row.locator('[data-testid=problem-fix]').allInnerTexts()).toEqual(['Set dense units to 10']);

    const dense = node('Dense', 'dense');
    await dense.locator('[data-testid=node-warning]').click();
    const details = dense.locator('[data-testid=node-warning-details]');
    await expect.poll(() => details.innerText()).toContain("the model's output has 2 units");
    expect(await details.locator('[data-testid=problem-fix]').allInnerTexts()).toEqual(['Set dense units to 10']);
    await h.screenshot('fix-units-badge');
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });

    await row.locator('[data-testid=problem-fix]').click();
    await page.click('[data-testid=tab-problems]');
    await expect
      .poll(() => page.locator('[data-testid=problems] li', { hasText: 'classes but the model' }).count())
      .toBe(0);
    expect(await dense.locator('[data-testid=node-warning]').count()).toBe(0);
    // One click, one undo step: Undo brings the 2 units and the row back, Redo the fix.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await page.click('[data-testid=tab-problems]');
    await expect.poll(() => row.count()).toBe(1);
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Shift+z');
    await page.click('[data-testid=tab-problems]');
    await expect.poll(() => row.count()).toBe(0);
    expect(h.consoleErrors).toEqual([]);
  });

  it('lists a rank-4 output for the Train tab’s dataset with the Flatten and pooling heads, each one undo step', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-article-cnn]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(7);
    await page.click('[data-testid=tab-train]');
    await page.selectOption('[data-testid=train-dataset]', 'mnist');
    await page.click('[data-testid=train-fix-input]');
    // Without its Dense the article's CNN ends at MaxPooling2D's (None, 12, 12, 32): no score per class.
    await node('Dense', 'dense').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(6);
    const params = await totalParams();
    await page.click('[data-testid=tab-problems]');
    const row = page.locator('[data-testid=problems] li', {
      hasText: "The model's output is (None, 12, 12, 32), but classifying 10 classes needs (None, 10)",
    });
    await expect.poll(() => row.count()).toBe(1);
    const fixes = [
      'Add Flatten and Dense(10, softmax) after max_pooling2d',
      'Add GlobalAveragePooling2D and Dense(10, softmax) after max_pooling2d',
    ];
    expect(await row.locator('[data-testid=problem-fix]').allInnerTexts()).toEqual(fixes);
    // The same problem and fixes on the layer's badge.
    const pool = node('MaxPooling2D', 'max_pooling2d');
    await pool.locator('[data-testid=node-warning]').click();
    const details = pool.locator('[data-testid=node-warning-details]');
    await expect.poll(() => details.innerText()).toContain("The model's output is (None, 12, 12, 32)");
    expect(await details.locator('[data-testid=problem-fix]').allInnerTexts()).toEqual(fixes);
    // The canvas is zoomed out to fit the model here, yet the popover is drawn at its own 260 px, 12 px text.
    const zoom = await page.evaluate(
      () => new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a,
    );
    expect(zoom).toBeLessThan(0.98);
    expect((await details.boundingBox())!.width).toBeCloseTo(260, 0);
    // The layer is low on the canvas: the popover opens upwards, all of it (its fix buttons too) inside the canvas.
    const popover = (await details.boundingBox())!;
    const canvas = (await page.locator('[data-testid=canvas]').boundingBox())!;
    expect(popover.y).toBeGreaterThanOrEqual(canvas.y);
    expect(popover.y + popover.height).toBeLessThanOrEqual(canvas.y + canvas.height);
    await h.screenshot('fix-rank-badge');
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });

    await page.click('[data-testid=tab-problems]');
    await row.locator('[data-testid=problem-fix]', { hasText: 'GlobalAveragePooling2D' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(8);
    // Pooled (None, 32) into Dense(10): 330 parameters more.
    await expect.poll(() => totalParams()).toBe((Number(params.replace(/,/g, '')) + 330).toLocaleString('en-US'));
    await page.click('[data-testid=tab-problems]');
    await expect.poll(() => row.count()).toBe(0);
    await expect.poll(() => node('GlobalAveragePooling2D', 'global_average_pooling2d').count()).toBe(1);

    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(6);
    await page.click('[data-testid=tab-problems]');
    await expect.poll(() => row.count()).toBe(1);
    expect(h.consoleErrors).toEqual([]);
  });
});
