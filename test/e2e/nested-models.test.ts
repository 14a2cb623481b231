/**
 * A model that nests a Sequential model (test/fixtures/nested/seq_in_func.keras, saved by Keras 3.15.1) opens with
 * the nested model as a frame around its layers; its toggle collapses them into one node showing what Keras's
 * summary row shows (class, output shape, params), the connections attached to it, and expands them again. The
 * summary lists the nested model as one row. Screenshots go to test-results/screenshots/nested-*.png.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Harness, layerNode, totalParams, useEditor } from './harness';

let h: Harness;
let page: Page;
useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const FIXTURE = join(__dirname, '../fixtures/nested/seq_in_func.keras');
const notice = () => page.locator('[data-testid=status-notice]').innerText();
const visibleLayers = () => page.locator('.react-flow__node-layer:visible').count();

describe('a nested model on the canvas', () => {
  it('opens with the nested model framed around its three layers, and the summary row Keras prints for it', async () => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=open]')]);
    await chooser.setFiles(FIXTURE);
    await expect.poll(notice).toBe('Opened seq_in_func.keras');
    await expect.poll(visibleLayers, { timeout: 15_000 }).toBe(7);
    const frame = page.locator('[data-testid=group-stem]');
    await expect.poll(() => frame.isVisible()).toBe(true);
    // The frame holds its layers: each lies inside the frame's box.
    const box = (await frame.boundingBox())!;
    for (const name of ['stem_conv', 'stem_bn', 'stem_relu']) {
      const b = (await layerNode(
        page,
        name === 'stem_conv' ? 'Conv2D' : name === 'stem_bn' ? 'BatchNormalization' : 'ReLU',
        name,
      ).boundingBox())!;
      expect(
        b.x >= box.x &&
          b.y >= box.y &&
          b.x + b.width <= box.x + box.width + 1 &&
          b.y + b.height <= box.y + box.height + 1,
      ).toBe(true);
    }
    expect(await totalParams(page)).toBe('379');
    const row = page.locator('[data-testid=summary-row-stem]');
    await expect.poll(() => row.innerText()).toMatch(/stem\s*\(Sequential\)\s*\(None, 6, 6, 6\)\s*246/);
    await h.screenshot('nested-expanded');
  });

  it('collapses into one node with the output shape and params, connected where its layers were, and expands again', async () => {
    await page.click('[data-testid=group-toggle-stem]');
    await expect.poll(visibleLayers).toBe(4);
    const node = page.locator('[data-testid=group-stem]');
    await expect
      .poll(() => node.innerText())
      .toMatch(/stem\s*\(Sequential\)[\s\S]*\(None, 6, 6, 6\)[\s\S]*246 params[\s\S]*3 layers/);
    // c0 → stem and stem → gap are drawn to the collapsed node; nothing inside it is.
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4);
    await h.screenshot('nested-collapsed');
    await page.click('[data-testid=group-toggle-stem]');
    await expect.poll(visibleLayers).toBe(7);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(6);
  });

  it('opens a model nested two deep with the inner frame inside the outer one, each collapsible on its own', async () => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=open]')]);
    await chooser.setFiles(join(__dirname, '../fixtures/nested/seq_in_func_in_func.keras'));
    await expect.poll(notice).toBe('Opened seq_in_func_in_func.keras');
    await expect.poll(visibleLayers, { timeout: 15_000 }).toBe(9);
    const mid = page.locator('[data-testid=group-mid]');
    const inner = page.locator('[data-testid=group-inner]');
    const [outerBox, innerBox] = [(await mid.boundingBox())!, (await inner.boundingBox())!];
    expect(
      innerBox.x > outerBox.x &&
        innerBox.y > outerBox.y &&
        innerBox.x + innerBox.width < outerBox.x + outerBox.width &&
        innerBox.y + innerBox.height < outerBox.y + outerBox.height,
    ).toBe(true);
    // Keras's summary: the outer model lists mid as one row, inner is within it.
    await expect
      .poll(() => page.locator('[data-testid=summary-row-mid]').innerText())
      .toMatch(/mid\s*\(Functional\)\s*\(None, 8\)\s*185/);
    expect(await page.locator('[data-testid=summary-row-inner]').count()).toBe(0);
    await h.screenshot('nested-two-deep');
    await page.click('[data-testid=group-toggle-inner]');
    await expect.poll(visibleLayers).toBe(6);
    await expect.poll(() => inner.innerText()).toMatch(/inner\s*\(Sequential\)[\s\S]*113 params[\s\S]*3 layers/);
    // mid_d → inner → mid_add drawn to the collapsed node, the other connections as before.
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(8);
    await page.click('[data-testid=group-toggle-mid]');
    await expect.poll(visibleLayers).toBe(4);
    await expect.poll(() => inner.isVisible()).toBe(false);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(5);
    await h.screenshot('nested-two-deep-collapsed');
    await page.click('[data-testid=group-toggle-mid]');
    await expect.poll(() => inner.isVisible()).toBe(true);
    await expect.poll(visibleLayers).toBe(6);
  });

  it('ungroups stem, groups its three layers again with the mouse (one undo step), and refuses a model input', async () => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=open]')]);
    await chooser.setFiles(FIXTURE);
    await expect.poll(notice).toBe('Opened seq_in_func.keras');
    await page.click('[data-testid=group-ungroup-stem]');
    await expect.poll(() => page.locator('.react-flow__node-group').count()).toBe(0);
    await page.click('[data-testid=tab-summary]');
    await expect.poll(() => page.locator('[data-testid=summary-row-stem_bn]').count()).toBe(1);
    await layerNode(page, 'Conv2D', 'stem_conv').click();
    await layerNode(page, 'BatchNormalization', 'stem_bn').click({ modifiers: ['Control'] });
    await layerNode(page, 'ReLU', 'stem_relu').click({ modifiers: ['Control'] });
    await page.click('[data-testid=group-selection]');
    await expect.poll(() => page.locator('[data-testid=group-functional]').isVisible()).toBe(true);
    await expect
      .poll(() => page.locator('[data-testid=summary-row-functional]').innerText())
      .toMatch(/functional\s*\(Functional\)\s*\(None, 6, 6, 6\)\s*246/);
    await h.screenshot('nested-grouped');
    await page.click('[data-testid=undo]');
    await expect.poll(() => page.locator('.react-flow__node-group').count()).toBe(0);
    await layerNode(page, 'InputLayer', 'input_layer').click();
    await layerNode(page, 'Conv2D', 'c0').click({ modifiers: ['Control'] });
    await page.click('[data-testid=group-selection]');
    await expect.poll(notice).toBe('input_layer is a model input: a nested model starts after it');
    expect(await page.locator('.react-flow__node-group').count()).toBe(0);
  });

  it('opens ConvNeXtTiny with its stem and three downsampling blocks as frames, each one Sequential row', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'layercanvas-nested-')), 'ConvNeXtTiny.json');
    writeFileSync(path, gunzipSync(readFileSync(join(__dirname, '../fixtures/applications/ConvNeXtTiny.json.gz'))));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=open]')]);
    await chooser.setFiles(path);
    await expect.poll(notice, { timeout: 30_000 }).toBe('Opened ConvNeXtTiny.json');
    await expect.poll(() => page.locator('.react-flow__node-group').count(), { timeout: 30_000 }).toBe(4);
    expect(await totalParams(page)).toBe('28,589,128');
    for (const name of ['convnext_tiny_stem', 'convnext_tiny_downsampling_block_0']) {
      const row = page.locator(`[data-testid=summary-row-${name}]`);
      await expect.poll(() => row.innerText()).toMatch(/\(Sequential\)/);
    }
    // The summary's row of a nested model centres the canvas on its frame, as a layer's row does on the layer.
    await page.click('[data-testid=summary-row-convnext_tiny_downsampling_block_0]');
    const frame = page.locator('[data-testid=group-convnext_tiny_downsampling_block_0]');
    await expect
      .poll(async () => {
        const b = await frame.boundingBox();
        const c = (await page.locator('[data-testid=canvas]').boundingBox())!;
        return b !== null && b.y > c.y && b.y + b.height < c.y + c.height;
      })
      .toBe(true);
    await h.screenshot('nested-convnext');
  }, 90_000);
});
