/**
 * The desktop app's BUILT bundles, run under Node with a stand-in `electron` module (Electron's binary can't be
 * installed here): dist/electron/main.cjs opens a locked-down window, registers app://, builds the menu and forks
 * dist/engine/utility-main.cjs, which really runs (in a worker thread with Electron's parentPort API) and answers
 * a ping, a kernels report and a small training with the fast WebAssembly kernels; dist/electron/preload.cjs
 * exposes only the bridge. Stale bundles are rebuilt first, so this tests what the sources make today.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainDocument } from '../../engine/graph/build';
import type { KernelsReport, TrainOutcome } from '../../engine/api/protocol';
import { build } from 'esbuild';
import { common } from '../../scripts/build-electron.mjs';
import { ensureBuilt, ROOT } from '../../scripts/build-steps.mjs';
import {
  createElectronStub,
  requireWithElectron,
  type ElectronStub,
  type PortMain,
  type StubUtilityProcess,
} from '../support/electron-stub';

const DIST = join(ROOT, 'dist');
const UTILITY = join(DIST, 'engine', 'utility-main.cjs');
const APP = 'app://layercanvas/index.html';
const fromApp = (sender?: unknown) => ({ sender, senderFrame: { url: APP, parent: null } });

const mlp = chainDocument([
  { className: 'InputLayer', config: { shape: [2] } },
  { className: 'Dense', config: { units: 8, use_bias: false } },
  { className: 'BatchNormalization' },
  { className: 'Activation', config: { activation: 'relu' } },
  { className: 'Dense', config: { units: 2, activation: 'softmax' } },
]);
const trainPayload = {
  document: mlp,
  dataset: { id: 'circles', subset: 256 },
  settings: {
    loss: 'sparse_categorical_crossentropy',
    optimizer: { name: 'adam', learning_rate: 0.01 },
    epochs: 1,
    batchSize: 32,
    seed: 1,
  },
};

type Answer = { id: string; ok: boolean; result?: unknown; error?: { message: string } };

/** Requests over an engine port as a window makes them; resolves with the final answer. */
function engineClient(port: PortMain) {
  const waiting = new Map<string, (a: Answer) => void>();
  port.on('message', ({ data }) => {
    const a = data as Answer;
    if ('ok' in a) waiting.get(a.id)?.(a);
  });
  port.start();
  let n = 0;
  return (type: string, payload?: unknown) =>
    new Promise<Answer>((resolve) => {
      const id = `t${++n}`;
      waiting.set(id, resolve);
      port.postMessage({ id, type, payload });
    });
}

/** Forks the engine bundle as main does and connects one port to it. */
async function connectedEngine(stub: ElectronStub, args: string[]) {
  const child = stub.electron.utilityProcess.fork(UTILITY, args, { serviceName: 'test' }) as StubUtilityProcess;
  const ready = new Promise((resolve, reject) => {
    child.on('message', resolve);
    child.on('exit', (code) => reject(new Error(`the engine exited (${code}) before it was ready`)));
  });
  expect(await ready).toEqual({ type: 'engine-ready' });
  const { port1, port2 } = new stub.electron.MessageChannelMain();
  child.postMessage({ type: 'connect' }, [port1]);
  return engineClient(port2);
}

beforeAll(() => {
  ensureBuilt(['wasm', 'renderer', 'electron'], { log: () => {} });
}, 240_000);

describe('dist/engine/utility-main.cjs under a stand-in parentPort', () => {
  const stub = createElectronStub();
  let empty: string;
  beforeAll(() => {
    empty = mkdtempSync(join(tmpdir(), 'layercanvas-no-wasm-'));
  });
  afterAll(async () => {
    await stub.dispose();
    rmSync(empty, { recursive: true, force: true });
  });

  it('has no import.meta to lose: the bundle finds its kernels in the folder named on its command line', () => {
    expect(readFileSync(UTILITY, 'utf8')).not.toMatch(/import_meta\s*=\s*\{\}/);
  });

  it('is built with options that refuse import.meta, which a CommonJS bundle leaves empty', async () => {
    const bundle = (contents: string) =>
      build({
        ...common,
        sourcemap: false,
        stdin: { contents, loader: 'ts', resolveDir: ROOT },
        write: false,
        logLevel: 'silent',
      });
    await expect(bundle('export const here = import.meta.url;')).rejects.toThrow(
      /"import\.meta" is not available with the "cjs" output format/,
    );
    await expect(bundle('export const here = __dirname;')).resolves.toMatchObject({ errors: [] });
  });

  it('answers a ping and reports the fast WebAssembly kernels with their threads', async () => {
    const request = await connectedEngine(stub, [`--wasm-dir=${join(DIST, 'wasm')}`]);
    const ping = await request('ping');
    expect(ping).toMatchObject({ ok: true, result: { protocol: 1 } });
    const kernels = (await request('kernels')).result as KernelsReport;
    expect(kernels.kernels).toBe('fast');
    expect(kernels.warning).toBeUndefined();
    expect(kernels.threads).toBeGreaterThanOrEqual(1);
    expect(kernels.label).toMatch(/^WASM (relaxed )?SIMD · \d+ threads?$/);
  });

  it('trains with the fast kernels', async () => {
    const request = await connectedEngine(stub, [`--wasm-dir=${join(DIST, 'wasm')}`]);
    const answer = await request('train', trainPayload);
    expect(answer.error).toBeUndefined();
    const outcome = answer.result as TrainOutcome;
    expect(outcome.kernels).toBe('fast');
    expect(outcome.runs[0].status).toBe('completed');
    expect(outcome.runs[0].history.loss[0]).toBeGreaterThan(0);
  }, 60_000);

  it('reads a .keras file with its weights (h5wasm works in the CommonJS bundle)', async () => {
    const request = await connectedEngine(stub, [`--wasm-dir=${join(DIST, 'wasm')}`]);
    const data = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/binary/cnn-bn.keras')));
    const read = await request('import', { name: 'cnn-bn.keras', data });
    expect(read.error).toBeUndefined();
    const imported = read.result as { ok: true; format: string; document: { weights: Record<string, unknown[]> } };
    expect(imported).toMatchObject({ ok: true, format: 'keras' });
    expect(Object.values(imported.document.weights).flat()).toHaveLength(7);
  }, 60_000);

  it('without its kernels, says it runs on the reference ones, why, and how to fix it', async () => {
    const request = await connectedEngine(stub, [`--wasm-dir=${empty}`]);
    const kernels = (await request('kernels')).result as KernelsReport;
    expect(kernels).toMatchObject({ kernels: 'reference', simd: null, label: 'reference kernels (slow)' });
    expect(kernels.warning?.reason).toBe(
      `the fast WebAssembly kernels could not be loaded (kernels-simd.wasm is not in ${empty})`,
    );
    expect(kernels.warning?.hint).toContain('npm run build');
  });

  it('started by an installed app (--packaged), gives the fix that fits it: reinstall, not build', async () => {
    const request = await connectedEngine(stub, [`--wasm-dir=${empty}`, '--packaged']);
    const kernels = (await request('kernels')).result as KernelsReport;
    expect(kernels.kernels).toBe('reference');
    expect(kernels.warning?.hint).toMatch(/^reinstall LayerCanvas/);
  });
});

describe('dist/electron/main.cjs under a stand-in electron', () => {
  const stub = createElectronStub();
  let userData: string;
  let restore = () => {};

  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'layercanvas-user-'));
    stub.electron.app.getPath = () => userData;
    delete process.env.LAYERCANVAS_DIST;
    ({ restore } = requireWithElectron(join(DIST, 'electron', 'main.cjs'), stub));
    stub.emitReady();
    await new Promise((r) => setTimeout(r, 0));
  });
  afterAll(async () => {
    restore();
    await stub.dispose();
    rmSync(userData, { recursive: true, force: true });
  });

  const win = () => stub.windows[0];

  it('registers app:// as a privileged, secure standard scheme before ready, and serves it once ready', () => {
    const registered = stub.calls.findIndex((c) => c.api === 'protocol.registerSchemesAsPrivileged');
    const whenReady = stub.calls.findIndex((c) => c.api === 'app.whenReady');
    expect(registered).toBeGreaterThanOrEqual(0);
    expect(registered).toBeLessThan(whenReady);
    expect(stub.schemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(stub.callsTo('protocol.handle')).toEqual([['app']]);
  });

  it('opens one window that passes the security checklist', async () => {
    expect(stub.windows).toHaveLength(1);
    expect(win().options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: join(DIST, 'electron', 'preload.cjs'),
    });
    expect(win().url).toBe(APP);
    // Navigation away, new windows and webviews are refused; remote requests and permissions too.
    const prevented = (event: string, ...args: unknown[]) => {
      const e = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      win().webContents.emit(event, e, ...args);
      return e.prevented;
    };
    expect(prevented('will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented('will-navigate', APP)).toBe(false);
    expect(prevented('will-attach-webview')).toBe(true);
    expect(win().webContents.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(stub.blockedUrls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']));
    const [[permission]] = stub.callsTo('session.setPermissionRequestHandler') as [
      [(wc: unknown, p: string, cb: (ok: boolean) => void) => void],
    ];
    let granted: boolean | null = null;
    permission(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    // The page comes with a strict CSP: nothing but its own origin, no plugins, no remote connections.
    const page = await stub.protocolHandlers.get('app')!({ url: APP });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/https?:|ws:|'unsafe-eval'/);
    expect((await stub.protocolHandlers.get('app')!({ url: 'app://layercanvas/..%2f..%2fpackage.json' })).status).toBe(
      404,
    );
  });

  it('builds the application menu, whose items reach the window', () => {
    expect(stub.menus).toHaveLength(1);
    type Item = { label?: string; role?: string; submenu?: Item[]; click?: () => void };
    const [[template]] = stub.callsTo('Menu.buildFromTemplate') as [[Item[]]];
    expect(template.map((m) => m.label?.replace('&', ''))).toEqual(
      expect.arrayContaining(['File', 'Edit', 'View', 'Help']),
    );
    const file = template.find((m) => m.label === '&File')!;
    const save = file.submenu!.find((i) => i.label === 'Save')!;
    save.click!();
    expect(win().webContents.sentOn('layercanvas:menu-command')).toEqual(['save']);
  });

  it('forks the engine bundle with the kernels folder, and hands the window a port to it', async () => {
    expect(stub.callsTo('utilityProcess.fork').map(([path, args]) => [path, args])).toEqual([
      [UTILITY, [`--wasm-dir=${join(DIST, 'wasm')}`]],
    ]);
    await expect
      .poll(() => win().webContents.sentOn('layercanvas:engine-status').at(-1), { timeout: 20_000 })
      .toEqual({ state: 'ready' });
    stub.listeners.get('layercanvas:request-engine-port')!(fromApp(win().webContents));
    const posted = win().webContents.posted.filter((p) => p.channel === 'layercanvas:engine-port');
    expect(posted).toHaveLength(1);
    expect(posted[0].ports).toHaveLength(1);
  });

  it('the forked engine answers a ping and a small training with the fast kernels', async () => {
    const port = win().webContents.posted.find((p) => p.channel === 'layercanvas:engine-port')!.ports[0];
    const request = engineClient(port);
    const ping = await request('ping');
    expect(ping).toMatchObject({ ok: true, result: { protocol: 1 } });
    expect((ping.result as { pid: number }).pid).toBe(process.pid);
    expect(((await request('kernels')).result as KernelsReport).kernels).toBe('fast');
    const trained = (await request('train', trainPayload)).result as TrainOutcome;
    expect(trained.kernels).toBe('fast');
    expect(trained.warning).toBeUndefined();
    expect(trained.runs[0].status).toBe('completed');
  }, 60_000);
});

describe('dist/electron/preload.cjs under a stand-in electron', () => {
  const stub = createElectronStub();
  const posted: unknown[][] = [];
  let restore = () => {};
  beforeAll(() => {
    (globalThis as { window?: unknown }).window = { postMessage: (...args: unknown[]) => posted.push(args) };
    ({ restore } = requireWithElectron(join(DIST, 'electron', 'preload.cjs'), stub));
  });
  afterAll(() => {
    restore();
    delete (globalThis as { window?: unknown }).window;
  });

  it('requires nothing but electron (a sandboxed preload can require nothing else)', () => {
    const requires = [
      ...readFileSync(join(DIST, 'electron', 'preload.cjs'), 'utf8').matchAll(/\brequire\(["']([^"']+)["']\)/g),
    ].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
  });

  it('exposes only window.layercanvas, whose verbs go over the named IPC channels', async () => {
    expect([...stub.exposed.keys()]).toEqual(['layercanvas']);
    const bridge = stub.exposed.get('layercanvas') as Record<string, (...args: unknown[]) => unknown>;
    expect(bridge.version).toBe(1);
    await bridge.openFile([{ name: 'Keras', extensions: ['py'] }]);
    bridge.requestEnginePort();
    bridge.setDocumentState({ title: 'm', dirty: true });
    expect(stub.callsTo('ipcRenderer.invoke')).toEqual([
      ['layercanvas:open-file', [{ name: 'Keras', extensions: ['py'] }]],
    ]);
    expect(stub.callsTo('ipcRenderer.send')).toEqual([
      ['layercanvas:request-engine-port'],
      ['layercanvas:document-state', { title: 'm', dirty: true }],
    ]);
  });

  it('re-posts the engine port from main to the page, where contextBridge cannot carry it', () => {
    const port = { name: 'engine port' };
    stub.emitToRenderer('layercanvas:engine-port', { ports: [port] });
    expect(posted).toEqual([[{ channel: 'layercanvas:engine-port' }, '*', [port]]]);
  });
});
