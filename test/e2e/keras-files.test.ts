/**
 * A Keras user's round trip in the browser host: open a .keras file Keras 3.15.1 wrote (a small MNIST CNN with
 * BatchNormalization), train it one epoch from its own weights, export it as .keras, and open that again. The
 * exported file holds the trained weights (read back by the engine's reader; test/interop loads our .keras files
 * in real Keras), and a weights file that doesn't fit the model is refused in one line, changing nothing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readKerasFile } from '../../engine/formats/keras-file';
import { type Harness, totalParams, useEditor } from './harness';

let h: Harness;
let page: Page;
useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const FIXTURE = join(__dirname, '../fixtures/binary/mnist-cnn.keras');
const out = mkdtempSync(join(tmpdir(), 'layercanvas-keras-e2e-'));
const notice = () => page.locator('[data-testid=status-notice]').innerText();

async function openFile(path: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=open]')]);
  await chooser.setFiles(path);
}

/** Every weight value of a .keras file by layer name, as the engine reads it. */
async function weightsOf(path: string): Promise<Map<string, number[]>> {
  const read = await readKerasFile(new Uint8Array(readFileSync(path)));
  if (!read.ok) throw new Error(read.errors[0].message);
  const names = new Map(read.document.nodes.map((n) => [n.id, n.name ?? n.id]));
  return new Map(
    Object.entries(read.document.weights ?? {}).map(([id, ws]) => [
      names.get(id)!,
      ws.flatMap((w) => Array.from(w.tensor.data)),
    ]),
  );
}

describe('.keras: open, train, export, reopen', () => {
  it('opens the file with its layers and Keras parameter count', async () => {
    await openFile(FIXTURE);
    await expect.poll(notice).toBe('Opened mnist-cnn.keras');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(7);
    expect(await totalParams(page)).toBe('6,822');
  });

  it('trains one epoch on MNIST from the weights the file brought, and exports the trained model as .keras', async () => {
    await page.click('[data-testid=tab-train]');
    await page.selectOption('[data-testid=train-dataset]', 'mnist');
    await page.fill('[data-testid=train-subset]', '256');
    await page.fill('[data-testid=train-epochs]', '1');
    await page.click('[data-testid=train-start]');
    await expect
      .poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 90_000 })
      .toBe('completed');
    await page.click('[data-testid=run-use-weights]');
    await expect.poll(notice).toMatch(/^Trained weights of run #1 are now the model's/);

    await page.click('[data-testid=menu-export]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-keras]')]);
    expect(download.suggestedFilename()).toBe('mnist-cnn.keras');
    const saved = join(out, 'trained.keras');
    await download.saveAs(saved);
    await h.screenshot('keras-exported');

    const before = await weightsOf(FIXTURE);
    const after = await weightsOf(saved);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [layer, values] of after) expect(values).toHaveLength(before.get(layer)!.length);
    // Training moved the weights away from the file's: the export carries the trained ones.
    expect(after.get('dense')).not.toEqual(before.get('dense'));
    expect(after.get('batch_normalization')).not.toEqual(before.get('batch_normalization'));
  });

  it('reopens the exported file as the same model', async () => {
    await openFile(join(out, 'trained.keras'));
    await expect.poll(notice).toBe('Opened trained.keras');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(7);
    expect(await totalParams(page)).toBe('6,822');
  });

  it("Export ▸ Load weights…: weights of another model are refused in one line naming the layer; the model's stay", async () => {
    await page.click('[data-testid=menu-export]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=load-weights]')]);
    await chooser.setFiles(join(__dirname, '../fixtures/binary/tiny.weights.h5'));
    await expect.poll(notice).toMatch(/^Could not load tiny\.weights\.h5: .*layer '\w+' .*\(and \d+ more\)$/);
    await h.screenshot('keras-load-weights-refused');
  });
});
