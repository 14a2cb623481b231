/**
 * Opening a binary model file in the browser host: a .keras zip, an .h5 (written by Keras 3.15.1) get one line
 * saying what they are and what to do, never Python syntax errors, and the canvas is left as it was.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Harness, useEditor } from './harness';

let h: Harness;
let page: Page;
useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const BINARY = join(__dirname, '../fixtures/binary');

describe('Open… a binary model file', () => {
  it.each([
    [
      'tiny.keras',
      "tiny.keras is a Keras 3 .keras file (a zip); LayerCanvas can't read .keras files yet (in Python, save model.to_json() and open that)",
    ],
    [
      'tiny.h5',
      "tiny.h5 is an HDF5 file (Keras .h5); LayerCanvas can't read .h5 files yet (in Python, save model.to_json() and open that)",
    ],
  ])(
    '%s: one line in the status bar that names the file once, the whole of it on hover; the canvas keeps its model',
    async (name, line) => {
      const nodes = await page.locator('.react-flow__node').count();
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=open]')]);
      await chooser.setFiles(join(BINARY, name));
      const notice = page.locator('[data-testid=status-notice]');
      await expect.poll(() => notice.innerText()).toBe(line);
      expect(await notice.getAttribute('title')).toBe(line);
      expect(await notice.getAttribute('class')).toContain('status-error');
      expect(await page.locator('.react-flow__node').count()).toBe(nodes);
      await h.screenshot(`open-binary-${name.replace('.', '-')}`);
    },
  );
});
