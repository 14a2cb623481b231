/**
 * The Electron utility-process entry, driven through stand-ins for Electron's parentPort and MessagePortMain
 * (Node's MessageChannel underneath, so messages are really structured-cloned).
 */
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';

/** Electron's MessagePortMain: Node-style events whose payload is `{ data, ports }`. */
function portMain(port: MessagePort) {
  const emitter = new EventEmitter();
  port.on('message', (data) => emitter.emit('message', { data, ports: [] }));
  return {
    on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
    postMessage: (m: unknown) => port.postMessage(m),
    start: () => {},
  };
}

const parent = new EventEmitter();
const toMain: unknown[] = [];
(process as unknown as { parentPort: unknown }).parentPort = {
  on: (event: string, listener: (...args: unknown[]) => void) => parent.on(event, listener),
  postMessage: (m: unknown) => toMain.push(m),
};
const channels: MessageChannel[] = [];

afterAll(() => {
  delete (process as unknown as { parentPort?: unknown }).parentPort;
  for (const c of channels) {
    c.port1.close();
    c.port2.close();
  }
});

function connect() {
  const channel = new MessageChannel();
  channels.push(channel);
  parent.emit('message', { data: { type: 'connect' }, ports: [portMain(channel.port1)] });
  const received: { id: string; ok: boolean; result?: Record<string, unknown> }[] = [];
  channel.port2.on('message', (m) => received.push(m));
  return { port: channel.port2, received };
}

async function until<T>(get: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i += 1) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
}

describe('utility-process engine entry', () => {
  it('announces itself ready to main', async () => {
    await import('../../../engine/host/utility-main');
    expect(toMain).toEqual([{ type: 'engine-ready' }]);
  });

  it('serves the protocol on each port main hands it, with typed arrays intact', async () => {
    const a = connect();
    const b = connect();
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [4] } },
      { className: 'Dense', config: { units: 3 } },
    ]);
    a.port.postMessage({
      id: 'a1',
      type: 'predict',
      payload: { document: doc, input: { shape: [2, 4], data: new Float32Array(8) } },
    });
    b.port.postMessage({
      id: 'b1',
      type: 'import',
      payload: { name: 'x.json', data: new TextEncoder().encode('{"not": "a model"}') },
    });
    const va = await until(() => a.received.find((m) => m.id === 'a1'));
    expect(va).toMatchObject({ ok: true, result: { output: { shape: [2, 3] } } });
    expect((va as unknown as { result: { output: { data: unknown } } }).result.output.data).toBeInstanceOf(
      Float32Array,
    );
    const vb = await until(() => b.received.find((m) => m.id === 'b1'));
    expect(vb.id).toBe('b1');
    expect(a.received.some((m) => m.id === 'b1')).toBe(false);
  });

  it('ignores parent messages that are not a connect with a port', () => {
    expect(() => {
      parent.emit('message', { data: { type: 'connect' }, ports: [] });
      parent.emit('message', { data: 'hello', ports: [] });
    }).not.toThrow();
  });
});
