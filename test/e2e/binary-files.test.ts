/**
 * Opening binary model files in the browser host. Keras files (written by Keras 3.15.1) open with their weights;
 * an HDF5 file that holds weights only gets one line saying so and what to do, never Python syntax errors, and
 * the canvas is left as it was.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Harness, totalParams, useEditor } from './harness';

let h: Harness;
let page: Page;
useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const BINARY = join(__dirname, '../fixtures/binary');

async function open(name: string): Promise<string> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=open]')]);
  await chooser.setFiles(join(BINARY, name));
  const notice = page.locator('[data-testid=status-notice]');
  await expect.poll(() => notice.innerText()).not.toBe('');
  return notice.innerText();
}

describe('Open… a binary model file', () => {
  it.each([
    ['tiny.keras', 2, '10'],
    ['cnn-bn.h5', 6, '164'],
  ])('%s opens: its layers on the canvas, its parameters counted as Keras counts them', async (name, nodes, params) => {
    await expect.poll(() => open(name)).toBe(`Opened ${name}`);
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(nodes);
    expect(await totalParams(page)).toBe(params);
  });

  it('a .weights.h5 opened as a model: one line in the status bar, the whole of it on hover; the canvas keeps its model', async () => {
    const nodes = await page.locator('.react-flow__node').count();
    const line =
      'tiny.weights.h5 holds weights only, no model (open or build the model first, then load these weights onto it (Export ▸ Load weights…, or --weights))';
    const notice = page.locator('[data-testid=status-notice]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=open]')]);
    await chooser.setFiles(join(BINARY, 'tiny.weights.h5'));
    await expect.poll(() => notice.innerText()).toBe(line);
    expect(await notice.getAttribute('title')).toBe(line);
    expect(await notice.getAttribute('class')).toContain('status-error');
    expect(await page.locator('.react-flow__node').count()).toBe(nodes);
    await h.screenshot('open-binary-weights-h5');
  });
});
