/**
 * Regularizers and weight constraints in the inspector: a pasted model that carries them (the interop suite's image
 * fixture) shows each as its class with one box per argument under Advanced; choosing a class and typing a factor
 * there is what the code view then writes as Keras Python.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { layerNode, useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;

useEditor((harness) => {
  h = harness;
  page = harness.page;
});

async function codeText(): Promise<string> {
  await h.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.url });
  await page.click('[data-testid=tab-code]');
  await page.locator('[data-testid=code-view] .monaco-editor').waitFor();
  await page.click('[data-testid=code-copy]');
  return page.evaluate(() => navigator.clipboard.readText());
}

describe('regularizers and constraints in the inspector', () => {
  it('show as class and arguments, and an edit there is what the code view writes', async () => {
    const code = readFileSync(new URL('../fixtures/python/regularizers-constraints-image.py', import.meta.url), 'utf8');
    await page.click('[data-testid=tab-code]');
    await page.locator('[data-testid=code-view] .view-lines').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(code);
    await page.click('[data-testid=code-apply]');
    const conv = layerNode(page, 'Conv2D', 'conv2d');
    await conv.waitFor({ timeout: 15_000 });
    await conv.click();
    await page.locator('.inspector-advanced summary').click();
    expect(await page.locator('[data-testid=inspector-field-kernel_constraint]').inputValue()).toBe('MaxNorm');
    expect(await page.locator('[data-testid=inspector-field-kernel_constraint-axis]').inputValue()).toBe('0, 1, 2');
    expect(await page.locator('[data-testid=inspector-field-kernel_regularizer-l2]').inputValue()).toBe('0.0001');

    await page.selectOption('[data-testid=inspector-field-kernel_regularizer]', 'L1L2');
    const l2 = page.locator('[data-testid=inspector-field-kernel_regularizer-l2]');
    await expect.poll(() => l2.inputValue()).toBe('0.01');
    await l2.fill('0.05');
    await l2.press('Enter');
    await page.selectOption('[data-testid=inspector-field-bias_constraint]', '');
    const axis = page.locator('[data-testid=inspector-field-kernel_constraint-axis]');
    await axis.fill('0.5');
    await axis.press('Enter');
    await page
      .locator('[data-testid=inspector-error-kernel_constraint-axis]')
      .filter({ hasText: "MaxNorm's axis must be an integer or a list of integers, got 0.5" })
      .waitFor();
    await h.screenshot('inspector-weight-rules');

    const line = (await codeText()).split('\n').find((l) => l.includes('layers.Conv2D('))!;
    expect(line).toContain('kernel_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.05)');
    expect(line).toContain('kernel_constraint=keras.constraints.MaxNorm(max_value=3, axis=[0, 1, 2])');
    expect(line).not.toContain('bias_constraint');
    expect(h.consoleErrors).toEqual([]);
  });
});
