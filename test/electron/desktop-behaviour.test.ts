/**
 * What users expect of a desktop app, proven on the BUILT dist/electron/main.cjs under the stand-in electron
 * (test/support/electron-stub.ts): one instance, whose window takes a second launch's file; files from macOS's
 * open-file; recent files in the OS; the window where it was, on a display that still exists; the OS theme until
 * the user picks one; the native About box; the Dock menu and the jump list; macOS staying open without a window.
 * Each OS's behaviour runs with process.platform set to it while the bundle loads (main reads it once).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../../scripts/build-steps.mjs';
import { WINDOW_BACKGROUND } from '../../electron/main/theme-logic';
import { createElectronStub, requireWithElectron, type ElectronStub } from '../support/electron-stub';

const MAIN = join(ROOT, 'dist', 'electron', 'main.cjs');
const APP = 'app://layercanvas/index.html';
const fromApp = { senderFrame: { url: APP, parent: null } };
const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } };
type Item = { label?: string; role?: string; type?: string; checked?: boolean; submenu?: Item[]; click?: () => void };

interface Launch {
  stub: ElectronStub;
  userData: string;
  close(): Promise<void>;
}

/** main.cjs loaded afresh as `platform`, with `files` already in the user-data folder, then made ready. */
async function launch(
  platform: NodeJS.Platform,
  files: Record<string, unknown> = {},
  setup: (stub: ElectronStub) => void = () => {},
): Promise<Launch> {
  const stub = createElectronStub({
    runUtilityProcesses: false,
    displays: [{ x: 0, y: 25, width: 1440, height: 875 }],
  });
  const userData = mkdtempSync(join(tmpdir(), 'layercanvas-user-'));
  for (const [name, value] of Object.entries(files)) writeFileSync(join(userData, name), JSON.stringify(value));
  stub.electron.app.getPath = () => userData;
  setup(stub);
  delete createRequire(MAIN).cache[MAIN];
  const real = process.platform;
  Object.defineProperty(process, 'platform', { value: platform, configurable: true });
  let restore = () => {};
  try {
    ({ restore } = requireWithElectron(MAIN, stub));
    stub.emitReady();
    await new Promise((r) => setTimeout(r, 0));
  } finally {
    Object.defineProperty(process, 'platform', { value: real, configurable: true });
  }
  return {
    stub,
    userData,
    close: async () => {
      restore();
      await stub.dispose();
      rmSync(userData, { recursive: true, force: true });
    },
  };
}

const lastMenu = (stub: ElectronStub) =>
  (stub.callsTo('Menu.setApplicationMenu').at(-1)![0] as { template: Item[] }).template;
const findItem = (items: Item[], label: string): Item | undefined => {
  for (const item of items) {
    if (item.label?.replace('&', '') === label) return item;
    const inner = item.submenu && findItem(item.submenu, label);
    if (inner) return inner;
  }
  return undefined;
};

beforeAll(() => {
  ensureBuilt(['electron'], { log: () => {} });
}, 240_000);

describe('Linux: one instance, its window remembered, the theme, About', () => {
  let app: Launch;
  let model: string;
  const win = () => app.stub.windows.at(-1)!;
  beforeAll(async () => {
    app = await launch('linux', {
      // Last closed maximized on a monitor that is no longer plugged in; the user had picked dark.
      'window-state.json': {
        bounds: { x: 2000, y: 100, width: 1600, height: 1000 },
        maximized: true,
        fullScreen: false,
      },
      'settings.json': { theme: 'dark' },
    });
    model = join(app.userData, 'mnist.layercanvas.json');
    writeFileSync(model, '{"format":"layercanvas"}');
  });
  afterAll(() => app.close());

  it('asks for the single-instance lock before it opens a window', () => {
    const lock = app.stub.calls.findIndex((c) => c.api === 'app.requestSingleInstanceLock');
    expect(lock).toBeGreaterThanOrEqual(0);
    expect(lock).toBeLessThan(app.stub.calls.findIndex((c) => c.api === 'BrowserWindow'));
  });

  it('opens the window on the display that exists, at the default size, maximized as it was, painted dark', () => {
    expect(app.stub.windows).toHaveLength(1);
    expect(win().options).toMatchObject({
      x: 20,
      y: 25,
      width: 1400,
      height: 875,
      minWidth: 800,
      minHeight: 500,
      backgroundColor: WINDOW_BACKGROUND.dark,
    });
    expect(win().options.icon).toBe(join(ROOT, 'assets', 'icons', '512x512.png'));
    win().emit('ready-to-show');
    expect(win().maximized).toBe(true);
    expect(app.stub.nativeTheme.themeSource).toBe('dark');
  });

  it('a second launch with a file brings the window forward and opens the file in it; --new-model asks for a new model', () => {
    win().minimized = true;
    app.stub.electron.app.emit('second-instance', {}, ['/usr/bin/layercanvas', 'mnist.layercanvas.json'], app.userData);
    expect(win().minimized).toBe(false);
    expect(win().focused).toBe(true);
    expect(app.stub.windows).toHaveLength(1);
    const opened = win().webContents.sentOn('layercanvas:opened-file') as { path: string }[];
    expect(opened.map((f) => f.path)).toEqual([model]);
    expect(findItem(lastMenu(app.stub), 'Open Recent')!.submenu![0].label).toContain('mnist.layercanvas.json');
    // Linux has no recent-documents API: nothing goes to the OS.
    expect(app.stub.recentDocuments).toEqual([]);
    app.stub.electron.app.emit('second-instance', {}, ['/usr/bin/layercanvas', '--new-model'], '/');
    expect(win().webContents.sentOn('layercanvas:menu-command')).toEqual(['new']);
  });

  it("follows the page's theme choice: nativeTheme, the window colour, View ▸ Theme, and the file for next time", () => {
    app.stub.listeners.get('layercanvas:theme')!(fromApp, 'light');
    expect(app.stub.nativeTheme.themeSource).toBe('light');
    expect(win().backgroundColor).toBe(WINDOW_BACKGROUND.light);
    expect(findItem(lastMenu(app.stub), 'Light')).toMatchObject({ type: 'radio', checked: true });
    expect(JSON.parse(readFileSync(join(app.userData, 'settings.json'), 'utf8'))).toEqual({ theme: 'light' });
    // Match System from the menu: native parts at once, the page through its command.
    findItem(lastMenu(app.stub), 'Match System')!.click!();
    expect(app.stub.nativeTheme.themeSource).toBe('system');
    expect(win().webContents.sentOn('layercanvas:menu-command').at(-1)).toBe('theme-system');
    // Nothing else may set it.
    app.stub.listeners.get('layercanvas:theme')!(foreign, 'dark');
    app.stub.listeners.get('layercanvas:theme')!(fromApp, 'purple');
    expect(app.stub.nativeTheme.themeSource).toBe('system');
  });

  it('sets the native About box with the app and runtime versions', () => {
    const [[about]] = app.stub.callsTo('app.setAboutPanelOptions') as [[Record<string, unknown>]];
    expect(about.applicationName).toBe('LayerCanvas');
    expect(about.applicationVersion).toContain('0.1.0 (Electron ');
    expect(about.applicationVersion).toContain(`Node.js ${process.versions.node}`);
    const help = lastMenu(app.stub).find((m) => m.label === '&Help')!;
    expect(help.submenu).toEqual([{ role: 'about', label: 'About LayerCanvas' }]);
  });

  it('keeps the window where it was left when it closes, and quits with the last window', () => {
    win().maximized = false;
    win().setBounds({ x: 100, y: 60, width: 1200, height: 800 });
    win().close();
    expect(JSON.parse(readFileSync(join(app.userData, 'window-state.json'), 'utf8'))).toEqual({
      bounds: { x: 100, y: 60, width: 1200, height: 800 },
      maximized: false,
      fullScreen: false,
    });
    app.stub.electron.app.emit('window-all-closed');
    expect(app.stub.callsTo('app.quit')).toHaveLength(1);
  });
});

describe('macOS: open-file, recent documents, the Dock menu, staying open without a window', () => {
  let app: Launch;
  let model: string;
  beforeAll(async () => {
    app = await launch('darwin');
    model = join(app.userData, 'cnn.layercanvas.json');
    writeFileSync(model, '{"format":"layercanvas"}');
  });
  afterAll(() => app.close());

  it('has the app menu and the Window menu', () => {
    expect(lastMenu(app.stub).map((m) => m.role ?? m.label)).toEqual(['appMenu', 'File', 'Edit', 'View', 'windowMenu']);
  });

  it('opens a file from Finder in the window and adds it to the OS recent documents', () => {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    app.stub.electron.app.emit('open-file', event, model);
    expect(event.defaultPrevented).toBe(true);
    expect(
      (app.stub.windows[0].webContents.sentOn('layercanvas:opened-file') as { path: string }[]).map((f) => f.path),
    ).toEqual([model]);
    expect(app.stub.recentDocuments).toEqual([model]);
    findItem(lastMenu(app.stub), 'Clear Menu')!.click!();
    expect(app.stub.recentDocuments).toEqual([]);
    expect(findItem(lastMenu(app.stub), 'Open Recent')!.submenu).toEqual([]);
  });

  it('stays running when its window closes, and the Dock menu opens a new one for New Model', () => {
    app.stub.windows[0].close();
    app.stub.electron.app.emit('window-all-closed');
    expect(app.stub.callsTo('app.quit')).toHaveLength(0);
    const [[dock]] = app.stub.callsTo('app.dock.setMenu') as [[{ template: Item[] }]];
    expect(dock.template.map((i) => i.label)).toEqual(['New Model', 'Open…']);
    dock.template[0].click!();
    expect(app.stub.windows).toHaveLength(2);
    expect(app.stub.windows[1].webContents.sentOn('layercanvas:menu-command')).toEqual(['new']);
    // A click on the Dock icon with a window open opens no other.
    app.stub.electron.app.emit('activate');
    expect(app.stub.windows).toHaveLength(2);
  });
});

describe('Windows, installed: the jump list and recent documents', () => {
  let app: Launch;
  beforeAll(async () => {
    app = await launch('win32', {}, (stub) => {
      stub.electron.app.isPackaged = true;
      (process as { resourcesPath?: string }).resourcesPath = join(ROOT, 'dist');
    });
  });
  afterAll(async () => {
    delete (process as { resourcesPath?: string }).resourcesPath;
    await app.close();
  });

  it('sets a jump list of recent files and a New Model task that relaunches the executable', () => {
    const [[categories]] = app.stub.callsTo('app.setJumpList') as [
      [{ type: string; items?: { args: string; program: string }[] }[]],
    ];
    expect(categories[0]).toEqual({ type: 'recent' });
    expect(categories[1].items![0]).toMatchObject({ args: '--new-model', program: process.execPath });
  });

  it('ends File with Exit and puts the installed icon in the About box', () => {
    const file = lastMenu(app.stub).find((m) => m.label === '&File')!;
    expect(file.submenu!.at(-1)).toEqual({ role: 'quit', label: 'E&xit' });
    const [[about]] = app.stub.callsTo('app.setAboutPanelOptions') as [[Record<string, unknown>]];
    expect(about.iconPath).toBe(join(ROOT, 'dist', 'icon.png'));
  });
});

describe('a second launch while LayerCanvas runs', () => {
  let app: Launch;
  beforeAll(async () => {
    app = await launch('linux', {}, (stub) => {
      (stub.electron.app as { requestSingleInstanceLock: () => boolean }).requestSingleInstanceLock = () => false;
    });
  });
  afterAll(() => app.close());

  it('quits at once without a window or an engine, leaving its command line to the first instance', () => {
    expect(app.stub.callsTo('app.quit')).toHaveLength(1);
    expect(app.stub.windows).toHaveLength(0);
    expect(app.stub.forks).toHaveLength(0);
  });
});

describe('dist/electron/preload.cjs: the theme verb', () => {
  const stub = createElectronStub({ runUtilityProcesses: false });
  let restore = () => {};
  beforeAll(() => {
    (globalThis as { window?: unknown }).window = { postMessage: () => {} };
    const preload = join(ROOT, 'dist', 'electron', 'preload.cjs');
    delete createRequire(preload).cache[preload];
    ({ restore } = requireWithElectron(preload, stub));
  });
  afterAll(() => {
    restore();
    delete (globalThis as { window?: unknown }).window;
  });

  it('sends the page’s theme choice to main on layercanvas:theme', () => {
    const bridge = stub.exposed.get('layercanvas') as { setTheme(theme: string): void };
    bridge.setTheme('dark');
    expect(stub.callsTo('ipcRenderer.send')).toEqual([['layercanvas:theme', 'dark']]);
  });
});
