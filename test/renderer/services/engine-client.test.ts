import { afterEach, describe, expect, it, vi } from 'vitest';
import { infer } from '../../../engine/graph/inference';
import { createEngineService, defaultHandlers, type Handlers } from '../../../engine/host/engine-service';
import { yieldToEvents } from '../../../engine/host/handler-context';
import { createEngineClient } from '../../../renderer/services/engine-client';
import type { EnginePort, EngineStatus } from '../../../common/host';

/** A tiny model file, as the page's Open sends it: Dense(3) on 4 features. */
const TINY = {
  name: 'tiny.py',
  data: 'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])\n',
};

/** An EnginePort wired to a real engine service in memory, with structured clone in between like a MessagePort. */
function fakePort(handlers: Handlers = defaultHandlers) {
  const listeners = new Set<(m: unknown) => void>();
  const sent: { id: string; type: string; payload?: unknown }[] = [];
  let engine = createEngineService(
    (m) => queueMicrotask(() => listeners.forEach((l) => l(structuredClone(m)))),
    handlers,
  );
  let alive = true;
  const port: EnginePort = {
    postMessage: (m) => {
      sent.push(m as (typeof sent)[number]);
      if (alive) queueMicrotask(() => engine.handle(structuredClone(m)));
    },
    onMessage: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => {},
  };
  return {
    port,
    sent,
    /** Simulate the engine dying: messages go nowhere until restart(). */
    kill: () => (alive = false),
    restart: () => {
      alive = true;
      engine = createEngineService(
        (m) => queueMicrotask(() => listeners.forEach((l) => l(structuredClone(m)))),
        handlers,
      );
    },
    inject: (m: unknown) => listeners.forEach((l) => l(m)),
  };
}

const slow: Handlers = {
  ...defaultHandlers,
  import: async (_p, ctx) => {
    for (let i = 1; i <= 50; i += 1) {
      if (ctx.signal.aborted) return { error: { code: 'cancelled', message: 'Cancelled.' } };
      ctx.progress({ fraction: i / 50 });
      await yieldToEvents();
    }
    return { ok: false, errors: [] };
  },
};

afterEach(() => vi.useRealTimers());

describe('engine client', () => {
  it('gives each request its own id and matches answers to requests', async () => {
    const { port, sent } = fakePort();
    const client = createEngineClient(port);
    const [a, b] = await Promise.all([client.request('import', TINY), client.request('ping', {})]);
    expect(a).toMatchObject({ ok: true, value: { ok: true } });
    // Dense(3) on 4 features: 4*3 weights + 3 biases.
    expect(a.ok && a.value.ok && infer(a.value.document).totals.total).toBe(15);
    expect(b).toMatchObject({ ok: true, value: { protocol: 1 } });
    expect(new Set(sent.map((m) => m.id)).size).toBe(2);
    expect(client.pending).toBe(0);
  });

  it('turns engine errors into data', async () => {
    const { port } = fakePort();
    const client = createEngineClient(port);
    const r = await client.request('import', { name: 'x.json', data: [1, 2] as never });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/payload\.data/);
  });

  it('delivers progress events to the request that asked, in order', async () => {
    const { port } = fakePort(slow);
    const client = createEngineClient(port);
    const fractions: number[] = [];
    const r = await client.request('import', TINY, { onProgress: (p) => fractions.push(p.fraction!) });
    expect(r.ok).toBe(true);
    expect(fractions).toHaveLength(50);
    expect(fractions).toEqual([...fractions].sort((x, y) => x - y));
    expect(fractions.at(-1)).toBe(1);
  });

  it('an aborted signal resolves at once as cancelled and tells the engine to stop', async () => {
    const { port, sent } = fakePort(slow);
    const client = createEngineClient(port);
    const controller = new AbortController();
    let progressed = 0;
    const pending = client.request('import', TINY, { signal: controller.signal, onProgress: () => (progressed += 1) });
    await vi.waitFor(() => expect(progressed).toBeGreaterThan(2));
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    const target = sent[0].id;
    expect(sent.find((m) => m.type === 'cancel')).toMatchObject({ payload: { target } });
    expect(client.pending).toBe(0);
    // The engine stops early: the service finished that request without running all 50 steps.
    const after = progressed;
    for (let i = 0; i < 10; i += 1) await yieldToEvents();
    expect(progressed).toBe(after);
    expect(progressed).toBeLessThan(50);
  });

  it('times out a request the engine never answers, with the type named', async () => {
    vi.useFakeTimers();
    const { port, kill, sent } = fakePort();
    kill();
    const client = createEngineClient(port);
    const r = client.request('import', TINY, { timeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(5001);
    const out = await r;
    expect(out).toMatchObject({ ok: false, error: { code: 'timeout' } });
    if (!out.ok) expect(out.error.message).toContain("'import' within 5 s");
    expect(sent.some((m) => m.type === 'cancel')).toBe(true);
  });

  it('fails requests in flight when the engine restarts, and new requests work on the new engine', async () => {
    const { port, kill, restart } = fakePort();
    const statusListeners = new Set<(s: EngineStatus) => void>();
    const client = createEngineClient(port, {
      subscribeStatus: (l) => (statusListeners.add(l), () => statusListeners.delete(l)),
    });
    kill();
    const lost = client.request('import', TINY);
    statusListeners.forEach((l) => l({ state: 'restarting', message: 'The engine process stopped (signal SIGKILL)' }));
    const r = await lost;
    expect(r).toMatchObject({ ok: false, error: { code: 'engine-restarted' } });
    if (!r.ok) {
      expect(r.error.message).toContain("'import'");
      expect(r.error.message).toContain('SIGKILL');
    }
    restart();
    statusListeners.forEach((l) => l({ state: 'ready' }));
    expect(await client.request('ping', {})).toMatchObject({ ok: true });
  });

  it("passes the watchdog's message on as it is when it already names the request that hung", async () => {
    const { port, kill } = fakePort();
    const statusListeners = new Set<(s: EngineStatus) => void>();
    const client = createEngineClient(port, {
      subscribeStatus: (l) => (statusListeners.add(l), () => statusListeners.delete(l)),
    });
    kill();
    const lost = client.request('import', { name: 'evil.py', data: 'x' });
    const message =
      "The engine stopped answering for 20 s while working on 'import' of evil.py, so it was stopped; restarting it in 200 ms.";
    statusListeners.forEach((l) => l({ state: 'restarting', cause: 'hung', message }));
    expect(await lost).toEqual({
      ok: false,
      error: { code: 'engine-restarted', message, hint: 'Try again; a new engine is starting.' },
    });
  });

  it('ignores answers for unknown ids and malformed engine messages', async () => {
    const { port, inject } = fakePort();
    const client = createEngineClient(port);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => {
      inject({ id: 'nobody', ok: true, result: 1 });
      inject('garbage');
      inject(null);
      inject({ id: null, ok: false, error: { message: 'Malformed engine request' } });
    }).not.toThrow();
    expect(await client.request('ping', {})).toMatchObject({ ok: true });
    warn.mockRestore();
  });

  it('dispose fails what is pending and stops listening', async () => {
    const { port, kill } = fakePort();
    kill();
    const client = createEngineClient(port);
    const p = client.request('ping', {});
    client.dispose();
    expect(await p).toMatchObject({ ok: false, error: { code: 'engine-restarted' } });
  });
});
