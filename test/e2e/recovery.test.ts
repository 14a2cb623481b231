/**
 * Autosave and recovery in the browser host, end to end in Chromium: unsaved work survives a reload and a
 * browser killed outright (SIGKILL, also while an autosave is being written), comes back through "Recover the
 * unsaved model from …?", and is gone once saved or discarded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../cli/serve';
import { CHROMIUM } from './harness';

let server: RunningServer;
let profile: string;
let context: BrowserContext | null = null;
let page: Page;

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium on the same profile each time (IndexedDB lives there), the editor loaded. */
async function launch(): Promise<void> {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ARGS,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('dialog', (d) => void d.accept());
  await page.goto(server.url, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid=palette-InputLayer]');
}

/** The browser process for this profile, killed as a crash or a power cut would: no unload, no cleanup. */
function killBrowser(): void {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  const main = lines.find((l) => l.includes(`--user-data-dir=${profile}`) && !l.includes('--type='));
  if (!main) throw new Error('Chromium for this profile is not running');
  process.kill(Number(main.trim().split(/\s+/)[0]), 'SIGKILL');
  context = null;
}

beforeAll(async () => {
  server = await startServer({ port: 0, log: () => {} });
  profile = mkdtempSync(join(tmpdir(), 'layercanvas-recovery-e2e-'));
  await launch();
});

afterAll(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  rmSync(profile, { recursive: true, force: true });
});

const nodes = () => page.locator('.react-flow__node').count();
const prompt = () => page.getByTestId('recovery-prompt');

async function newModel(): Promise<void> {
  await page.click('[data-testid=menu-new]');
  await page.click('[data-testid=template-article-mlp]');
  await expect.poll(nodes, { timeout: 15_000 }).toBeGreaterThan(0);
}

describe('autosave and recovery', () => {
  it('offers unsaved work back after a reload, with the time it was saved, and Recover puts it on the canvas', async () => {
    await newModel();
    const base = await nodes();
    await page.click('[data-testid=palette-Dropout]');
    await expect.poll(nodes).toBe(base + 1);
    // Autosave writes a few seconds after the change.
    await page.waitForTimeout(4500);
    await page.reload();
    await expect.poll(() => prompt().count(), { timeout: 15_000 }).toBe(1);
    expect(await prompt().locator('h2').innerText()).toMatch(/^Recover the unsaved model from \d\d:\d\d\?$/);
    await page.screenshot({ path: join('test-results', 'screenshots', 'recovery-prompt.png') });
    await page.click('[data-testid=recovery-recover]');
    await expect.poll(nodes).toBe(base + 1);
    expect(await page.locator('.statusbar').innerText()).toContain('Unsaved changes');
    expect(await page.getByTestId('status-notice').innerText()).toMatch(
      /^Recovered the unsaved model from \d\d:\d\d; save it to keep it/,
    );
  });

  it('forgets the work once it is saved: no offer after the next reload', async () => {
    await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save]')]);
    await page.waitForTimeout(500);
    await page.reload();
    await page.waitForSelector('[data-testid=palette-InputLayer]');
    await page.waitForTimeout(1500);
    expect(await prompt().count()).toBe(0);
  });

  it('Discard deletes the offered work for good', async () => {
    await newModel();
    await page.click('[data-testid=palette-Dense]');
    await page.waitForTimeout(4500);
    await page.reload();
    await expect.poll(() => prompt().count(), { timeout: 15_000 }).toBe(1);
    await page.click('[data-testid=recovery-discard]');
    expect(await prompt().count()).toBe(0);
    expect(await nodes()).toBe(0);
    await page.reload();
    await page.waitForSelector('[data-testid=palette-InputLayer]');
    await page.waitForTimeout(1500);
    expect(await prompt().count()).toBe(0);
  });

  it('keeps the work when the browser is killed outright, even mid-autosave, three times over', async () => {
    await newModel();
    const base = await nodes();
    await page.click('[data-testid=palette-Dropout]');
    await page.waitForTimeout(4500);
    for (let round = 0; round < 3; round += 1) {
      const before = await nodes();
      // Keep editing so an autosave is due; kill at an arbitrary point of its 3 s cycle.
      await page.click('[data-testid=palette-Dropout]');
      await page.waitForTimeout(2500 + Math.round(Math.random() * 1500));
      killBrowser();
      await launch();
      await expect.poll(() => prompt().count(), { timeout: 15_000 }).toBe(1);
      await page.click('[data-testid=recovery-recover]');
      // The snapshot from before this round's edit, or the one with it: never nothing, never a broken model.
      await expect.poll(nodes, { timeout: 15_000 }).toBeGreaterThanOrEqual(before);
      expect(await nodes()).toBeLessThanOrEqual(before + 1);
      expect(await nodes()).toBeGreaterThan(base);
      expect(await page.getByTestId('status-notice').innerText()).toMatch(/^Recovered the unsaved model/);
    }
  });
});
