import { describe, expect, it } from 'vitest';
import { createEngineService, defaultHandlers, type Handlers } from '../../../engine/host/engine-service';
import { yieldToEvents } from '../../../engine/host/handler-context';
import type { EngineMessage } from '../../../engine/api/protocol';

function harness(handlers?: Handlers) {
  const out: EngineMessage[] = [];
  const service = createEngineService((m) => out.push(m), handlers);
  const reply = async (id: string | null, timeout = 2000) => {
    const t0 = Date.now();
    for (;;) {
      const m = out.find((x) => x.id === id && !('type' in x && x.type === 'progress'));
      if (m) return m as Extract<EngineMessage, { ok: boolean }>;
      if (Date.now() - t0 > timeout) throw new Error(`no reply for ${id}`);
      await yieldToEvents();
    }
  };
  return { out, service, reply };
}

describe('engine service: malformed messages get error responses', () => {
  const cases: [string, unknown, string | null, RegExp][] = [
    ['null', null, null, /Malformed engine request: request: /],
    ['a bare string', 'ping', null, /Malformed/],
    ['no id', { type: 'ping', payload: {} }, null, /request\.id/],
    ['a numeric id', { id: 7, type: 'ping' }, null, /request\.id/],
    ['an unknown type', { id: 'u1', type: 'frobnicate' }, 'u1', /Unknown engine request type 'frobnicate'/],
    [
      'a type named after an Object method',
      { id: 'u2', type: 'constructor' },
      'u2',
      /Unknown engine request type 'constructor'/,
    ],
    ['a __proto__ type', { id: 'u3', type: '__proto__' }, 'u3', /Unknown engine request type '__proto__'/],
    [
      'a document without nodes',
      { id: 'b1', type: 'predict', payload: { document: { name: 'x', edges: [] } } },
      'b1',
      /payload\.document\.nodes/,
    ],
    [
      'a node id of the wrong type',
      {
        id: 'b2',
        type: 'predict',
        payload: { document: { name: 'x', nodes: [{ id: 3, className: 'Dense', config: {} }], edges: [] } },
      },
      'b2',
      /payload\.document\.nodes\[0\]\.id/,
    ],
    [
      'an unknown built-in dataset',
      { id: 'b3', type: 'samples', payload: { dataset: 'imagenet', offset: 0, count: 1 } },
      'b3',
      /payload\.dataset/,
    ],
    [
      'import bytes that are a plain array',
      { id: 'b4', type: 'import', payload: { name: 'm.json', data: [1, 2] } },
      'b4',
      /payload\.data/,
    ],
  ];
  for (const [what, message, id, pattern] of cases) {
    it(`${what}`, async () => {
      const { service, reply } = harness();
      expect(() => service.handle(message)).not.toThrow();
      const r = await reply(id);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(pattern);
    });
  }

  it('keeps working after malformed messages', async () => {
    const { service, reply } = harness();
    service.handle(undefined);
    service.handle({ id: {}, type: [] });
    service.handle({ id: 'p', type: 'ping' });
    expect(await reply('p')).toMatchObject({ ok: true, result: { protocol: 1 } });
  });
});

describe('engine service: request types', () => {
  it('a result the transport cannot carry becomes an error answer', async () => {
    const out: EngineMessage[] = [];
    const service = createEngineService(
      (m) => {
        structuredClone(m); // throws DataCloneError for a function, as a MessagePort would
        out.push(m);
      },
      { ...defaultHandlers, ping: () => ({ pid: 1, protocol: 1, oops: () => 1 }) as never },
    );
    service.handle({ id: 'f', type: 'ping' });
    for (let i = 0; i < 10 && out.length === 0; i += 1) await yieldToEvents();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'f', ok: false, error: { code: 'internal' } });
    expect((out[0] as { error: { message: string } }).error.message).toMatch(/could not send its answer/);
  });

  it('a handler that throws becomes an internal error response', async () => {
    const { service, reply } = harness({
      ...defaultHandlers,
      ping: () => {
        throw new Error('boom');
      },
    });
    service.handle({ id: 'x', type: 'ping' });
    const r = await reply('x');
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!r.ok) expect(r.error.message).toContain("'ping': boom");
  });
});

describe('engine service: progress and cancel', () => {
  const slow: Handlers = {
    ...defaultHandlers,
    // Stands in for a long computation (the real ones: import of a big file, train).
    import: async (_payload, ctx) => {
      for (let step = 1; step <= 1000; step += 1) {
        if (ctx.signal.aborted) return { error: { code: 'cancelled', message: 'Cancelled.' } };
        ctx.progress({ fraction: step / 1000, message: `step ${step}` });
        await yieldToEvents();
      }
      return { ok: false, errors: [] };
    },
  };

  it('posts progress events with the request id, and a cancel stops the request with one cancelled answer', async () => {
    const { service, reply, out } = harness(slow);
    service.handle({ id: 'long', type: 'import', payload: { name: 'big.py', data: 'x = 1' } });
    await yieldToEvents();
    await yieldToEvents();
    service.handle({ id: 'c', type: 'cancel', payload: { target: 'long' } });
    expect(await reply('c')).toMatchObject({ ok: true, result: { cancelled: true } });
    expect(await reply('long')).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    const progress = out.filter((m) => 'type' in m && m.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((m) => m.id === 'long')).toBe(true);
    const countAfterCancel = out.length;
    for (let i = 0; i < 20; i += 1) await yieldToEvents();
    // Nothing more about 'long': no late result, no progress.
    expect(out.slice(countAfterCancel).filter((m) => m.id === 'long')).toEqual([]);
    expect(out.filter((m) => m.id === 'long' && 'ok' in m)).toHaveLength(1);
    expect(service.inFlight).toBe(0);
  });

  it('cancelling an unknown or finished request says so without an error', async () => {
    const { service, reply } = harness();
    service.handle({ id: 'c', type: 'cancel', payload: { target: 'nothing' } });
    expect(await reply('c')).toMatchObject({ ok: true, result: { cancelled: false } });
  });

  it('refuses a second request with the id of one still running', async () => {
    const { service, out } = harness(slow);
    service.handle({ id: 'same', type: 'import', payload: { name: 'big.py', data: 'x = 1' } });
    service.handle({ id: 'same', type: 'import', payload: { name: 'big.py', data: 'x = 1' } });
    await yieldToEvents();
    expect(out.some((m) => m.id === 'same' && 'ok' in m && !m.ok && m.error.code === 'duplicate-id')).toBe(true);
    service.handle({ id: 'c', type: 'cancel', payload: { target: 'same' } });
  });
});
