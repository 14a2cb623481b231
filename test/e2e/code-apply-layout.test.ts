/**
 * Code Apply lays out what it adds: a layer inserted in the code lands in the chain on the canvas, below the layer
 * before it and above the one after, which moves down to make room; no two layers overlap. (Issue #10 saw a layer
 * added through Apply placed beside its successor, with a looping edge.) Driven by the mouse and keyboard.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useEditor } from './harness';

let page: Page;

useEditor((harness) => {
  page = harness.page;
});

const model = (extra: string) => `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Conv2D, Flatten, Dropout
model = Sequential([
Conv2D(8, (3,3), input_shape=(28, 28, 1), activation='relu'),
Flatten(),
${extra}Dense(10, activation='softmax')
])`;

async function apply(code: string): Promise<void> {
  await page.locator('[data-testid=code-view] .view-lines').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(code);
  await page.click('[data-testid=code-apply]');
  // Applied (laid out and on the canvas) once the button has nothing left to apply.
  await expect.poll(() => page.locator('[data-testid=code-apply]').isDisabled(), { timeout: 15_000 }).toBe(true);
}

/** Each layer's box on the canvas, by class name. */
const boxes = () =>
  page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid=canvas] .react-flow__node > [data-testid^=node-]')]
        .filter((n) => n.closest('.react-flow__node'))
        .map((n) => {
          const b = n.closest('.react-flow__node')!.getBoundingClientRect();
          return [n.getAttribute('data-testid')!.slice(5), { x: b.x, y: b.y, w: b.width, h: b.height }];
        }),
    ),
  );

/**
 * The boxes once they hold still (two reads 100 ms apart agree to half a pixel): on a busy machine the view can still
 * be settling after the nodes appear, and a box read mid-move compared 30 px off (CI, 2026-12-06).
 */
async function settledBoxes(): Promise<Awaited<ReturnType<typeof boxes>>> {
  let last = await boxes();
  for (let i = 0; i < 100; i++) {
    await page.waitForTimeout(100);
    const next = await boxes();
    const keys = Object.keys(next);
    const still =
      keys.length === Object.keys(last).length &&
      keys.every(
        (k) => last[k] && (['x', 'y', 'w', 'h'] as const).every((f) => Math.abs(next[k][f] - last[k][f]) < 0.5),
      );
    if (still) return next;
    last = next;
  }
  throw new Error('the canvas never held still for 100 ms');
}

describe('code Apply and the canvas layout', () => {
  it('puts a layer inserted in the code between its neighbours, moving the rest down, with no overlap', async () => {
    await page.click('[data-testid=tab-code]');
    await page.locator('[data-testid=code-view] .monaco-editor').waitFor();
    await apply(model(''));
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(4);
    const before = await settledBoxes();
    await apply(model('Dropout(0.5),\n'));
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(5);
    await expect.poll(async () => Object.keys(await boxes())).toContain('Dropout');
    const after = await settledBoxes();
    const { Flatten: flatten, Dropout: dropout, Dense: dense } = after;
    // In the chain: below Flatten, above Dense, in Flatten's column.
    expect(dropout.y).toBeGreaterThan(flatten.y + flatten.h);
    expect(dense.y).toBeGreaterThan(dropout.y + dropout.h);
    expect(Math.abs(dropout.x - flatten.x)).toBeLessThan(2);
    // The layers above it kept their places; Dense moved down to make room.
    expect(after.Flatten.y).toBeCloseTo(before.Flatten.y, 0);
    expect(after.Conv2D.y).toBeCloseTo(before.Conv2D.y, 0);
    expect(dense.y).toBeGreaterThan(before.Dense.y);
    // No two layers overlap.
    const list = Object.values(after);
    for (const [i, a] of list.entries())
      for (const b of list.slice(i + 1))
        expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true);
  });
});
