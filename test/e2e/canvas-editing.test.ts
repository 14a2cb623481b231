/**
 * Hands-on editing in Chromium, by the mouse: a layer dropped onto a connection is inserted into it (the connection
 * lights up while the layer hovers), a layer added with a selected layer goes after it, a refused connection says
 * why at the pointer, Ctrl+Delete takes a layer out of a chain and closes the gap while Delete leaves it, and two
 * connections from one output stay apart enough at fit zoom that a click picks the one under the pointer.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fitAndSettleView, layerNode, useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;

useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const node = (className: string, name: string): Locator => layerNode(page, className, name);

const fitAndSettle = () => fitAndSettleView(page);

async function center(l: Locator): Promise<{ x: number; y: number }> {
  const box = await l.boundingBox();
  if (!box) throw new Error('element not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The chain from the first layer down, by name, read from the Summary table's rows. */
async function summaryNames(): Promise<string[]> {
  await page.click('[data-testid=tab-summary]');
  const rows = await page
    .locator('[data-testid^=summary-row-]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
  return rows.map((r) => r.replace('summary-row-', ''));
}

describe('hands-on editing', () => {
  it('inserts a layer dropped onto a connection, lighting the connection up while it hovers', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-article-mlp]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(6);
    const edgesBefore = await page.locator('.react-flow__edge').count();

    // Midway between dense's output handle and batch_normalization's input handle runs their connection.
    const a = await center(node('Dense', 'dense').locator('.react-flow__handle-bottom'));
    const b = await center(node('BatchNormalization', 'batch_normalization').locator('.react-flow__handle-top'));
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    // Chromium under Playwright reports no dragover for a hand-moved drag: the hover is a dragover event carrying
    // the palette's data at that point; the drop itself is a real mouse drag.
    const hover = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.setData('application/x-layercanvas-layer', 'Dropout');
      return dt;
    });
    await page.dispatchEvent('.react-flow__pane', 'dragover', {
      dataTransfer: hover,
      clientX: mid.x,
      clientY: mid.y,
      bubbles: true,
    });
    await expect.poll(() => page.locator('.react-flow__edge.edge-drop-target').count()).toBe(1);
    await h.screenshot('edit-drop-onto-edge-hover');
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.dragAndDrop('[data-testid=palette-Dropout]', '.react-flow__pane', {
      targetPosition: { x: mid.x - pane.x, y: mid.y - pane.y },
    });
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(7);
    expect(await page.locator('.react-flow__edge').count()).toBe(edgesBefore + 1);
    expect(await page.locator('.react-flow__edge.edge-drop-target').count()).toBe(0);
    expect((await summaryNames()).slice(0, 3)).toEqual(['dense', 'dropout', 'batch_normalization']);
    await h.screenshot('edit-drop-onto-edge-done');
  });

  it('adds a palette layer after the selected one instead of on a dangling branch', async () => {
    await node('BatchNormalization', 'batch_normalization').click();
    await page.click('[data-testid=palette-Activation]');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(8);
    expect((await summaryNames()).slice(0, 4)).toEqual(['dense', 'dropout', 'batch_normalization', 'activation']);
    await page.click('[data-testid=tab-problems]');
    expect(await page.locator('[data-testid=problems]', { hasText: 'branch ends here' }).count()).toBe(0);
  });

  it('Ctrl+Delete takes a layer out of the chain and reconnects it; Delete leaves the gap', async () => {
    const edges = await page.locator('.react-flow__edge').count();
    await node('Activation', 'activation').click();
    // Both ways are offered in the inspector, with the key that does each.
    expect(await page.locator('[data-testid=delete-reconnect]').innerText()).toContain('Ctrl+Del');
    await page.keyboard.press('Control+Delete');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(7);
    expect(await page.locator('.react-flow__edge').count()).toBe(edges - 1);
    expect((await summaryNames()).slice(0, 4)).toEqual(['dense', 'dropout', 'batch_normalization', 'dense_1']);

    await node('Dropout', 'dropout').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(6);
    expect(await page.locator('.react-flow__edge').count()).toBe(edges - 3);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(7);
  });

  it('explains a refused connection at the pointer: a cycle, and a second input', async () => {
    await fitAndSettle();
    // From the last Dense's output back to the first Dense's input would close a loop.
    const from = await center(node('Dense', 'dense_2').locator('.react-flow__handle-bottom'));
    const to = await center(node('Dense', 'dense').locator('.react-flow__handle-top'));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, (from.y + to.y) / 2, { steps: 8 });
    await page.mouse.move(to.x, to.y, { steps: 8 });
    const refused = page.locator('[data-testid=connection-refused]');
    // Live, before the button is let go: the handle refuses, and the reason is at the pointer.
    const live = page.locator('[data-testid=connection-refused][data-live=true]');
    await expect.poll(() => live.innerText()).toBe('this connection would make a cycle: dense already feeds dense_2');
    const liveBox = (await live.boundingBox())!;
    expect(Math.abs(liveBox.x - to.x)).toBeLessThan(30);
    expect(Math.abs(liveBox.y - to.y)).toBeLessThan(30);
    await h.screenshot('edit-refused-cycle-live');
    await page.mouse.up();
    await expect.poll(() => live.count()).toBe(0);
    await expect
      .poll(() => refused.innerText())
      .toBe('this connection would make a cycle: dense already feeds dense_2');
    const box = (await refused.boundingBox())!;
    // At the pointer: its corner a few pixels from where the mouse let go.
    expect(Math.abs(box.x - to.x)).toBeLessThan(30);
    expect(Math.abs(box.y - to.y)).toBeLessThan(30);
    await h.screenshot('edit-refused-cycle');

    // Dropping a connection on the body of a layer that already has its one input says which edge to remove.
    const src = await center(node('InputLayer', 'input_layer').locator('.react-flow__handle-bottom'));
    const body = await center(node('Dense', 'dense_1'));
    await page.mouse.move(src.x, src.y);
    await page.mouse.down();
    await page.mouse.move(src.x + 50, src.y + 40, { steps: 8 });
    await page.mouse.move(body.x, body.y, { steps: 8 });
    await page.mouse.up();
    await expect
      .poll(() => refused.innerText())
      .toBe(
        'Dense takes one input: remove the edge from batch_normalization first, or merge the branches with Add or Concatenate',
      );
    expect(h.consoleErrors).toEqual([]);
  });

  it('connects a layer dropped just below a selected layer whose output is free', async () => {
    // Room below the last layer: fit the model, then zoom out a step.
    await fitAndSettle();
    await page.click('.react-flow__controls-zoomout');
    const last = node('Dense', 'dense_2');
    await last.click();
    const box = (await last.boundingBox())!;
    const edges = await page.locator('.react-flow__edge').count();
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.dragAndDrop('[data-testid=palette-Dropout]', '.react-flow__pane', {
      targetPosition: { x: box.x + box.width / 2 - pane.x, y: box.y + box.height + 45 - pane.y },
    });
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edges + 1);
    expect((await summaryNames()).at(-1)).toBe('dropout_1');
  });

  it('tells apart two connections leaving one output at fit zoom: a click selects, and Delete removes, the one under the pointer', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-residual-block]');
    await expect.poll(() => page.locator('[data-testid=node-Add]').count(), { timeout: 15_000 }).toBe(1);
    await fitAndSettle();
    await page.waitForTimeout(300);
    const idOf = (testId: string) =>
      page
        .locator('.react-flow__node', { has: page.locator(`[data-testid=${testId}]`) })
        .first()
        .getAttribute('data-id');
    const [input, conv, add] = [await idOf('node-InputLayer'), await idOf('node-Conv2D'), await idOf('node-Add')];
    const zoom = await page.evaluate(
      () => new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a,
    );
    expect(zoom).toBeLessThan(1);
    const a = await center(node('InputLayer', 'input_layer').locator('.react-flow__handle-bottom'));
    // The two connections leave the handle 20 canvas units apart (10 each side), in the order they were made.
    const selected = () => page.locator('.react-flow__edge.selected').getAttribute('aria-label');
    await page.mouse.click(a.x - 10 * zoom, a.y + 8);
    await expect.poll(selected).toBe(`Edge from ${input} to ${conv}`);
    await page.mouse.click(a.x + 10 * zoom, a.y + 8);
    await expect.poll(selected).toBe(`Edge from ${input} to ${add}`);
    const edges = await page.locator('.react-flow__edge').count();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edges - 1);
    expect(await page.locator(`.react-flow__edge[aria-label="Edge from ${input} to ${conv}"]`).count()).toBe(1);
    await h.screenshot('edit-fanned-edges');
  });
});
