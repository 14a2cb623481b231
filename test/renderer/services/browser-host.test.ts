/**
 * The browser host with stand-ins for the page's globals (window, document, localStorage, WebSocket): the engine
 * socket (queueing, status events from the server, typed arrays across JSON, reconnecting), the title and
 * unsaved-changes prompt, and recent files.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeWire, encodeWire } from '../../../engine/api/wire';
import { acceptOf, createBrowserHost, filesToHostFile } from '../../../renderer/services/browser-host';
import type { EngineStatus } from '../../../common/host';

class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  closedWith: [number | undefined, string | undefined] | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(text);
  }
  close(code?: number, reason?: string) {
    this.readyState = 3;
    this.closedWith = [code, reason];
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(data: unknown) {
    this.onmessage?.({ data });
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function fakeWindow() {
  const events = new EventEmitter();
  const storage = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => storage.set(k, v),
  });
  vi.stubGlobal('WebSocket', FakeSocket);
  const win = {
    location: { protocol: 'http:', host: '127.0.0.1:5917', hash: '#token=launch-token_1' },
    document: { title: '' },
    addEventListener: (type: string, fn: (e: unknown) => void) => events.on(type, fn),
  };
  return { win: win as unknown as Window, events, storage };
}

beforeEach(() => {
  FakeSocket.all = [];
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('browser host: engine socket', () => {
  it('connects to /engine on the page’s own host and holds messages until the socket opens', async () => {
    const { win } = fakeWindow();
    const port = await createBrowserHost(win).connectEngine();
    const socket = FakeSocket.all[0];
    // The launch token from the page's fragment, and this page load's own id.
    expect(socket.url).toMatch(/^ws:\/\/127\.0\.0\.1:5917\/engine\?token=launch-token_1&page=[0-9a-f]{24}$/);
    port.postMessage({ id: 'a', type: 'ping' });
    expect(socket.sent).toEqual([]);
    socket.open();
    expect(socket.sent.map((t) => JSON.parse(t))).toEqual([{ id: 'a', type: 'ping' }]);
    port.postMessage({ id: 'b', type: 'ping' });
    expect(socket.sent).toHaveLength(2);
  });

  it('keeps typed arrays intact both ways', async () => {
    const { win } = fakeWindow();
    const port = await createBrowserHost(win).connectEngine();
    const socket = FakeSocket.all[0];
    socket.open();
    port.postMessage({ id: 'i', type: 'import', payload: { name: 'w.bin', data: new Uint8Array([0, 200, 7]) } });
    const sent = decodeWire(socket.sent[0]) as { payload: { data: Uint8Array } };
    expect([...sent.payload.data]).toEqual([0, 200, 7]);
    const got: unknown[] = [];
    port.onMessage((m) => got.push(m));
    socket.receive(encodeWire({ id: 'i', ok: true, result: { w: new Float32Array([1.5, -2]) } }));
    expect((got[0] as { result: { w: Float32Array } }).result.w).toEqual(new Float32Array([1.5, -2]));
  });

  it('routes the server’s engine-status events to onEngineStatus, not to the engine port', async () => {
    const { win } = fakeWindow();
    const host = createBrowserHost(win);
    const statuses: EngineStatus[] = [];
    host.onEngineStatus((s) => statuses.push(s));
    const port = await host.connectEngine();
    const messages: unknown[] = [];
    port.onMessage((m) => messages.push(m));
    const socket = FakeSocket.all[0];
    socket.open();
    socket.receive(JSON.stringify({ type: 'engine-status', status: { state: 'ready' } }));
    socket.receive(JSON.stringify({ id: 'x', ok: true, result: 1 }));
    socket.receive('{not json');
    expect(statuses).toEqual([{ state: 'ready' }]);
    expect(messages).toEqual([{ id: 'x', ok: true, result: 1 }]);
  });

  it('reconnects after the server connection drops, telling the page, with the same port object', async () => {
    vi.useFakeTimers();
    const { win } = fakeWindow();
    const host = createBrowserHost(win);
    const statuses: EngineStatus[] = [];
    host.onEngineStatus((s) => statuses.push(s));
    const port = await host.connectEngine();
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop();
    expect(statuses.at(-1)?.state).toBe('restarting');
    expect(statuses.at(-1)?.message).toMatch(/Lost the connection to the LayerCanvas server/);
    port.postMessage({ id: 'later', type: 'ping' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1].open();
    expect(FakeSocket.all[1].sent.map((t) => JSON.parse(t).id)).toEqual(['later']);
    expect(await host.connectEngine()).toBe(port);
    // The same page load keeps its id across reconnects, so the server gives it back its engine.
    expect(new URL(FakeSocket.all[1].url).searchParams.get('page')).toBe(
      new URL(FakeSocket.all[0].url).searchParams.get('page'),
    );
  });

  it('says why the server refused the page (too many pages) instead of a lost connection', async () => {
    vi.useFakeTimers();
    const { win } = fakeWindow();
    const host = createBrowserHost(win);
    const statuses: EngineStatus[] = [];
    host.onEngineStatus((s) => statuses.push(s));
    await host.connectEngine();
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop(4429, 'LayerCanvas runs at most 4 pages at once');
    expect(statuses.at(-1)).toMatchObject({ state: 'failed' });
    expect(statuses.at(-1)?.message).toMatch(/^LayerCanvas runs at most 4 pages at once; retrying in/);
  });

  it('asks the server to restart its engine, and lets it go at once when the page unloads', async () => {
    const { win, events } = fakeWindow();
    const host = createBrowserHost(win);
    await host.connectEngine();
    const socket = FakeSocket.all[0];
    socket.open();
    host.restartEngine();
    expect(socket.sent.map((t) => JSON.parse(t))).toEqual([{ type: 'restart-engine' }]);
    events.emit('pagehide', {});
    expect(socket.closedWith).toEqual([4001, 'page unloaded']);
    // Gone for good: no reconnect after the close the page asked for.
    socket.drop(4001, 'page unloaded');
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe('browser host: document state and recent files', () => {
  it('titles the page and prompts before unload only while dirty', () => {
    const { win, events } = fakeWindow();
    const host = createBrowserHost(win);
    const unload = () => {
      const e = {
        prevented: false,
        returnValue: undefined as unknown,
        preventDefault() {
          this.prevented = true;
        },
      };
      events.emit('beforeunload', e);
      return e.prevented;
    };
    host.setDocumentState({ title: 'mnist.layercanvas.json', dirty: true });
    expect(win.document.title).toBe('• mnist.layercanvas.json — LayerCanvas');
    expect(unload()).toBe(true);
    host.setDocumentState({ title: 'mnist.layercanvas.json', dirty: false });
    expect(win.document.title).toBe('mnist.layercanvas.json — LayerCanvas');
    expect(unload()).toBe(false);
  });

  it('reads recent files from localStorage, ignoring junk', async () => {
    const { win, storage } = fakeWindow();
    storage.set('layercanvas.recentFiles', JSON.stringify(['a.py', 3, 'b.json']));
    expect(await createBrowserHost(win).recentFiles()).toEqual(['a.py', 'b.json']);
    storage.set('layercanvas.recentFiles', '{broken');
    expect(await createBrowserHost(win).recentFiles()).toEqual([]);
  });
});

describe('browser host: picked files', () => {
  it('takes the model file as the main file and its .bin shards as siblings, by name', async () => {
    const file = await filesToHostFile([
      new File([new Uint8Array([1, 2])], 'group1-shard1of1.bin'),
      new File(['{"format": "layers-model"}'], 'model.json'),
    ]);
    expect(file?.name).toBe('model.json');
    expect(new TextDecoder().decode(file!.data)).toBe('{"format": "layers-model"}');
    expect(Object.keys(file!.siblings!)).toEqual(['group1-shard1of1.bin']);
    expect([...file!.siblings!['group1-shard1of1.bin']]).toEqual([1, 2]);
    expect(await filesToHostFile([])).toBeNull();
  });

  it('lets the picker select .bin shards with .json models, and anything for "All files"', () => {
    expect(acceptOf([{ name: 'Models', extensions: ['json', 'py'] }])).toBe('.json,.py,.bin');
    expect(acceptOf([{ name: 'Python', extensions: ['py'] }])).toBe('.py');
    expect(acceptOf([{ name: 'All files', extensions: ['*'] }])).toBe('');
    expect(acceptOf(undefined)).toBe('');
  });
});
