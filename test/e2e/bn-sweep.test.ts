/**
 * The learning-rate sweep in one click: the lesson template (BN between every linear layer and its activation, the
 * classifier's too), the sweep button at the
 * Train tab's defaults (three comparisons: 0.01, 0.1, 1), and the report's tolerance story with each rate's
 * numbers, which must agree with what the runs list shows for the same runs; a screenshot of the report.
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

const sweepClaim = () => page.locator('[data-testid=compare-claim][data-story=learning-rate]');

/** "acc 91.6%" of a run's side in the runs list. */
async function listedAccuracy(run: number, side: 'with BN' | 'without BN'): Promise<string> {
  const lines = await page
    .locator(`[data-testid=run-item][data-number="${run}"] [data-testid=run-metrics]`)
    .allInnerTexts();
  const line = lines.find((l) => l.startsWith(side))!;
  return /· acc (\d+\.\d%)/.exec(line)![1];
}

describe('the learning-rate sweep', () => {
  it('runs the comparison at 0.01, 0.1 and 1 from one button and reports each rate’s outcome in numbers', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-cnn-bn-before-activation]');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(12);
    await page.click('[data-testid=tab-train]');
    await expect
      .poll(() => page.locator('[data-testid=train-check]').innerText())
      .toContain('✓ Fits the Input (28, 28, 1)');
    const button = page.locator('[data-testid=train-lr-sweep]');
    expect(await button.innerText()).toBe('Learning-rate sweep (0.01 · 0.1 · 1)');
    await button.click();
    await expect
      .poll(
        () =>
          page.locator('[data-testid=run-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
        {
          timeout: 900_000,
          interval: 2000,
        },
      )
      .toEqual(['completed', 'completed', 'completed']);

    // The newest run (rate 1) is shown; its report tells the sweep's story over all three runs.
    await expect.poll(() => sweepClaim().count()).toBe(1);
    const text = await sweepClaim().innerText();
    expect(await sweepClaim().getAttribute('data-verdict')).toBe('with BN');
    expect(text).toMatch(
      /With BN tolerates the highest rate, 1: there without BN (diverged|stayed at chance), while with BN trained\./,
    );
    const side =
      '(reached \\d+\\.\\d% training accuracy, \\d+\\.\\d% validation|stayed at chance: \\d+\\.\\d% training accuracy, loss \\d\\.\\d{3} \\(chance is 10\\.0%\\)|diverged \\(its loss was not finite at step \\d+\\))';
    for (const [run, rate] of [
      [1, '0.01'],
      [2, '0.1'],
      [3, '1'],
    ] as const) {
      expect(text).toMatch(
        new RegExp(`t ${rate.replace('.', '\\.')} \\(run #${run}\\) with BN ${side}, without BN ${side}[;.]`),
      );
      // The numbers are the runs' own: the runs list shows the same final training accuracy for each side.
      expect(text).toContain(
        `t ${rate} (run #${run}) with BN reached ${await listedAccuracy(run, 'with BN')} training accuracy`,
      );
    }
    const plainTop = await listedAccuracy(3, 'without BN');
    expect(text).toMatch(
      new RegExp(
        `at 1 \\(run #3\\) with BN reached .*, without BN (stayed at chance: ${plainTop.replace('.', '\\.')}|diverged)`,
      ),
    );
    await page.setViewportSize({ width: 1440, height: 900 });
    await sweepClaim().scrollIntoViewIfNeeded();
    await h.screenshot('bn-sweep-report-1440x900');
  }, 960_000);

  it('stayed free of console errors', () => {
    expect(h.consoleErrors).toEqual([]);
    expect(h.cspViolations).toEqual([]);
  });
});
