/**
 * electron/main against a stand-in for the electron module: Electron's binary can't be installed here, so this
 * checks the wiring main.ts does — window lockdown, app:// serving, IPC checks, close prompt, engine restarts —
 * with fakes that record what main asked Electron to do.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  // vi.hoisted runs before imports, so the events module is required here.
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const state = {
    windows: [] as FakeWindow[],
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
    listeners: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
    protocolHandler: null as null | ((req: { url: string }) => Promise<Response>),
    schemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
    blockedUrls: [] as string[],
    forks: [] as FakeUtility[],
    menu: null as unknown,
    messageBoxAnswer: 0,
    messageBoxes: 0,
    saveDialog: { canceled: true, filePath: undefined as string | undefined },
    openDialog: { canceled: true, filePaths: [] as string[] },
    openDialogProperties: [] as string[][],
    ready: null as null | (() => void),
  };
  class FakeWebContents extends Emitter {
    sent: [string, unknown][] = [];
    ports: [string, unknown[]][] = [];
    openHandler: null | (() => { action: string }) = null;
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    postMessage(channel: string, _message: unknown, ports: unknown[]) {
      this.ports.push([channel, ports]);
    }
    setWindowOpenHandler(h: () => { action: string }) {
      this.openHandler = h;
    }
    isLoading() {
      return false;
    }
    isDestroyed() {
      return false;
    }
  }
  class FakeWindow extends Emitter {
    webContents = new FakeWebContents();
    url = '';
    title = '';
    closed = false;
    constructor(public options: { webPreferences: Record<string, unknown> }) {
      super();
      state.windows.push(this);
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    setTitle(t: string) {
      this.title = t;
    }
    setDocumentEdited() {}
    show() {}
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
    isDestroyed() {
      return this.closed;
    }
    close() {
      const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      this.emit('close', event);
      if (!event.defaultPrevented) {
        this.closed = true;
        this.emit('closed');
      }
    }
  }
  let nextPid = 1000;
  class FakeUtility extends Emitter {
    pid = nextPid++;
    received: [unknown, unknown[] | undefined][] = [];
    constructor(public modulePath: string) {
      super();
    }
    postMessage(message: unknown, transfer?: unknown[]) {
      this.received.push([message, transfer]);
    }
    kill() {
      this.emit('exit', 0);
      return true;
    }
  }
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    whenReady: () => new Promise<void>((resolve) => (state.ready = resolve)),
    getPath: () => process.env.LAYERCANVAS_DIST!,
    getAppPath: () => process.cwd(),
    isReady: () => true,
    quit: () => {},
  });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => state.handlers.set(channel, fn),
      on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => state.listeners.set(channel, fn),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: typeof state.schemes) => state.schemes.push(...s),
      handle: (_scheme: string, fn: typeof state.protocolHandler) => (state.protocolHandler = fn),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => {},
        setPermissionCheckHandler: () => {},
        webRequest: {
          onBeforeRequest: (filter: { urls: string[] }) => state.blockedUrls.push(...filter.urls),
          onHeadersReceived: () => {},
        },
      },
    },
    dialog: {
      showOpenDialog: async (_win: unknown, options: { properties: string[] }) => {
        state.openDialogProperties.push(options.properties);
        return state.openDialog;
      },
      showSaveDialog: async () => state.saveDialog,
      showMessageBoxSync: () => {
        state.messageBoxes += 1;
        return state.messageBoxAnswer;
      },
      showErrorBox: () => {},
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (state.menu = m) },
    MessageChannelMain: class {
      port1 = { name: 'port1' };
      port2 = { name: 'port2' };
    },
    utilityProcess: {
      fork: (modulePath: string) => {
        const p = new FakeUtility(modulePath);
        state.forks.push(p);
        return p;
      },
    },
  };
  return { state, electron, FakeWindow };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const { state } = fake;
let dist: string;
const APP = 'app://layercanvas/index.html';
const ours = (wc?: unknown) => ({ senderFrame: { url: APP, parent: null }, sender: wc });
const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } };

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'layercanvas-dist-'));
  mkdirSync(join(dist, 'renderer'));
  writeFileSync(join(dist, 'renderer', 'index.html'), '<!doctype html><title>LayerCanvas</title>');
  writeFileSync(join(dist, 'secret.txt'), 'no');
  process.env.LAYERCANVAS_DIST = dist;
  await import('../../electron/main/main');
  state.ready!();
  await new Promise((r) => setTimeout(r, 0));
});

afterAll(() => {
  delete process.env.LAYERCANVAS_DIST;
  rmSync(dist, { recursive: true, force: true });
});

const win = () => state.windows[0];
const sentOn = (channel: string) => win().webContents.sent.filter(([c]) => c === channel).map(([, p]) => p);

describe('electron main wiring', () => {
  it('registers app:// as a secure standard scheme before ready', () => {
    expect(state.schemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
  });

  it('opens one window, isolated, sandboxed, without Node, loading app://layercanvas', () => {
    expect(state.windows).toHaveLength(1);
    expect(win().options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String(win().options.webPreferences.preload)).toMatch(/preload\.cjs$/);
    expect(win().url).toBe(APP);
  });

  it('denies navigation away from the app and every window.open', () => {
    const navigate = (url: string) => {
      const event = { prevented: false, preventDefault() { this.prevented = true; } };
      win().webContents.emit('will-navigate', event, url);
      return event.prevented;
    };
    expect(navigate('https://example.com/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://layercanvas.evil/')).toBe(true);
    expect(navigate('app://layercanvas/index.html')).toBe(false);
    expect(win().webContents.openHandler!()).toEqual({ action: 'deny' });
  });

  it('blocks all remote requests in the session', () => {
    expect(state.blockedUrls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']));
  });

  it('serves the renderer with the CSP, and nothing outside it', async () => {
    const index = await state.protocolHandler!({ url: APP });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'.*object-src 'none'/);
    expect(index.headers.get('content-security-policy')).not.toMatch(/ws:|http/);
    const escape = await state.protocolHandler!({ url: 'app://layercanvas/..%2fsecret.txt' });
    expect(escape.status).toBe(404);
  });

  it('refuses IPC from a foreign frame and with bad arguments', async () => {
    await expect((async () => state.handlers.get('layercanvas:recent-files')!(foreign))()).rejects.toThrow(/refused/);
    await expect((async () => state.handlers.get('layercanvas:save-file')!(ours(), { data: 'x' }))()).rejects.toThrow(/suggestedName/);
    state.listeners.get('layercanvas:document-state')!(foreign, { title: 'hacked', dirty: false });
    expect(win().title).not.toContain('hacked');
  });

  it('opens a file the user picks, lists it as recent, and saves back to it without asking again', async () => {
    const path = join(dist, 'picked.py');
    writeFileSync(path, 'import keras\n');
    state.openDialog = { canceled: false, filePaths: [path] };
    const file = (await state.handlers.get('layercanvas:open-file')!(ours(), [{ name: 'Python', extensions: ['py'] }])) as { name: string; path: string; data: Uint8Array };
    expect(file.name).toBe('picked.py');
    expect(file.path).toBe(path);
    expect(new TextDecoder().decode(file.data)).toBe('import keras\n');
    expect(await state.handlers.get('layercanvas:recent-files')!(ours())).toEqual([path]);
    state.saveDialog = { canceled: true, filePath: undefined };
    const saved = await state.handlers.get('layercanvas:save-file')!(ours(), { suggestedName: 'picked.py', data: 'import keras as k\n', path });
    expect(saved).toEqual({ path, name: 'picked.py' });
    expect(readFileSync(path, 'utf8')).toBe('import keras as k\n');
  });

  it('opens a folder the user picks in a directory dialog and hands over its images, refusing foreign frames', async () => {
    const folder = join(dist, 'pets');
    mkdirSync(join(folder, 'cat'), { recursive: true });
    writeFileSync(join(folder, 'cat', '001.png'), 'png bytes');
    writeFileSync(join(folder, 'cat', 'notes.txt'), 'not an image');
    state.openDialog = { canceled: false, filePaths: [folder] };
    const picked = (await state.handlers.get('layercanvas:open-folder')!(ours())) as { name: string; files: { path: string; data: Uint8Array }[] };
    expect(state.openDialogProperties.at(-1)).toEqual(['openDirectory']);
    expect(picked.name).toBe('pets');
    expect(picked.files.map((f) => [f.path, new TextDecoder().decode(f.data)])).toEqual([['cat/001.png', 'png bytes']]);
    state.openDialog = { canceled: true, filePaths: [] };
    expect(await state.handlers.get('layercanvas:open-folder')!(ours())).toBeNull();
    await expect((async () => state.handlers.get('layercanvas:open-folder')!(foreign))()).rejects.toThrow(/refused/);
  });

  it('refuses a dialog-free save to a path the user never chose', async () => {
    state.saveDialog = { canceled: true, filePath: undefined };
    const result = await state.handlers.get('layercanvas:save-file')!(ours(), { suggestedName: 'x.py', data: 'x', path: join(dist, 'secret.txt') });
    expect(result).toBeNull();
  });

});

describe('engine in a utility process', () => {
  it('forks dist/engine/utility-main.cjs and reports ready when it says so', () => {
    expect(state.forks).toHaveLength(1);
    expect(state.forks[0].modulePath).toBe(join(dist, 'engine', 'utility-main.cjs'));
    state.forks[0].emit('message', { type: 'engine-ready' });
    expect(sentOn('layercanvas:engine-status').at(-1)).toEqual({ state: 'ready' });
  });

  it('hands a window a MessagePort whose other end goes to the engine', () => {
    const wc = win().webContents;
    state.listeners.get('layercanvas:request-engine-port')!(ours(wc));
    expect(wc.ports).toEqual([['layercanvas:engine-port', [{ name: 'port2' }]]]);
    expect(state.forks[0].received).toEqual([[{ type: 'connect' }, [{ name: 'port1' }]]]);
  });

  it('restarts a crashed engine, tells the window, and sends it a fresh port', async () => {
    state.forks[0].emit('exit', 9);
    const restarting = sentOn('layercanvas:engine-status').at(-1) as { state: string; message: string };
    expect(restarting.state).toBe('restarting');
    expect(restarting.message).toContain('exit code 9');
    await vi.waitFor(() => expect(state.forks).toHaveLength(2), { timeout: 3000 });
    state.forks[1].emit('message', { type: 'engine-ready' });
    expect(sentOn('layercanvas:engine-status').at(-1)).toEqual({ state: 'ready' });
    expect(win().webContents.ports).toHaveLength(2);
    expect(state.forks[1].received).toEqual([[{ type: 'connect' }, [{ name: 'port1' }]]]);
  });
});

describe('closing (last: it closes the window)', () => {
  it('titles the window with the document and prompts before closing unsaved work', () => {
    state.listeners.get('layercanvas:document-state')!(ours(), { title: 'mnist.layercanvas.json', dirty: true });
    expect(win().title).toBe('• mnist.layercanvas.json — LayerCanvas');
    state.messageBoxAnswer = 2; // Cancel
    win().close();
    expect(state.messageBoxes).toBe(1);
    expect(win().closed).toBe(false);
    state.messageBoxAnswer = 0; // Save: main asks the renderer to save, then closes when it reports clean
    win().close();
    expect(sentOn('layercanvas:menu-command')).toContain('save');
    expect(win().closed).toBe(false);
    state.listeners.get('layercanvas:document-state')!(ours(), { title: 'mnist.layercanvas.json', dirty: false });
    expect(win().closed).toBe(true);
  });
});

