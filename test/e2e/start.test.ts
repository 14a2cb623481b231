/**
 * `npm start` on a fresh checkout (this working tree's files, no dist/): it builds the kernels and the editor, one
 * line each, serves an engine that reports the fast kernels, tells the truth about the window it (could not) open,
 * and the next start builds only what changed since.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from './harness';

const ROOT = resolve('.');
let checkout: string;
let noElectron: string;
const running = new Set<ChildProcess>();

beforeAll(() => {
  checkout = mkdtempSync(join(tmpdir(), 'layercanvas-fresh-'));
  noElectron = mkdtempSync(join(tmpdir(), 'layercanvas-no-electron-'));
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .stdout.split('\0')
    .filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(checkout, f)), { recursive: true });
    try {
      copyFileSync(join(ROOT, f), join(checkout, f));
    } catch {
      // deleted in the working tree but not yet in the index
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
});

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(checkout, { recursive: true, force: true });
  rmSync(noElectron, { recursive: true, force: true });
});

/**
 * Gives the checkout an Electron "binary": its own node_modules (links to the shared packages) whose electron package
 * names one (path.txt), which a stand-in in ELECTRON_OVERRIDE_DIST_PATH answers by recording its arguments.
 */
function fakeElectron(): { dist: string; record: string } {
  const modules = join(checkout, 'node_modules');
  rmSync(modules, { force: true });
  mkdirSync(modules);
  for (const entry of readdirSync(join(ROOT, 'node_modules')))
    if (entry !== 'electron') symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry));
  mkdirSync(join(modules, 'electron'));
  writeFileSync(join(modules, 'electron', 'path.txt'), 'electron');
  const dist = mkdtempSync(join(tmpdir(), 'layercanvas-fake-electron-'));
  const record = join(dist, 'args.txt');
  writeFileSync(join(dist, 'electron'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${record}\n`);
  chmodSync(join(dist, 'electron'), 0o755);
  return { dist, record };
}

/** Starts `npm start`'s script and resolves with its lines up to the last one about opening a window. */
function start(): Promise<{ lines: string[]; url: string; child: ChildProcess; stderr: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: noElectron };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0'], {
    cwd: checkout,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const url = /LayerCanvas is serving at (\S+)/.exec(out)?.[1];
      if (url && out.includes('No display')) ok({ lines: out.trimEnd().split('\n'), url, child, stderr: () => err });
    });
    child.on('exit', (code) => fail(new Error(`npm start exited (${code}) early:\n${out}\n${err}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  running.delete(child);
}

describe('npm start on a fresh checkout', () => {
  it('builds the kernels and the editor, one line each, and serves an engine on the fast kernels', async () => {
    const { lines, url, child, stderr } = await start();
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^Built the WebAssembly kernels in \d+\.\d s \(dist\/wasm\/kernels-simd\.wasm is missing\)\.$/,
    );
    expect(lines[1]).toMatch(
      /^Built the editor \(renderer bundle\) in \d+\.\d s \(dist\/renderer\/index\.html is missing\)\.$/,
    );
    expect(lines[2]).toBe(
      "Electron's binary isn't installed (node_modules/electron/dist is missing): starting the browser host.",
    );
    expect(lines[3]).toBe(`LayerCanvas is serving at ${url}`);
    expect(lines[4]).toBe(
      `No display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset): open ${url} in a browser yourself.`,
    );
    const profile = mkdtempSync(join(tmpdir(), 'layercanvas-e2e-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(url);
      const kernels = page.getByTestId('engine-kernels');
      await expect.poll(() => kernels.getAttribute('data-kernels'), { timeout: 30_000 }).toBe('fast');
      expect(await kernels.textContent()).toMatch(/^WASM (relaxed )?SIMD · \d+ threads?$/);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
    await stop(child);
    expect(stderr()).toBe('');
  }, 300_000);

  it('builds nothing on the next start, and only the kernels after a kernel source changes', async () => {
    const again = await start();
    await stop(again.child);
    expect(again.lines[0]).toBe(
      "Electron's binary isn't installed (node_modules/electron/dist is missing): starting the browser host.",
    );
    // Dated ahead so that it is newer than the kernels built moments ago, then dated back once this start has
    // rebuilt: a source left in the future would stay newer than any build made in the next 5 s, and the next
    // start would rebuild the kernels again (on a fast machine it did).
    const gemm = join(checkout, 'engine/kernels/wasm/gemm.ts');
    const before = statSync(gemm);
    const later = new Date(Date.now() + 5000);
    utimesSync(gemm, later, later);
    const changed = await start();
    await stop(changed.child);
    utimesSync(gemm, before.atime, before.mtime);
    expect(changed.lines[0]).toMatch(
      new RegExp(
        String.raw`^Built the WebAssembly kernels in \d+\.\d s ` +
          String.raw`\(dist/wasm/kernels-\S+\.wasm is older than engine/kernels/wasm/gemm\.ts\)\.$`,
      ),
    );
    expect(changed.lines[1]).toMatch(/^Electron's binary isn't installed/);
  }, 300_000);

  it('with Electron installed, also builds the desktop bundles, then starts Electron on the project', () => {
    const { dist, record } = fakeElectron();
    try {
      const r = spawnSync(process.execPath, ['scripts/start.mjs', 'model.keras'], {
        cwd: checkout,
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist },
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^Built the Electron shell and engine bundles in \d+\.\d s \(dist\/electron\/main\.cjs is missing\)\.$/,
      );
      expect(readFileSync(record, 'utf8').trim().split('\n')).toEqual([`${checkout}/`, 'model.keras']);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  }, 300_000);
});
