/**
 * The Train tab checks the model against the labels before Start, with fixes, and a failed check never becomes a
 * run; after training, Predict, Inside and Export follow the newest completed run. Driven by the mouse.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;

useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const check = () => page.locator('[data-testid=train-check]').innerText();
const status = () => page.locator('[data-testid=train-status]').getAttribute('data-status');
const items = () => page.locator('[data-testid=run-item]');

describe('train checks before Start', () => {
  it('shows no error count on the blank canvas the app opens with', async () => {
    expect(await page.locator('.react-flow__node').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid=status-blank]').innerText()).toBe('No layers yet');
    expect(await page.locator('[data-testid=status-errors]').count()).toBe(0);
    // Nor on the Problems tab, whose panel says how to start instead of listing the missing Input.
    expect(await page.locator('[data-testid=tab-problems]').innerText()).toBe('Problems');
    await page.click('[data-testid=tab-problems]');
    await expect.poll(() => page.locator('.problems-empty').innerText()).toMatch(/^No layers yet/);
    await page.click('[data-testid=tab-summary]');
  });

  it("refuses the article's CNN, whose output is (None, 12, 12, 2), and fixes it in two clicks", async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-article-cnn]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(7);
    await page.click('[data-testid=tab-train]');
    await page.selectOption('[data-testid=train-dataset]', 'mnist');
    // The article writes Input(28, 28, 3): the Input comes first, then the output.
    await expect.poll(check).toContain("The dataset's samples are (28, 28, 1) but the model's Input is (28, 28, 3).");
    await page.click('[data-testid=train-fix-input]');
    await expect
      .poll(check)
      .toContain(
        "The model's output is (None, 12, 12, 2), but classifying 10 classes needs (None, 10): one score per class.",
      );
    const fixes = page.locator('[data-testid=train-fix-output]');
    expect(await fixes.allInnerTexts()).toEqual([
      'Insert Flatten before dense',
      'Insert GlobalAveragePooling2D before dense',
    ]);
    expect(await page.locator('[data-testid=train-start]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=train-compare-bn]').isDisabled()).toBe(true);
    expect(await items().count()).toBe(0);
    await h.screenshot('train-check-rank');

    await fixes.first().click();
    // Now the output is (None, 2): the width is next, with its own fix.
    await expect.poll(check).toContain("The dataset has 10 classes but the model's output has 2 units.");
    expect(await fixes.allInnerTexts()).toEqual(['Set dense units to 10']);
    await fixes.first().click();
    await expect.poll(check).toContain('✓ Fits the Input (28, 28, 1)');
    expect(await page.locator('[data-testid=canvas] [data-testid=node-Flatten]').count()).toBe(1);
    expect(await page.locator('[data-testid=train-start]').isDisabled()).toBe(false);
    // Both fixes are edits like any other: one undo each.
    await page.click('[data-testid=undo]');
    await expect.poll(check).toContain('has 2 units');
    await page.click('[data-testid=redo]');
    await expect.poll(check).toContain('✓ Fits the Input (28, 28, 1)');
    expect(await items().count()).toBe(0);
  });
});

describe('after training, the newest completed run is the default', () => {
  it('Predict uses the newest completed run, not the canvas’s random weights, and not a stopped run', async () => {
    await page.fill('[data-testid=train-subset]', '256');
    await page.fill('[data-testid=train-epochs]', '1');
    await page.fill('[data-testid=train-batch-size]', '32');
    await page.click('[data-testid=train-start]');
    await expect.poll(status, { timeout: 120_000 }).toBe('completed');
    await page.click('[data-testid=tab-predict]');
    expect(await page.locator('[data-testid=predict-weights]').inputValue()).toBe('newest');
    expect(await page.locator('[data-testid=predict-weights] option:checked').innerText()).toBe(
      'Newest completed run (#1)',
    );
    await expect
      .poll(() => page.locator('[data-testid=predict-weights-status]').innerText())
      .toBe('Trained weights of run #1.');
    await expect.poll(() => page.locator('[data-testid=predict-bar]').count(), { timeout: 30_000 }).toBe(10);
    await h.screenshot('predict-newest-run');

    // A second run, stopped early: Predict and Inside stay on the completed one.
    await page.click('[data-testid=tab-train]');
    await page.fill('[data-testid=train-subset]', '2000');
    await page.fill('[data-testid=train-epochs]', '5');
    await page.click('[data-testid=train-start]');
    await expect
      .poll(() => page.locator('[data-testid=train-progress]').getAttribute('aria-valuenow'), { timeout: 60_000 })
      .not.toBe('0');
    await page.click('[data-testid=train-stop]');
    await expect.poll(status, { timeout: 60_000 }).toBe('stopped');
    await page.click('[data-testid=tab-predict]');
    await expect
      .poll(() => page.locator('[data-testid=predict-weights-status]').innerText())
      .toBe('Trained weights of run #1.');
    await page.click('[data-testid=tab-inside]');
    expect(await page.locator('[data-testid=inside-run]').inputValue()).toBe('newest');
    expect(await page.locator('[data-testid=inside-panel]').innerText()).toContain('run #1 · MNIST');
    // Picking a run is kept: the stopped one, by hand.
    const stopped = await page
      .locator('[data-testid=inside-run] option', { hasText: 'Run #2 (stopped)' })
      .getAttribute('value');
    await page.selectOption('[data-testid=inside-run]', stopped!);
    await expect.poll(() => page.locator('[data-testid=inside-panel]').innerText()).toContain('run #2 · MNIST');
  });

  it('Export lists the runs’ trained weights although the canvas model has none', async () => {
    await page.click('[data-testid=menu-export]');
    const runs = page.locator('[data-testid=export-run]');
    await expect.poll(() => runs.evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual(['2', '1']);
    expect(await page.locator('[data-testid=export-runs]').innerText()).toContain(
      'the canvas model has none of its own',
    );
    expect(await runs.nth(1).locator('button').allInnerTexts()).toEqual([
      '.keras',
      '.h5',
      'ONNX',
      'Weights JSON',
      'Keras .py + weights',
      'TF.js',
      'Training script',
    ]);
    await h.screenshot('export-run-weights');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      runs.nth(1).locator('[data-testid=export-run-weights-json]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/-run-1\.weights\.json$/);
    // ONNX needs weights, which the canvas model lacks: the run's export has them, and onnxruntime loads it.
    await page.click('[data-testid=menu-export]');
    const [onnxFile] = await Promise.all([
      page.waitForEvent('download'),
      runs.nth(1).locator('[data-testid=export-run-onnx]').click(),
    ]);
    expect(onnxFile.suggestedFilename()).toMatch(/-run-1\.onnx$/);
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync((await onnxFile.path())!)));
    expect(session.outputNames).toHaveLength(1);
    // The run's training script carries the run's settings.
    await page.click('[data-testid=menu-export]');
    const [script] = await Promise.all([
      page.waitForEvent('download'),
      runs.nth(1).locator('[data-testid=export-run-keras-train]').click(),
    ]);
    expect(script.suggestedFilename()).toMatch(/-run-1-train\.py$/);
    const text = readFileSync((await script.path())!, 'utf8');
    expect(text).toContain('"data_kind": "mnist"');
    expect(text).toContain('"strategy": "default"');
  });

  it('stayed free of console errors', () => {
    expect(h.consoleErrors).toEqual([]);
    expect(h.cspViolations).toEqual([]);
  });
});
