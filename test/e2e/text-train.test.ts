/**
 * A text model in the app: New ▸ Text classifier picks the built-in review sentences and Adam in the Train tab,
 * whose preview reads as labelled sentences, and the Embedding → LSTM → Dense model trains on them to completion.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useEditor, type Harness } from './harness';

let h: Harness;
let page: Page;

useEditor((harness) => {
  h = harness;
  page = harness.page;
});

describe('text classifier', () => {
  it('picks the review sentences, previews them as text and trains on them', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-text-lstm]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(4);
    await page.click('[data-testid=tab-train]');
    expect(await page.locator('[data-testid=train-dataset]').inputValue()).toBe('reviews');
    // The template's own settings: Adam (the tab's SGD at 0.01 leaves this LSTM at chance), all 4,000, 4 epochs.
    expect(await page.locator('[data-testid=train-optimizer]').inputValue()).toBe('adam');
    expect(await page.locator('[data-testid=train-epochs]').inputValue()).toBe('4');
    expect(await page.locator('[data-testid=train-subset]').inputValue()).toBe('');
    await expect.poll(() => page.locator('[data-testid=train-check]').innerText()).toContain('Fits the Input (16,)');
    const samples = page.locator('[data-testid=dataset-preview-sample]');
    await expect.poll(() => samples.count(), { timeout: 15_000 }).toBe(5);
    expect(await samples.nth(0).getAttribute('data-label')).toBe('negative');
    expect(await samples.nth(1).getAttribute('data-label')).toBe('positive');
    // Words, not ids: every row is a sentence of the set's vocabulary.
    for (const row of await samples.allInnerTexts()) expect(row).toMatch(/^[a-z ]+\s*→ (negative|positive)$/);
    await h.screenshot('text-train-ready');

    await page.fill('[data-testid=train-subset]', '256');
    await page.fill('[data-testid=train-epochs]', '1');
    await page.click('[data-testid=train-start]');
    await expect
      .poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 90_000 })
      .toBe('completed');
    const item = page.locator('[data-testid=run-item]');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.innerText()).toContain('Review sentences (text)');
    expect(await item.innerText()).toMatch(/loss \d\.\d{3} · acc \d+\.\d%/);
    expect(await item.innerText()).toContain('adam · batch 32 · 1 epoch');
  });

  it('imports a CSV of texts and labels as token ids, previewed as its sentences', async () => {
    const rows = ['not bad at all,positive', 'so bad,negative', 'good,positive', 'bad bad,negative'];
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.click('[data-testid=train-import-data]'),
    ]);
    await chooser.setFiles({
      name: 'mine.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`review,sentiment\n${rows.join('\n')}\n`),
    });
    await expect
      .poll(() => page.locator('[data-testid=train-dataset] option:checked').innerText(), { timeout: 15_000 })
      .toBe('mine.csv — (4,), 2 classes');
    const samples = page.locator('[data-testid=dataset-preview-sample]');
    await expect.poll(() => samples.count(), { timeout: 15_000 }).toBe(4);
    expect(await samples.allInnerTexts()).toEqual([
      'not bad at all\t→ positive',
      'so bad\t→ negative',
      'good\t→ positive',
      'bad bad\t→ negative',
    ]);
    expect(await page.locator('[data-testid=train-check]').innerText()).toContain(
      "The dataset's samples are (4,) but the model's Input is (16,).",
    );
  });
});
