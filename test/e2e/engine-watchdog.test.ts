/**
 * The engine watchdog and Restart engine, end to end in Chromium against the browser host: an engine that stops
 * answering in the middle of training (stopped by the kernel, SIGSTOP) is killed and replaced, the page is told
 * which request hung, and the model on the canvas is untouched; the status bar's Restart engine replaces a busy
 * engine at once; an engine killed mid-import fails only that import. The watchdog runs on short timings here so the
 * test does not wait 20 s.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchHarness, type Harness } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await launchHarness({ server: { heartbeatMs: 250, hangMs: 3000 } });
  h.page.on('dialog', (d) => void d.accept());
  page = h.page;
  await page.waitForSelector('[data-testid=palette-InputLayer]');
});

afterAll(async () => {
  await h?.close();
});

const engineState = () => page.getByTestId('status-engine').getAttribute('class');
const nodeCount = () => page.locator('.react-flow__node').count();
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startLongTraining(): Promise<void> {
  await page.click('[data-testid=tab-train]');
  await page.selectOption('[data-testid=train-dataset]', 'mnist');
  await page.fill('[data-testid=train-subset]', '4096');
  await page.fill('[data-testid=train-epochs]', '20');
  await page.fill('[data-testid=train-batch-size]', '32');
  await page.click('[data-testid=train-start]');
  await expect
    .poll(() => page.locator('[data-testid=chart-loss]').getAttribute('data-points'), { timeout: 60_000 })
    .not.toBe('0');
}

describe('engine watchdog', () => {
  it('replaces an engine that stops answering mid-training, says which request hung, and keeps the model', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-cnn-bn-before-activation]');
    await expect.poll(nodeCount, { timeout: 15_000 }).toBe(12);
    await expect.poll(engineState, { timeout: 30_000 }).toContain('engine-ready');
    await startLongTraining();
    const [pid] = h.server.enginePids();
    process.kill(pid, 'SIGSTOP');
    await expect
      .poll(() => page.getByTestId('status-notice').innerText(), { timeout: 20_000 })
      .toMatch(
        /^The engine stopped answering for \d+(\.\d)? s while working on 'train', so it was stopped; restarting it/,
      );
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
    await expect.poll(engineState, { timeout: 30_000 }).toContain('engine-ready');
    expect(h.server.enginePids()).toHaveLength(1);
    expect(h.server.enginePids()[0]).not.toBe(pid);
    // The run ends with the engine's message, and the model is as it was.
    await expect
      .poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 10_000 })
      .not.toBe('running');
    expect(await page.getByTestId('train-error').innerText()).toMatch(
      /^The engine stopped answering for \d+(\.\d)? s while working on 'train', so it was stopped/,
    );
    expect(await nodeCount()).toBe(12);
    await h.screenshot('watchdog-hung-engine-replaced');
  });

  it('Restart engine in the status bar replaces a busy engine at once, and the new one trains', async () => {
    await startLongTraining();
    const [pid] = h.server.enginePids();
    await page.click('[data-testid=status-restart-engine]');
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
    await expect.poll(engineState, { timeout: 30_000 }).toContain('engine-ready');
    await expect
      .poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 10_000 })
      .not.toBe('running');
    expect(await page.getByTestId('train-error').innerText()).toMatch(
      /^The engine was restarted on request\. It was working on 'train', which was cancelled\./,
    );
    expect(await nodeCount()).toBe(12);
    // The new engine works: a short run completes.
    await page.fill('[data-testid=train-subset]', '256');
    await page.fill('[data-testid=train-epochs]', '1');
    await page.click('[data-testid=train-start]');
    await expect
      .poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 90_000 })
      .toBe('completed');
  });

  it('an engine killed mid-import: the import says so, the model stays, and the same file imports on the new engine', async () => {
    await expect.poll(engineState, { timeout: 30_000 }).toContain('engine-ready');
    // 60k rows of 8 features and a label: long enough to be in flight when killed, read well within the 3 s of
    // silence this test allows (200k rows kept the CSV reader from yielding for over 3 s).
    const dir = mkdtempSync(join(tmpdir(), 'layercanvas-kill-import-'));
    const csv = join(dir, 'big.csv');
    const rows = ['f0,f1,f2,f3,f4,f5,f6,f7,label'];
    for (let i = 0; i < 60_000; i += 1)
      rows.push(`${Array.from({ length: 8 }, (_, k) => ((i * 31 + k * 17) % 1000) / 100).join(',')},${i % 2}`);
    writeFileSync(csv, rows.join('\n'));
    await page.click('[data-testid=tab-train]');
    const [pid] = h.server.enginePids();
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.click('[data-testid=train-import-data]'),
    ]);
    await chooser.setFiles(csv);
    // Kill it while the file is on its way in or being read.
    await page.waitForTimeout(100);
    process.kill(pid, 'SIGKILL');
    await expect
      .poll(() => page.getByTestId('train-import-error').innerText(), { timeout: 30_000 })
      .toMatch(
        /^Could not read big\.csv: The engine (process stopped \(signal SIGKILL\)|stopped while working on 'dataset-import')/,
      );
    expect(await nodeCount()).toBe(12);
    await expect.poll(engineState, { timeout: 30_000 }).toContain('engine-ready');
    const [again] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.click('[data-testid=train-import-data]'),
    ]);
    await again.setFiles(csv);
    await expect.poll(() => page.getByTestId('status-notice').innerText(), { timeout: 60_000 }).toMatch(/big\.csv/);
    expect(await page.getByTestId('train-import-error').count()).toBe(0);
    expect(await nodeCount()).toBe(12);
  });
});
