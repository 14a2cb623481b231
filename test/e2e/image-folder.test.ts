/**
 * "Import image folder…" end to end, in Chromium against the served app: a folder of grey PNGs in three class
 * folders, picked through the page's <input webkitdirectory> (Playwright uploads a directory to it), is read by the
 * engine at the CNN's Input size, listed, previewed with its class names, checked against the Input, and trains for
 * an epoch; a folder with one class says so under the select.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;
let base: string;

const CLASSES = ['circle', 'square', 'stripe'];

/** A 28×28 grey PNG: a disc, a box or a vertical bar, shifted a little per image. */
function shape(kind: string, shift: number): Buffer {
  const img = new pngjs.PNG({ width: 28, height: 28 });
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const u = x - 14 - shift;
      const v = y - 14 + shift;
      const on =
        kind === 'circle'
          ? u * u + v * v < 64
          : kind === 'square'
            ? Math.abs(u) < 7 && Math.abs(v) < 7
            : Math.abs(u) < 2;
      const g = on ? 255 : 0;
      img.data.set([g, g, g, 255], 4 * (y * 28 + x));
    }
  }
  return pngjs.PNG.sync.write(img, { colorType: 0, inputColorType: 6 });
}

function makeFolder(name: string, classes: string[], perClass: number): string {
  const root = join(base, name);
  for (const c of classes) {
    mkdirSync(join(root, c), { recursive: true });
    for (let i = 0; i < perClass; i++)
      writeFileSync(join(root, c, `${String(i).padStart(3, '0')}.png`), shape(c, (i % 5) - 2));
  }
  return root;
}

async function pickFolder(path: string): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.click('[data-testid=train-import-folder]'),
  ]);
  await chooser.setFiles(path);
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'layercanvas-folder-e2e-'));
});
useEditor((harness) => {
  h = harness;
  page = harness.page;
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('image folder import', () => {
  it('imports a folder of class sub-folders, previews it with its class names, and trains an epoch on it', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-cnn-bn-before-activation]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(12);
    // Three classes, so the classifier's last Dense scores three.
    const dense = page.locator('[data-testid=node-Dense]');
    await dense.click();
    await page.locator('[data-testid=inspector-field-units]').fill('3');
    await page.locator('[data-testid=inspector-field-units]').press('Enter');
    await expect.poll(() => dense.locator('[data-testid=node-shape]').textContent()).toBe('(None, 3)');
    await page.click('[data-testid=tab-train]');

    await pickFolder(makeFolder('shapes', CLASSES, 12));
    // Read at the Input's (28, 28, 1): three classes named by the folders.
    await expect
      .poll(() => page.locator('[data-testid=train-dataset] option:checked').innerText(), { timeout: 15_000 })
      .toBe('shapes/ — (28, 28, 1), 3 classes');
    expect(await page.locator('[data-testid=train-check]').innerText()).toBe(
      '✓ Fits the Input (28, 28, 1); 36 samples.',
    );
    expect(await page.locator('[data-testid=train-folder-height]').inputValue()).toBe('28');
    expect(await page.locator('[data-testid=train-folder-width]').inputValue()).toBe('28');
    expect(await page.locator('[data-testid=train-folder-channels]').inputValue()).toBe('1');

    const samples = page.locator('[data-testid=dataset-preview-sample]');
    await expect.poll(() => samples.count(), { timeout: 15_000 }).toBe(12);
    const labels = await samples.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
    expect(labels.every((l) => CLASSES.includes(l!))).toBe(true);
    // Shuffled as Keras shuffles a directory: the first twelve are not all one class.
    expect(new Set(labels).size).toBeGreaterThan(1);
    // The pictures are the shapes drawn: 28×28, a dark corner, and a lit centre for every disc and box.
    const drawn = await samples.evaluateAll((els) =>
      els.map((e) => {
        const c = e.querySelector('canvas')!;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        return {
          label: e.getAttribute('data-label'),
          size: [c.width, c.height],
          corner: data[0],
          centre: data[4 * (14 * c.width + 14)],
        };
      }),
    );
    for (const d of drawn) {
      expect(d.size).toEqual([28, 28]);
      expect(d.corner).toBe(0);
      if (d.label !== 'stripe') expect(d.centre).toBe(255);
    }
    await page.locator('[data-testid=train-dataset]').scrollIntoViewIfNeeded();
    await h.screenshot('image-folder-import');
    await page.locator('[data-testid=dataset-preview]').scrollIntoViewIfNeeded();
    await h.screenshot('image-folder-preview');

    await page.fill('[data-testid=train-epochs]', '1');
    await page.fill('[data-testid=train-batch-size]', '32');
    await page.fill('[data-testid=train-val-split]', '0.25');
    await page.click('[data-testid=train-start]');
    const status = page.locator('[data-testid=train-status]');
    await expect
      .poll(() => status.getAttribute('data-status'), { timeout: 30_000 })
      .toMatch(/^(completed|failed|stopped)$/);
    // A failure fails with its message, not a bare status.
    const error = (await page.locator('[data-testid=train-error]').count())
      ? await page.locator('[data-testid=train-error]').innerText()
      : '';
    expect({ status: await status.getAttribute('data-status'), error }).toEqual({ status: 'completed', error: '' });
    // 36 images less a quarter for validation: 27 samples, one batch of 32.
    expect(await page.locator('[data-testid=train-status]').innerText()).toMatch(/epoch 1\/1 · batch 1\/1/);

    // Another size reads the kept files again; the check then offers to fit the Input to it.
    await page.fill('[data-testid=train-folder-height]', '32');
    await page.press('[data-testid=train-folder-height]', 'Enter');
    await page.fill('[data-testid=train-folder-width]', '30');
    await page.press('[data-testid=train-folder-width]', 'Enter');
    await expect
      .poll(() => page.locator('[data-testid=train-dataset] option:checked').innerText(), { timeout: 15_000 })
      .toBe('shapes/ — (32, 30, 1), 3 classes');
    expect(await page.locator('[data-testid=train-fix-input]').innerText()).toBe('Set Input to (32, 30, 1)');

    // A folder with a single class can't train a classifier: the problem shows under the select, naming the folder.
    await pickFolder(makeFolder('cats', ['cat'], 2));
    await expect.poll(() => page.locator('[data-testid=train-import-error]').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('[data-testid=train-import-error]').innerText()).toContain(
      'cats/cat: the only class folder is "cat": a classifier needs at least two',
    );
    await page.locator('[data-testid=train-dataset]').scrollIntoViewIfNeeded();
    await h.screenshot('image-folder-error');
  });

  it('stayed free of console errors and CSP violations', () => {
    expect(h.consoleErrors).toEqual([]);
    expect(h.cspViolations).toEqual([]);
  });
});
