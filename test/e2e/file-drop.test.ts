/**
 * Dropping a file onto the window in the browser host, as a user drags one from the file manager: the drop event
 * carries the file in its DataTransfer, dropped on the canvas (which claims only palette drags). A .keras file
 * (written by Keras 3.15.1) opens with its layers and Keras's parameter count; a file that is no model gets one
 * line in the status bar and the canvas keeps its model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Harness, layerNode, totalParams, useEditor } from './harness';

let h: Harness;
let page: Page;
useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const notice = () => page.locator('[data-testid=status-notice]');

/** Drags a file over the canvas and drops it there: dragover then drop, each holding the file. */
async function dropFile(name: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    ({ name, base64 }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name));
      const target = document.querySelector('.react-flow__pane') ?? document.body;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    },
    { name, base64: Buffer.from(bytes).toString('base64') },
  );
}

describe('a file dropped onto the window', () => {
  it('a .keras file opens: its layers on the canvas, its parameters counted as Keras counts them', async () => {
    await dropFile('branches.keras', readFileSync(join(__dirname, '../fixtures/binary/branches.keras')));
    await expect.poll(() => notice().innerText()).toBe('Opened branches.keras');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(6);
    for (const name of ['wide', 'deep_1', 'deep_2', 'head'])
      await expect.poll(() => layerNode(page, 'Dense', name).count()).toBe(1);
    // Keras 3.15.1: keras.models.load_model("branches.keras").count_params() == 70.
    expect(await totalParams(page)).toBe('70');
    await h.screenshot('file-drop-keras');
  });

  it('a file that is no model: one line in the status bar, and the canvas keeps its model', async () => {
    const nodes = await page.locator('.react-flow__node').count();
    await dropFile('notes.txt', new TextEncoder().encode('shopping list\nmilk\neggs\n'));
    await expect.poll(() => notice().getAttribute('class')).toContain('status-error');
    const line = await notice().innerText();
    expect(line.startsWith('notes.txt is not a model format LayerCanvas knows (LayerCanvas reads Keras 3 model')).toBe(
      true,
    );
    expect(line).not.toContain('\n');
    expect(await notice().getAttribute('title')).toBe(line);
    expect(await page.locator('.react-flow__node').count()).toBe(nodes);
    expect(await totalParams(page)).toBe('70');
    await h.screenshot('file-drop-not-a-model');
  });
});
