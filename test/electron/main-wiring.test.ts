/**
 * electron/main against a stand-in for the electron module: Electron's binary can't be installed here, so this
 * checks the wiring main.ts does — window lockdown, app:// serving, IPC checks, close prompt, engine restarts —
 * with fakes that record what main asked Electron to do.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { receiveMessageOnPort } from 'node:worker_threads';
import { createElectronStub, type PortMain } from '../support/electron-stub';

// Electron as the shared stand-in (test/support/electron-stub.ts), recording only: no engine really starts here.
const stub = createElectronStub({ runUtilityProcesses: false });
vi.mock('electron', () => ({ ...stub.electron, default: stub.electron }));

let dist: string;
const APP = 'app://layercanvas/index.html';
/** Whether two MessagePortMain stand-ins are the ends of one channel (a message from one arrives at the other). */
function connected(a: PortMain, b: PortMain): boolean {
  a.postMessage('hello?');
  const got = receiveMessageOnPort(b.native);
  return (got?.message as { data?: unknown } | undefined)?.data === 'hello?';
}
const ours = (wc?: unknown) => ({ senderFrame: { url: APP, parent: null }, sender: wc });
const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } };

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'layercanvas-dist-'));
  mkdirSync(join(dist, 'renderer'));
  writeFileSync(join(dist, 'renderer', 'index.html'), '<!doctype html><title>LayerCanvas</title>');
  writeFileSync(join(dist, 'secret.txt'), 'no');
  process.env.LAYERCANVAS_DIST = dist;
  stub.electron.app.getPath = () => dist;
  await import('../../electron/main/main');
  stub.emitReady();
  await new Promise((r) => setTimeout(r, 0));
});

afterAll(() => {
  delete process.env.LAYERCANVAS_DIST;
  rmSync(dist, { recursive: true, force: true });
});

const win = () => stub.windows[0];
/** What main posted to an engine process, less the watchdog's heartbeats. */
const posted = (fork: { received: { message: unknown; ports: unknown[] }[] }) =>
  fork.received
    .filter((r) => (r.message as { type?: string }).type !== 'engine-heartbeat')
    .map((r) => [r.message, r.ports.length]);
const sentOn = (channel: string) => win().webContents.sentOn(channel);

describe('electron main wiring', () => {
  it('registers app:// as a secure standard scheme before ready', () => {
    expect(stub.schemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
  });

  it('opens one window, isolated, sandboxed, without Node, loading app://layercanvas', () => {
    expect(stub.windows).toHaveLength(1);
    expect(win().options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(String(win().options.webPreferences.preload)).toMatch(/preload\.cjs$/);
    expect(win().url).toBe(APP);
  });

  it('denies navigation away from the app and every window.open', () => {
    const navigate = (url: string) => {
      const event = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      win().webContents.emit('will-navigate', event, url);
      return event.prevented;
    };
    expect(navigate('https://example.com/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://layercanvas.evil/')).toBe(true);
    expect(navigate('app://layercanvas/index.html')).toBe(false);
    expect(win().webContents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('guards every webContents the app creates, not only the window: navigation, frames, redirects, pop-ups, webviews', () => {
    const other = new stub.electron.BrowserWindow({ webPreferences: {} }).webContents;
    stub.windows.pop();
    const prevented = (event: string, ...args: unknown[]) => {
      const e = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
        url: String(args[0] ?? ''),
      };
      other.emit(event, e, ...args);
      return e.prevented;
    };
    expect(prevented('will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented('will-frame-navigate', 'https://example.com/frame')).toBe(true);
    expect(prevented('will-frame-navigate', 'app://layercanvas/index.html')).toBe(false);
    expect(prevented('will-redirect', 'http://127.0.0.1:1/')).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
    expect(other.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('keeps the autosave snapshot under userData, offers it back, clears it, and refuses bad or foreign ones', async () => {
    const snapshot = { savedAt: 1764856920000, title: 'm.layercanvas.json', project: '{"formatVersion":1}' };
    const invoke = (channel: string, event: unknown, ...args: unknown[]) =>
      Promise.resolve().then(() => stub.handlers.get(channel)!(event, ...args));
    await invoke('layercanvas:recovery-write', ours(), snapshot);
    expect(JSON.parse(readFileSync(join(dist, 'recovery', 'autosave.json'), 'utf8'))).toEqual(snapshot);
    expect(await invoke('layercanvas:recovery-read', ours())).toEqual({ snapshot, afterCrash: false });
    await expect(invoke('layercanvas:recovery-write', foreign, snapshot)).rejects.toThrow(/refused/);
    await expect(invoke('layercanvas:recovery-write', ours(), { ...snapshot, project: 5 })).rejects.toThrow(
      /bad arguments/,
    );
    await expect(invoke('layercanvas:recovery-read', foreign)).rejects.toThrow(/refused/);
    await invoke('layercanvas:recovery-clear', ours());
    expect(await invoke('layercanvas:recovery-read', ours())).toBeNull();
  });

  it('reloads a crashed renderer, which then restores the autosave without asking; stops after repeated crashes', async () => {
    const snapshot = { savedAt: 1, title: 't', project: '{}' };
    await stub.handlers.get('layercanvas:recovery-write')!(ours(), snapshot);
    const wc = win().webContents;
    const reloads = () => stub.callsTo('webContents.reload').length;
    wc.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(reloads()).toBe(0);
    wc.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(reloads()).toBe(1);
    expect(await stub.handlers.get('layercanvas:recovery-read')!(ours())).toEqual({ snapshot, afterCrash: true });
    expect(await stub.handlers.get('layercanvas:recovery-read')!(ours())).toEqual({ snapshot, afterCrash: false });
    for (const reason of ['oom', 'killed']) wc.emit('render-process-gone', {}, { reason, exitCode: 9 });
    expect(reloads()).toBe(3);
    expect(stub.callsTo('dialog.showErrorBox')).toEqual([]);
    wc.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(reloads()).toBe(3);
    expect(stub.callsTo('dialog.showErrorBox').map((a) => a[0])).toEqual(['LayerCanvas keeps crashing']);
    await stub.handlers.get('layercanvas:recovery-clear')!(ours());
  });

  it('blocks all remote requests in the session', () => {
    expect(stub.blockedUrls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']));
  });

  it('serves the renderer with the CSP, and nothing outside it', async () => {
    const index = await stub.protocolHandlers.get('app')!({ url: APP });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'.*object-src 'none'/);
    expect(index.headers.get('content-security-policy')).not.toMatch(/ws:|http/);
    const escape = await stub.protocolHandlers.get('app')!({ url: 'app://layercanvas/..%2fsecret.txt' });
    expect(escape.status).toBe(404);
  });

  it('refuses IPC from a foreign frame and with bad arguments', async () => {
    await expect((async () => stub.handlers.get('layercanvas:recent-files')!(foreign))()).rejects.toThrow(/refused/);
    await expect((async () => stub.handlers.get('layercanvas:save-file')!(ours(), { data: 'x' }))()).rejects.toThrow(
      /suggestedName/,
    );
    stub.listeners.get('layercanvas:document-state')!(foreign, { title: 'hacked', dirty: false });
    expect(win().title).not.toContain('hacked');
  });

  it('opens a file the user picks, lists it as recent, and saves back to it without asking again', async () => {
    const path = join(dist, 'picked.py');
    writeFileSync(path, 'import keras\n');
    stub.dialogs.open = { canceled: false, filePaths: [path] };
    const file = (await stub.handlers.get('layercanvas:open-file')!(ours(), [
      { name: 'Python', extensions: ['py'] },
    ])) as { name: string; path: string; data: Uint8Array };
    expect(file.name).toBe('picked.py');
    expect(file.path).toBe(path);
    expect(new TextDecoder().decode(file.data)).toBe('import keras\n');
    expect(await stub.handlers.get('layercanvas:recent-files')!(ours())).toEqual([path]);
    stub.dialogs.save = { canceled: true, filePath: undefined };
    const saved = await stub.handlers.get('layercanvas:save-file')!(ours(), {
      suggestedName: 'picked.py',
      data: 'import keras as k\n',
      path,
    });
    expect(saved).toEqual({ path, name: 'picked.py' });
    expect(readFileSync(path, 'utf8')).toBe('import keras as k\n');
  });

  it('keeps a damaged original as <name>.bak before saving the repaired project over it', async () => {
    const path = join(dist, 'damaged.layercanvas.json');
    writeFileSync(path, '{"formatVersion": 1, "damaged": true}');
    stub.dialogs.open = { canceled: false, filePaths: [path] };
    await stub.handlers.get('layercanvas:open-file')!(ours(), []);
    await stub.handlers.get('layercanvas:save-file')!(ours(), {
      suggestedName: 'damaged.layercanvas.json',
      data: '{"repaired": true}',
      path,
      backup: true,
    });
    expect(readFileSync(path, 'utf8')).toBe('{"repaired": true}');
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe('{"formatVersion": 1, "damaged": true}');
    // Without the flag (a sound file) no .bak is made.
    const sound = join(dist, 'sound.layercanvas.json');
    writeFileSync(sound, 'v1');
    stub.dialogs.open = { canceled: false, filePaths: [sound] };
    await stub.handlers.get('layercanvas:open-file')!(ours(), []);
    await stub.handlers.get('layercanvas:save-file')!(ours(), {
      suggestedName: 'sound.layercanvas.json',
      data: 'v2',
      path: sound,
    });
    expect(readFileSync(sound, 'utf8')).toBe('v2');
    expect(() => readFileSync(`${sound}.bak`)).toThrow(/ENOENT/);
  });

  it('opens a folder the user picks in a directory dialog and hands over its images, refusing foreign frames', async () => {
    const folder = join(dist, 'pets');
    mkdirSync(join(folder, 'cat'), { recursive: true });
    writeFileSync(join(folder, 'cat', '001.png'), 'png bytes');
    writeFileSync(join(folder, 'cat', 'notes.txt'), 'not an image');
    stub.dialogs.open = { canceled: false, filePaths: [folder] };
    const picked = (await stub.handlers.get('layercanvas:open-folder')!(ours())) as {
      name: string;
      files: { path: string; data: Uint8Array }[];
    };
    expect((stub.callsTo('dialog.showOpenDialog').at(-1)![1] as { properties: string[] }).properties).toEqual([
      'openDirectory',
    ]);
    expect(picked.name).toBe('pets');
    expect(picked.files.map((f) => [f.path, new TextDecoder().decode(f.data)])).toEqual([['cat/001.png', 'png bytes']]);
    stub.dialogs.open = { canceled: true, filePaths: [] };
    expect(await stub.handlers.get('layercanvas:open-folder')!(ours())).toBeNull();
    await expect((async () => stub.handlers.get('layercanvas:open-folder')!(foreign))()).rejects.toThrow(/refused/);
  });

  it('refuses a dialog-free save to a path the user never chose', async () => {
    stub.dialogs.save = { canceled: true, filePath: undefined };
    const result = await stub.handlers.get('layercanvas:save-file')!(ours(), {
      suggestedName: 'x.py',
      data: 'x',
      path: join(dist, 'secret.txt'),
    });
    expect(result).toBeNull();
  });
});

describe('engine in a utility process', () => {
  it('forks dist/engine/utility-main.cjs and reports ready when it says so', () => {
    expect(stub.forks).toHaveLength(1);
    expect(stub.forks[0].modulePath).toBe(join(dist, 'engine', 'utility-main.cjs'));
    stub.forks[0].emit('message', { type: 'engine-ready' });
    expect(sentOn('layercanvas:engine-status').at(-1)).toEqual({ state: 'ready' });
  });

  it('hands a window a MessagePort whose other end goes to the engine', () => {
    const wc = win().webContents;
    stub.listeners.get('layercanvas:request-engine-port')!(ours(wc));
    expect(wc.posted.map((p) => [p.channel, p.ports.length])).toEqual([['layercanvas:engine-port', 1]]);
    expect(posted(stub.forks[0])).toEqual([[{ type: 'connect' }, 1]]);
    // The two ends of one channel: what the window got talks to what the engine got.
    expect(connected(wc.posted[0].ports[0], stub.forks[0].received[0].ports[0])).toBe(true);
  });

  it('restarts a crashed engine, tells the window, and sends it a fresh port', async () => {
    stub.forks[0].emit('exit', 9);
    const restarting = sentOn('layercanvas:engine-status').at(-1) as { state: string; message: string };
    expect(restarting.state).toBe('restarting');
    expect(restarting.message).toContain('exit code 9');
    await vi.waitFor(() => expect(stub.forks).toHaveLength(2), { timeout: 3000 });
    stub.forks[1].emit('message', { type: 'engine-ready' });
    expect(sentOn('layercanvas:engine-status').at(-1)).toEqual({ state: 'ready' });
    expect(win().webContents.posted).toHaveLength(2);
    expect(posted(stub.forks[1])).toEqual([[{ type: 'connect' }, 1]]);
    expect(connected(win().webContents.posted[1].ports[0], stub.forks[1].received[0].ports[0])).toBe(true);
  });

  it('restarts the engine when the window asks (Restart engine), and refuses the ask from a foreign frame', () => {
    stub.listeners.get('layercanvas:restart-engine')!(foreign);
    expect(stub.forks).toHaveLength(2);
    stub.listeners.get('layercanvas:restart-engine')!(ours());
    expect(stub.forks).toHaveLength(3);
    expect(sentOn('layercanvas:engine-status').at(-1)).toMatchObject({ state: 'restarting', cause: 'requested' });
    stub.forks[2].emit('message', { type: 'engine-ready' });
    expect(posted(stub.forks[2])).toEqual([[{ type: 'connect' }, 1]]);
  });

  it('restarts an engine that stays on a request the window cancelled (cancel always works), and refuses foreign frames', async () => {
    vi.useFakeTimers();
    try {
      const fork = stub.forks.at(-1)!;
      const before = stub.forks.length;
      fork.emit('message', { type: 'engine-activity', started: { id: 'long', request: 'train' } });
      stub.listeners.get('layercanvas:engine-cancelled')!(foreign, 'long');
      await vi.advanceTimersByTimeAsync(6000);
      expect(stub.forks).toHaveLength(before);
      // Answer heartbeats so only the cancel can end it.
      stub.listeners.get('layercanvas:engine-cancelled')!(ours(), 'long');
      await vi.advanceTimersByTimeAsync(4000);
      fork.emit('message', { type: 'engine-alive', seq: 0 });
      expect(stub.forks).toHaveLength(before);
      await vi.advanceTimersByTimeAsync(1500);
      const status = sentOn('layercanvas:engine-status').find((s) =>
        String((s as { message?: string }).message).startsWith('The engine did not stop'),
      ) as { message: string };
      expect(status.message).toMatch(/^The engine did not stop 'train' within 5 s of its cancel, so it was stopped/);
      await vi.advanceTimersByTimeAsync(1000);
      expect(stub.forks.length).toBeGreaterThan(before);
      stub.forks.at(-1)!.emit('message', { type: 'engine-ready' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('kills an engine that stops answering its heartbeats, and tells the window which request hung it', async () => {
    vi.useFakeTimers();
    try {
      stub.listeners.get('layercanvas:restart-engine')!(ours());
      const fork = stub.forks.at(-1)!;
      const count = stub.forks.length;
      fork.emit('message', { type: 'engine-ready' });
      fork.emit('message', { type: 'engine-activity', started: { id: 'r1', request: 'import', label: 'evil.py' } });
      // Heartbeats go out and nothing comes back.
      await vi.advanceTimersByTimeAsync(19_000);
      expect(
        fork.received.filter((r) => (r.message as { type?: string }).type === 'engine-heartbeat').length,
      ).toBeGreaterThan(5);
      expect(stub.forks).toHaveLength(count);
      await vi.advanceTimersByTimeAsync(3_000);
      const hung = sentOn('layercanvas:engine-status')
        .filter((s) => (s as { cause?: string }).cause === 'hung')
        .at(-1) as { message: string };
      expect(hung.message).toMatch(
        /^The engine stopped answering for 2\d s while working on 'import' of evil\.py, so it was stopped/,
      );
      expect(stub.forks).toHaveLength(count + 1);
      stub.forks.at(-1)!.emit('message', { type: 'engine-ready' });
      expect(sentOn('layercanvas:engine-status').at(-1)).toEqual({ state: 'ready' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('closing (last: it closes the window)', () => {
  it('titles the window with the document and prompts before closing unsaved work', () => {
    stub.listeners.get('layercanvas:document-state')!(ours(), { title: 'mnist.layercanvas.json', dirty: true });
    expect(win().title).toBe('• mnist.layercanvas.json — LayerCanvas');
    stub.dialogs.messageBoxAnswer = 2; // Cancel
    win().close();
    expect(stub.callsTo('dialog.showMessageBoxSync')).toHaveLength(1);
    expect(win().closed).toBe(false);
    stub.dialogs.messageBoxAnswer = 0; // Save: main asks the renderer to save, then closes when it reports clean
    win().close();
    expect(sentOn('layercanvas:menu-command')).toContain('save');
    expect(win().closed).toBe(false);
    stub.listeners.get('layercanvas:document-state')!(ours(), { title: 'mnist.layercanvas.json', dirty: false });
    expect(win().closed).toBe(true);
  });
});
