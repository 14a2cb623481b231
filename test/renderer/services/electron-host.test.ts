/**
 * The desktop host over a stand-in preload bridge and window: the engine port arrives as a window message (as the
 * real preload posts it), is swapped for a fresh one after an engine restart, and messages sent in between wait.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort as NodePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINE_PORT_MESSAGE, type LayerCanvasBridge } from '../../../common/bridge';
import { createElectronHost } from '../../../renderer/services/electron-host';
import type { EngineStatus } from '../../../common/host';

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function setup() {
  const events = new EventEmitter();
  const win = {
    addEventListener: (type: string, fn: (e: unknown) => void) => events.on(type, fn),
  } as unknown as Window;
  const statusListeners = new Set<(s: EngineStatus) => void>();
  let portRequests = 0;
  const cancelled: string[] = [];
  const bridge = {
    version: 1,
    requestEnginePort: () => (portRequests += 1),
    engineCancelled: (id: string) => cancelled.push(id),
    onEngineStatus: (l: (s: EngineStatus) => void) => (statusListeners.add(l), () => statusListeners.delete(l)),
    onOpenFile: () => () => {},
  } as unknown as LayerCanvasBridge;
  const host = createElectronHost(bridge, win);
  /** Main sends a new port: the engine keeps port2, the page gets port1 through a window message. */
  const deliverPort = (source: unknown = win) => {
    const channel = new MessageChannel();
    channels.push(channel);
    const engineSide: unknown[] = [];
    channel.port2.on('message', (m) => engineSide.push(m));
    events.emit('message', { source, data: { channel: ENGINE_PORT_MESSAGE }, ports: [channel.port1] });
    return { engineSide, engine: channel.port2 as NodePort };
  };
  const status = (s: EngineStatus) => statusListeners.forEach((l) => l(s));
  return { host, deliverPort, status, requests: () => portRequests, cancelled };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('electron host', () => {
  it('asks main for an engine port once, and holds messages until it arrives', async () => {
    const { host, deliverPort, requests } = setup();
    const port = await host.connectEngine();
    expect(await host.connectEngine()).toBe(port);
    expect(requests()).toBe(1);
    port.postMessage({ id: 'early', type: 'ping' });
    const { engineSide } = deliverPort();
    await settle();
    expect(engineSide).toEqual([{ id: 'early', type: 'ping' }]);
  });

  it('tells main of each cancel it sends the engine, so a hung engine still lets go (cancel always works)', async () => {
    const { host, deliverPort, cancelled } = setup();
    const port = await host.connectEngine();
    const { engineSide } = deliverPort();
    port.postMessage({ id: 'r1', type: 'train', payload: {} });
    port.postMessage({ id: 'r1-cancel', type: 'cancel', payload: { target: 'r1' } });
    await settle();
    expect(cancelled).toEqual(['r1']);
    expect(engineSide).toHaveLength(2);
  });

  it('delivers the engine’s answers to onMessage', async () => {
    const { host, deliverPort } = setup();
    const port = await host.connectEngine();
    const got: unknown[] = [];
    port.onMessage((m) => got.push(m));
    const { engine } = deliverPort();
    engine.postMessage({ id: 'a', ok: true, result: { w: new Float32Array([2, 3]) } });
    await settle();
    expect(got).toEqual([{ id: 'a', ok: true, result: { w: new Float32Array([2, 3]) } }]);
  });

  it('after a restart, holds new messages until the fresh port, and sends them to the new engine only', async () => {
    const { host, deliverPort, status } = setup();
    const port = await host.connectEngine();
    const first = deliverPort();
    status({ state: 'restarting', message: 'The engine process stopped (exit code 1)' });
    port.postMessage({ id: 'between', type: 'ping' });
    const second = deliverPort();
    await settle();
    expect(first.engineSide).toEqual([]);
    expect(second.engineSide).toEqual([{ id: 'between', type: 'ping' }]);
  });

  it('ignores port messages that did not come from this window', async () => {
    const { host, deliverPort } = setup();
    const port = await host.connectEngine();
    const stranger = deliverPort({ not: 'this window' });
    port.postMessage({ id: 'x', type: 'ping' });
    await settle();
    expect(stranger.engineSide).toEqual([]);
  });
});

describe('electron host: theme', () => {
  it("passes the page's theme choice to the preload bridge, for the window's native parts", () => {
    const sent: string[] = [];
    const bridge = {
      version: 1,
      onOpenFile: () => () => {},
      onEngineStatus: () => () => {},
      setTheme: (t: string) => sent.push(t),
    } as unknown as LayerCanvasBridge;
    const host = createElectronHost(bridge, { addEventListener: () => {} } as unknown as Window);
    host.setTheme?.('dark');
    host.setTheme?.('system');
    expect(sent).toEqual(['dark', 'system']);
  });
});
