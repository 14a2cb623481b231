/**
 * End-to-end harness: the real server (startServer, in-process) and a real headless Chromium on it. Collects
 * console errors, page errors and CSP violations so every test can assert the page stayed clean.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startServer, type RunningServer, type ServedModel, type ServeOptions } from '../../cli/serve';

export const CHROMIUM = process.env.LAYERCANVAS_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve('test-results', 'screenshots');

export interface Harness {
  page: Page;
  context: BrowserContext;
  server: RunningServer;
  url: string;
  /** Console errors and uncaught page errors, in order. */
  consoleErrors: string[];
  /** Content-Security-Policy violations reported by the page. */
  cspViolations: string[];
  /** Save a PNG of the page to test-results/screenshots/<name>.png and return its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Path (and query) to open; defaults to the root. */
  path?: string;
  viewport?: { width: number; height: number };
  /** Serve another build than dist/renderer (the harness's own tests use a tiny page). */
  root?: string;
  /** The engine's kernels folder (default: the project's dist/wasm). */
  wasmDir?: string;
  /** A model the server opens in the page, as `layercanvas serve <model>` does. */
  model?: ServedModel;
  /** Server settings (the engine watchdog's timings). */
  server?: Pick<ServeOptions, 'heartbeatMs' | 'hangMs' | 'cancelGraceMs'>;
}

/** A page address on the server, keeping the launch token in the fragment (the engine socket needs it). */
export function pageUrl(server: RunningServer, path = '/'): string {
  const url = new URL(path, server.url);
  url.hash = new URL(server.url).hash;
  return url.toString();
}

export async function launchHarness(options: HarnessOptions = {}): Promise<Harness> {
  const server = await startServer({
    port: 0,
    open: false,
    root: options.root,
    wasmDir: options.wasmDir,
    log: () => {},
    model: options.model,
    ...options.server,
  });
  const profile = mkdtempSync(join(tmpdir(), 'layercanvas-e2e-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    consoleErrors.push(text);
    if (/Content Security Policy/i.test(text)) cspViolations.push(text);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  // Chromium's "Failed to load resource" console line doesn't say which; record the URL beside it.
  page.on('response', (response) => {
    if (response.status() >= 400) consoleErrors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on('requestfailed', (request) =>
    consoleErrors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  // Chromium reports violations as events too; they catch cases that don't reach the console (e.g. report-only).
  await page.exposeFunction('__layercanvasCspViolation', (text: string) => cspViolations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __layercanvasCspViolation(t: string): void }).__layercanvasCspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  await page.goto(pageUrl(server, options.path), { waitUntil: 'load' });

  let closed = false;
  return {
    page,
    context,
    server,
    url: server.url,
    consoleErrors,
    cspViolations,
    async screenshot(name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const file = join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The editor open in Chromium for one test file: launched before its tests and closed after them, with
 * confirmations ("discard unsaved changes?") accepted. `ready` gets the harness once the palette shows.
 */
export function useEditor(ready: (h: Harness) => void): void {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await launchHarness();
    harness.page.on('dialog', (d) => void d.accept());
    await harness.page.waitForSelector('[data-testid=palette-InputLayer]');
    ready(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });
}

/** A layer node on the canvas by class and (Keras) name. */
export function layerNode(page: Page, className: string, name: string): Locator {
  return page
    .locator(`[data-testid=node-${className}]`)
    .filter({ has: page.locator('[data-testid=node-name]', { hasText: new RegExp(`^${name}$`) }) });
}

/** The summary's total parameter count, as shown ("10,466"). */
export async function totalParams(page: Page): Promise<string> {
  await page.click('[data-testid=tab-summary]');
  return page.locator('[data-testid=summary-total-params]').innerText();
}

/**
 * Fits the view, then waits until the viewport has held still for a poll interval: a fit (or a re-layout that an
 * earlier undo set off) can still move the canvas, and a drag measured before it settles starts off its handle.
 */
export async function fitAndSettleView(page: Page): Promise<void> {
  await page.click('.react-flow__controls-fitview');
  const viewport = page.locator('.react-flow__viewport');
  let last: string | null = null;
  await expect
    .poll(
      async () => {
        const now = await viewport.getAttribute('style');
        const still = now === last;
        last = now;
        return still;
      },
      { interval: 200 },
    )
    .toBe(true);
}

/** Drags a connection by the mouse from `from`'s output handle to `to`'s input handle, in small steps. */
export async function connectHandles(page: Page, from: Locator, to: Locator): Promise<void> {
  const centre = async (l: Locator) => {
    const b = await l.boundingBox();
    if (!b) throw new Error('handle not visible');
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  const a = await centre(from.locator('.react-flow__handle-bottom'));
  const b = await centre(to.locator('.react-flow__handle-top'));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}
