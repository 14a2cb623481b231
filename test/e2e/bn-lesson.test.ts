/**
 * The article's lesson at the Train tab's defaults: the template with BN between convolution and activation and
 * its twin trained on 2,000 MNIST digits, the report's two stories with their numbers, the re-estimated BN
 * statistics, the charts' legend toggling series; screenshots at three sizes in both themes.
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

const claims = () => page.locator('[data-testid=compare-claim]');

describe('the BN comparison at the defaults', () => {
  it('trains 339 steps a side and tells the optimisation and the generalisation stories with their numbers', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-cnn-bn-before-activation]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(12);
    await page.click('[data-testid=tab-train]');
    await expect
      .poll(() => page.locator('[data-testid=train-check]').innerText())
      .toContain('✓ Fits the Input (28, 28, 1)');
    expect(await page.locator('[data-testid=train-subset]').inputValue()).toBe('2000');
    expect(await page.locator('[data-testid=train-epochs]').inputValue()).toBe('3');
    expect(await page.locator('[data-testid=train-batch-size]').inputValue()).toBe('16');
    expect(await page.locator('[data-testid=train-optimizer]').inputValue()).toBe('sgd');
    await page.click('[data-testid=train-compare-bn]');
    await expect
      .poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), {
        timeout: 600_000,
        interval: 1000,
      })
      .toBe('completed');

    // Then, perhaps, why BN's validation trails its training figures: the moving averages lag the weights.
    await expect
      .poll(() => claims().evaluateAll((els) => els.map((e) => e.getAttribute('data-story')).slice(0, 2)))
      .toEqual(['optimisation', 'generalisation']);
    expect(new Set(await claims().evaluateAll((els) => els.slice(2).map((e) => e.getAttribute('data-story'))))).toEqual(
      new Set((await claims().count()) > 2 ? ['statistics'] : []),
    );
    const [optimisation, generalisation] = await claims().allInnerTexts();
    expect(optimisation).toMatch(
      /after 339 steps with BN ended at training loss \d\.\d{3} and accuracy \d+\.\d%, without BN after 339 at \d\.\d{3} and \d+\.\d%; over the first epoch, \d\.\d{3} vs \d\.\d{3}\./,
    );
    expect(generalisation).toMatch(/\d+\.\d% with BN \(loss \d\.\d{3}\), \d+\.\d% without \(loss \d\.\d{3}\)\./);
    // 0.9^339: settled, so no sentence about the starting statistics.
    expect(await page.locator('[data-testid=compare-report]').innerText()).not.toContain('starting mean 0');
    expect(await page.locator('[data-testid=compare-report]').innerText()).toContain('Beyond Keras’s own fit');
  }, 900_000);

  it('re-estimates the BN statistics on request and reports the validation before and after', async () => {
    await page.click('[data-testid=compare-reestimate]');
    await expect
      .poll(() => page.locator('[data-testid=compare-claim][data-story=reestimate]').count(), { timeout: 120_000 })
      .toBe(1);
    expect(await page.locator('[data-testid=compare-claim][data-story=reestimate]').innerText()).toMatch(
      /re-estimated over 100 training batches \(1,600 samples, weights frozen\), with BN validates at \d+\.\d% \(it was \d+\.\d% with the moving averages from fit\)\./,
    );
    expect(await page.locator('[data-testid=compare-reestimate]').innerText()).toBe('Re-estimate again');
  }, 180_000);

  it('draws one colour per model, validation dashed, with a legend that hides and shows a series', async () => {
    const legend = page.locator('[data-testid=chart-loss] .u-legend .u-series');
    expect(await page.locator('[data-testid=chart-loss] .u-legend .u-label').allInnerTexts()).toEqual([
      'with BN · loss',
      'with BN · val loss',
      'without BN · loss',
      'without BN · val loss',
    ]);
    const marker = (i: number) =>
      legend
        .nth(i)
        .locator('.u-marker')
        .evaluate((e) => getComputedStyle(e).borderStyle + ' ' + getComputedStyle(e).borderColor);
    const [trainBn, valBn, trainPlain] = [await marker(0), await marker(1), await marker(2)];
    expect(trainBn.split(' ').slice(1).join(' ')).toBe(valBn.split(' ').slice(1).join(' '));
    expect(valBn.startsWith('dashed')).toBe(true);
    expect(trainBn.startsWith('solid')).toBe(true);
    expect(trainPlain).not.toBe(trainBn);
    await legend.nth(1).click();
    await expect.poll(() => legend.nth(1).getAttribute('class')).toContain('u-off');
    await legend.nth(1).click();
    await expect.poll(() => legend.nth(1).getAttribute('class')).not.toContain('u-off');
  });

  it('takes screenshots of the Train tab and its report at three sizes in both themes', async () => {
    for (const theme of ['light', 'dark']) {
      for (const [width, height] of [
        [1024, 700],
        [1440, 900],
        [1920, 1080],
      ]) {
        await page.setViewportSize({ width, height });
        await page.locator('[data-testid=compare-report]').scrollIntoViewIfNeeded();
        await h.screenshot(`bn-lesson-${theme}-${width}x${height}`);
      }
      if (theme === 'light') await page.click('[data-testid=theme-toggle]');
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('stayed free of console errors', () => {
    expect(h.consoleErrors).toEqual([]);
    expect(h.cspViolations).toEqual([]);
  });
});
