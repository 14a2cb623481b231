/**
 * One-click fixes in Chromium, by the mouse: the article's CNN puts relu before BN twice; its fix button in the
 * warning's popover reorders one convolution (one undo step), and "Fix all" in the Problems list does both, leaving
 * the 10,402 parameters real Keras counts for conv(use_bias=False) → BN → relu twice (.venv-keras: 10,466 before).
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  connectHandles,
  fitAndSettleView,
  layerNode,
  totalParams as harnessTotalParams,
  useEditor,
  type Harness,
} from './harness';

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

  it('fixes a bias before BN, a softmax mid-model and a branch that leads nowhere, each from its badge by the mouse', async () => {
    await page.click('[data-testid=tab-code]');
    await page.locator('[data-testid=code-view] .monaco-editor').waitFor();
    await page.locator('[data-testid=code-view] .view-lines').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(`from keras import Sequential, Input
from keras.layers import Conv2D, BatchNormalization, Activation, Flatten, Dense
model = Sequential([
Input(shape=(28, 28, 1)),
Conv2D(8, (3, 3)),
BatchNormalization(),
Activation('relu'),
Flatten(),
Dense(32, activation='softmax'),
Dense(10, activation='softmax'),
])`);
    await page.click('[data-testid=code-apply]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(7);
    await page.click('.react-flow__controls-fitview');
    // Keras counts 80 (conv) + 32 (BN) + 173,088 + 330 = 173,530.
    expect(await totalParams()).toBe('173,530');
    const fixOn = async (n: Locator, label: string) => {
      // Code Apply lays the model out in a worker: click once the canvas holds still.
      await fitAndSettleView(page);
      await n.locator('[data-testid=node-warning]').click();
      const fixes = n.locator('[data-testid=node-warning-details] [data-testid=problem-fix]');
      await expect.poll(() => fixes.allInnerTexts()).toContain(label);
      await fixes.filter({ hasText: label }).click();
    };

    // The conv's 8 biases are cancelled by BN's mean: use_bias=False drops them, nothing else changes.
    const conv = node('Conv2D', 'conv2d');
    // Its popover closes on a press elsewhere on the canvas, and on Escape.
    await fitAndSettleView(page);
    await conv.locator('[data-testid=node-warning]').click();
    await expect.poll(() => conv.locator('[data-testid=node-warning-details]').count()).toBe(1);
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await expect.poll(() => conv.locator('[data-testid=node-warning-details]').count()).toBe(0);
    await conv.locator('[data-testid=node-warning]').click();
    await expect.poll(() => conv.locator('[data-testid=node-warning-details]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => conv.locator('[data-testid=node-warning-details]').count()).toBe(0);
    await fixOn(conv, 'Set use_bias=False on conv2d');
    await expect.poll(() => totalParams()).toBe('173,522');
    await expect.poll(() => conv.locator('[data-testid=node-warning]').count()).toBe(0);

    // softmax on the hidden Dense: relu there, the softmax stays at the output.
    const hidden = node('Dense', 'dense');
    await fixOn(hidden, 'Use relu in dense');
    await expect.poll(() => hidden.locator('[data-testid=node-warning]').count()).toBe(0);
    // The code says so: relu on the hidden Dense, softmax only at the output, no bias on the conv.
    await page.click('[data-testid=tab-code]');
    await h.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.url });
    await page.click('[data-testid=code-copy]');
    const code = (await page.evaluate(() => navigator.clipboard.readText())).split('\n');
    expect(code.find((l) => l.includes('Dense(32'))).toMatch(/activation=["']relu["']/);
    expect(code.find((l) => l.includes('Dense(10'))).toMatch(/activation=["']softmax["']/);
    expect(code.find((l) => l.includes('Conv2D('))).toMatch(/use_bias=False/);
    expect(await totalParams()).toBe('173,522');

    // A Dense dropped beside Flatten and wired from it by the mouse forks a second output that leads nowhere.
    const flatten = (await node('Flatten', 'flatten').boundingBox())!;
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.dragAndDrop('[data-testid=palette-Dense]', '.react-flow__pane', {
      targetPosition: { x: flatten.x - pane.x - 150, y: flatten.y - pane.y + 90 },
    });
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(8);
    const added = node('Dense', 'dense_2');
    await connectHandles(page, node('Flatten', 'flatten'), added);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(7);
    await added.locator('[data-testid=node-warning]').click();
    const details = added.locator('[data-testid=node-warning-details]');
    await expect
      .poll(() => details.innerText())
      .toContain('this branch ends here without reaching the rest of the model');
    expect(await details.locator('[data-testid=problem-fix]').allInnerTexts()).toEqual([
      'Insert dense_2 between flatten and dense',
      'Delete dense_2',
      'Set dense_2 units to 10',
    ]);
    // Near the canvas's left edge the popover hangs rightwards, all of it inside the canvas.
    const popover = (await details.boundingBox())!;
    const canvas = (await page.locator('[data-testid=canvas]').boundingBox())!;
    expect(popover.x).toBeGreaterThanOrEqual(canvas.x);
    expect(popover.x + popover.width).toBeLessThanOrEqual(canvas.x + canvas.width);
    await h.screenshot('fix-dangling-badge');
    await details.locator('[data-testid=problem-fix]', { hasText: 'Insert dense_2' }).click();
    // Now in the chain: flatten → dense_2 → dense, one output, no warning left on any layer.
    await expect.poll(() => page.locator('[data-testid=node-warning]').count()).toBe(0);
    expect(await page.locator('.react-flow__edge').count()).toBe(7);
    expect(await totalParams()).toBe('174,578');
    // One click, one undo step: the fork is back.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => added.locator('[data-testid=node-warning]').count()).toBe(1);
    expect(h.consoleErrors).toEqual([]);
  });
});
