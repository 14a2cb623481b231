/**
 * The engine watchdog and Restart engine, end to end in Chromium against the browser host: an engine that stops
 * answering in the middle of training (stopped by the kernel, SIGSTOP) is killed and replaced, the page is told
 * which request hung, and the model on the canvas is untouched; the status bar's Restart engine replaces a busy
 * engine at once. The watchdog runs on short timings here so the test doesn't wait 20 s.
 */
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
  await expect.poll(() => page.locator('[data-testid=chart-loss]').getAttribute('data-points'), { timeout: 60_000 }).not.toBe('0');
}

describe('engine watchdog', () => {
  it('replaces an engine that stops answering mid-training, says which request hung, and keeps the model', async () => {
    await page.click('[data-testid=menu-new]');
    await page.click('[data-testid=template-cnn-bn-before-activation]');
    await expect.poll(nodeCount, { timeout: 15_000 }).toBe(10);
    await expect.poll(engineState, { timeout: 30_000 }).toContain('engine-ready');
    await startLongTraining();
    const [pid] = h.server.enginePids();
    process.kill(pid, 'SIGSTOP');
    await expect.poll(() => page.getByTestId('status-notice').innerText(), { timeout: 20_000 }).toMatch(
      /^The engine stopped answering for \d+(\.\d)? s while working on 'train', so it was stopped; restarting it/,
    );
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
    await expect.poll(engineState, { timeout: 30_000 }).toContain('engine-ready');
    expect(h.server.enginePids()).toHaveLength(1);
    expect(h.server.enginePids()[0]).not.toBe(pid);
    // The run ends with the engine's message, and the model is as it was.
    await expect.poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 10_000 }).not.toBe('running');
    expect(await page.getByTestId('train-error').innerText()).toMatch(/^The engine stopped answering for \d+(\.\d)? s while working on 'train', so it was stopped/);
    expect(await nodeCount()).toBe(10);
    await h.screenshot('watchdog-hung-engine-replaced');
  });

  it('Restart engine in the status bar replaces a busy engine at once, and the new one trains', async () => {
    await startLongTraining();
    const [pid] = h.server.enginePids();
    await page.click('[data-testid=status-restart-engine]');
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
    await expect.poll(engineState, { timeout: 30_000 }).toContain('engine-ready');
    await expect.poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 10_000 }).not.toBe('running');
    expect(await page.getByTestId('train-error').innerText()).toMatch(/^The engine was restarted on request\. It was working on 'train', which was cancelled\./);
    expect(await nodeCount()).toBe(10);
    // The new engine works: a short run completes.
    await page.fill('[data-testid=train-subset]', '256');
    await page.fill('[data-testid=train-epochs]', '1');
    await page.click('[data-testid=train-start]');
    await expect.poll(() => page.locator('[data-testid=train-status]').getAttribute('data-status'), { timeout: 90_000 }).toBe('completed');
  });
});
