/**
 * The sequence layers in the editor: the palette's Recurrent group holds LSTM and GRU (Embedding is a Core layer, as
 * in Keras's documentation), and a pasted text model (Embedding → LSTM → GRU and LSTM → Concatenate → Dense) applies
 * from the code view with Keras's parameter count:
 * Embedding 1000·16 = 16,000; LSTM(12) on 16: 4·(12·(16 + 12) + 12) = 1,392; GRU(8) on 12 (reset_after):
 * 3·(8·(12 + 8) + 2·8) = 528; LSTM(6, no bias) on 12: 4·6·(12 + 6) = 432; Dense(2) on 14: 30. Total 18,382.
 * A Bidirectional node's inspector edits the layer it wraps: text-bidirectional.py has Embedding 500·8 = 4,000,
 * Bidirectional(LSTM(6)) on 8: 2·4·(6·(8 + 6) + 6) = 720, Bidirectional(GRU(4, no bias)) on 6: 2·3·4·(6 + 4) = 240,
 * Dense(3) on 8: 27 (4,987, as Keras's summary). Wrapping a GRU(5) instead: 2·3·(5·(8 + 5) + 2·5) = 450, and the
 * next on 5: 2·3·4·(5 + 4) = 216: 4,693.
 * return-state.py's LSTM(8) and GRU(6) show their states as outputs of their own; without c in the Concatenate the
 * model has Keras's 1,267 − 16·8 = 1,139 parameters, and c dragged from the LSTM's third output back in gives 1,267.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fitAndSettleView, layerNode, totalParams, useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;

useEditor((harness) => {
  h = harness;
  page = harness.page;
});

describe('recurrent layers in the editor', () => {
  it('the palette has a Recurrent group with LSTM and GRU, after Pooling', async () => {
    const groups = await page
      .locator('.palette-group')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(groups.indexOf('Recurrent')).toBe(groups.indexOf('Pooling') + 1);
    const recurrent = page.locator('.palette-group[aria-label=Recurrent]');
    await recurrent.locator('[data-testid=palette-LSTM]').waitFor();
    await recurrent.locator('[data-testid=palette-GRU]').waitFor();
    await recurrent.locator('[data-testid=palette-Bidirectional]').waitFor();
    await page.locator('.palette-group[aria-label=Core] [data-testid=palette-Embedding]').waitFor();
    await recurrent.scrollIntoViewIfNeeded();
    await h.screenshot('palette-recurrent');
  });

  it("a pasted text model applies with Keras's 18,382 parameters and every layer's shape", async () => {
    const code = readFileSync(new URL('../fixtures/python/text-lstm-gru.py', import.meta.url), 'utf8');
    await page.click('[data-testid=tab-code]');
    await page.locator('[data-testid=code-view] .monaco-editor').waitFor();
    await page.locator('[data-testid=code-view] .view-lines').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(code);
    await page.click('[data-testid=code-apply]');
    await expect.poll(() => page.locator('[data-testid=node-LSTM]').count(), { timeout: 15_000 }).toBe(2);
    expect(await totalParams(page)).toBe('18,382');
    const shape = (className: string, name: string) =>
      layerNode(page, className, name).locator('[data-testid=node-shape]').innerText();
    expect(await shape('Embedding', 'embedding')).toContain('(None, 20, 16)');
    expect(await shape('LSTM', 'lstm')).toContain('(None, 20, 12)');
    expect(await shape('GRU', 'gru')).toContain('(None, 8)');
    await h.screenshot('text-model-canvas');
    expect(h.consoleErrors).toEqual([]);
  });

  it("a Bidirectional node's inspector edits the LSTM or GRU it wraps, with Keras's parameters", async () => {
    const code = readFileSync(new URL('../fixtures/python/text-bidirectional.py', import.meta.url), 'utf8');
    await page.click('[data-testid=tab-code]');
    await page.locator('[data-testid=code-view] .view-lines').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(code);
    await page.click('[data-testid=code-apply]');
    await expect.poll(() => page.locator('[data-testid=node-Bidirectional]').count(), { timeout: 15_000 }).toBe(2);
    expect(await totalParams(page)).toBe('4,987');
    const first = layerNode(page, 'Bidirectional', 'bidirectional');
    expect(await first.locator('[data-testid=node-shape]').innerText()).toContain('(None, 16, 6)');
    await first.click();
    await page.selectOption('[data-testid=inspector-field-layer]', 'GRU');
    await page.locator('[data-testid=inspector-field-units]').fill('5');
    await page.locator('[data-testid=inspector-field-units]').press('Enter');
    await expect.poll(() => totalParams(page)).toBe('4,693');
    expect(await first.locator('[data-testid=node-shape]').innerText()).toContain('(None, 16, 5)');
    await h.screenshot('bidirectional-inspector');
    expect(h.consoleErrors).toEqual([]);
  });

  it("return_state's states are outputs of their own: shown, and connected from their own handle", async () => {
    const code = readFileSync(new URL('../fixtures/python/return-state.py', import.meta.url), 'utf8');
    await page.click('[data-testid=tab-code]');
    await page.locator('[data-testid=code-view] .view-lines').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(code.replace('[h, c, state]', '[h, state]'));
    await page.click('[data-testid=code-apply]');
    await expect.poll(() => page.locator('[data-testid=node-GRU]').count(), { timeout: 15_000 }).toBe(1);
    expect(await totalParams(page)).toBe('1,139');
    const lstm = layerNode(page, 'LSTM', 'lstm');
    expect(await lstm.locator('[data-testid=node-state-1]').innerText()).toBe('[1] (None, 8)');
    expect(await lstm.locator('[data-testid=node-state-2]').innerText()).toBe('[2] (None, 8)');
    expect(await layerNode(page, 'GRU', 'gru').locator('[data-testid=node-state-1]').innerText()).toBe('[1] (None, 6)');
    await fitAndSettleView(page);
    const concat = layerNode(page, 'Concatenate', 'concatenate');
    const from = (await lstm.locator('.react-flow__handle[data-handleid=out2]').boundingBox())!;
    const to = (await concat.locator('.react-flow__handle-top').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 30, (from.y + to.y) / 2, { steps: 8 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => totalParams(page)).toBe('1,267');
    expect(await concat.locator('[data-testid=node-shape]').innerText()).toContain('(None, 22)');
    await h.screenshot('return-state-canvas');
    expect(h.consoleErrors).toEqual([]);
  });
});
