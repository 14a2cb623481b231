/**
 * The desktop app end to end, through Playwright's Electron driver. Electron's binary can't always be installed
 * (offline machines, CI images without it); then these tests are skipped and say why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { ensureBuilt } from '../../scripts/build-steps.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve('.');

/** The Electron binary if installed, without require('electron') (which tries to download it). */
function electronBinary(): string | null {
  const pathFile = join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(ROOT, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
const hasElectron = binary !== null;
if (!hasElectron) {
  console.log(
    "Skipping the Electron end-to-end tests: Electron's binary isn't installed (node_modules/electron/dist is missing; " +
      'its download is blocked here). Install it with `npx install-electron` to run them.',
  );
}

let app: ElectronApplication;
let page: Page;

beforeAll(async () => {
  if (!hasElectron) return;
  ensureBuilt(['wasm', 'renderer', 'electron'], { log: () => {} });
  app = await _electron.launch({
    executablePath: binary!,
    args: [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    cwd: ROOT,
  });
  page = await app.firstWindow();
  await page.waitForLoadState('load');
});

afterAll(async () => {
  await app?.close();
});

describe('LayerCanvas desktop', () => {
  it.skipIf(!hasElectron)('opens a locked-down window on app://layercanvas', async () => {
    expect(page.url()).toBe('app://layercanvas/index.html');
    expect(await page.title()).toContain('LayerCanvas');
    // Sandboxed and isolated: the page has no Node, and what the preload exposed can't be altered from the page.
    const locked = await page.evaluate(() => {
      const w = window as unknown as { layercanvas: { openFile: unknown }; require?: unknown; process?: unknown };
      const before = w.layercanvas.openFile;
      try {
        w.layercanvas.openFile = () => null;
      } catch {
        // frozen: assignment throws in strict code
      }
      return { unchanged: w.layercanvas.openFile === before, node: typeof w.require + typeof w.process };
    });
    expect(locked).toEqual({ unchanged: true, node: 'undefinedundefined' });
  });

  it.skipIf(!hasElectron)('gives the page the bridge and nothing of Node', async () => {
    const surface = await page.evaluate(() => ({
      bridge: Object.keys((window as unknown as { layercanvas: object }).layercanvas).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(surface.bridge).toEqual([
      'onEngineStatus',
      'onMenuCommand',
      'onOpenFile',
      'openFile',
      'openFolder',
      'recentFiles',
      'requestEnginePort',
      'saveFile',
      'setDocumentState',
      'version',
    ]);
    expect(surface.require).toBe('undefined');
    expect(surface.process).toBe('undefined');
  });

  it.skipIf(!hasElectron)('refuses navigation and pop-ups', async () => {
    await page.evaluate(() => {
      window.open('https://example.com');
      location.href = 'https://example.com';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://layercanvas/index.html');
    expect(app.windows()).toHaveLength(1);
  });

  it.skipIf(!hasElectron)('reaches the engine over a MessagePort from main', async () => {
    const answer = await page.evaluate(
      () =>
        new Promise<unknown>((resolve) => {
          window.addEventListener('message', (event) => {
            if ((event.data as { channel?: string })?.channel !== 'layercanvas:engine-port' || !event.ports[0]) return;
            const port = event.ports[0];
            port.onmessage = (e) => resolve(e.data);
            port.start();
            port.postMessage({ id: 'e2e-ping', type: 'ping' });
          });
          (window as unknown as { layercanvas: { requestEnginePort(): void } }).layercanvas.requestEnginePort();
        }),
    );
    expect(answer).toMatchObject({ id: 'e2e-ping', ok: true, result: { protocol: 1 } });
  });

  it.skipIf(!hasElectron)('runs the engine on the fast kernels, as the status bar says', async () => {
    const kernels = page.getByTestId('engine-kernels');
    await expect.poll(() => kernels.getAttribute('data-kernels'), { timeout: 30_000 }).toBe('fast');
    // Electron's V8 validates relaxed SIMD without a flag.
    expect(await kernels.textContent()).toMatch(/^WASM relaxed SIMD · \d+ threads?$/);
  });

  it.skipIf(!hasElectron)('shows the document name and dirty mark in the title', async () => {
    await page.evaluate(() =>
      (window as unknown as { layercanvas: { setDocumentState(s: object): void } }).layercanvas.setDocumentState({
        title: 'e2e.layercanvas.json',
        dirty: true,
      }),
    );
    await expect
      .poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getTitle()))
      .toMatch(/e2e\.layercanvas\.json — LayerCanvas/);
  });
});
