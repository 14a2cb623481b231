import { describe, expect, it } from 'vitest';
import {
  ENGINE_ACTIVITY,
  ENGINE_ALIVE,
  ENGINE_HEARTBEAT,
  ENGINE_READY,
  EngineSupervisor,
  type ChildHandle,
} from '../../../engine/host/supervisor';
import type { EngineStatus } from '../../../common/host';

/** A child process stand-in the test drives by hand: announce ready, crash, receive messages. */
class FakeChild implements ChildHandle {
  static count = 0;
  readonly pid = ++FakeChild.count;
  sent: unknown[] = [];
  killed = false;
  private message?: (m: unknown) => void;
  private exit?: (info: { code: number | null; signal?: string | null }) => void;
  send(m: unknown) {
    this.sent.push(m);
  }
  kill() {
    this.killed = true;
    this.exit?.({ code: null, signal: 'SIGKILL' });
  }
  onMessage(l: (m: unknown) => void) {
    this.message = l;
  }
  onExit(l: (info: { code: number | null; signal?: string | null }) => void) {
    this.exit = l;
  }
  ready() {
    this.message?.({ type: ENGINE_READY });
  }
  emit(m: unknown) {
    this.message?.(m);
  }
  crash(code = 1) {
    this.exit?.({ code, signal: null });
  }
}

function setup(backoffMs = [100, 400, 1600]) {
  const children: FakeChild[] = [];
  const statuses: EngineStatus[] = [];
  const messages: unknown[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  let now = 0;
  const sup = new EngineSupervisor({
    spawn: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    onStatus: (s) => statuses.push(s),
    onMessage: (m) => messages.push(m),
    backoffMs,
    maxCrashes: 3,
    windowMs: 10_000,
    // These tests are about crashes; the watchdog has its own below.
    heartbeatMs: 0,
    now: () => now,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  const runTimer = () => {
    const t = timers.shift()!;
    now += t.ms;
    t.fn();
    return t.ms;
  };
  return { sup, children, statuses, messages, timers, runTimer, advance: (ms: number) => (now += ms) };
}

describe('EngineSupervisor', () => {
  it('is ready only once the engine says so, and holds messages until then', () => {
    const { sup, children, statuses } = setup();
    sup.start();
    expect(statuses.map((s) => s.state)).toEqual(['starting']);
    expect(sup.send('early')).toBe(true);
    expect(children[0].sent).toEqual([]);
    children[0].ready();
    expect(sup.status.state).toBe('ready');
    expect(children[0].sent).toEqual(['early']);
    sup.send('later');
    expect(children[0].sent).toEqual(['early', 'later']);
  });

  it('passes engine messages through, but not the ready announcement', () => {
    const { sup, children, messages } = setup();
    sup.start();
    children[0].ready();
    children[0].emit('{"id":"a","ok":true}');
    expect(messages).toEqual(['{"id":"a","ok":true}']);
  });

  it('restarts a crashed engine after growing delays and reports each step', () => {
    const { sup, children, statuses, runTimer } = setup();
    sup.start();
    children[0].ready();
    children[0].crash(3);
    expect(sup.status).toMatchObject({ state: 'restarting' });
    expect(sup.status.message).toContain('exit code 3');
    expect(runTimer()).toBe(100);
    expect(children).toHaveLength(2);
    children[1].ready();
    expect(sup.status.state).toBe('ready');
    children[1].crash();
    expect(runTimer()).toBe(400);
    children[2].ready();
    expect(statuses.map((s) => s.state)).toEqual([
      'starting',
      'ready',
      'restarting',
      'restarting',
      'ready',
      'restarting',
      'restarting',
      'ready',
    ]);
  });

  it('gives up after too many crashes in the window, and says what to do', () => {
    const { sup, children, runTimer, timers } = setup();
    sup.start();
    for (let i = 0; i < 3; i += 1) {
      children[i].crash();
      runTimer();
    }
    children[3].crash();
    expect(sup.status.state).toBe('failed');
    expect(sup.status.message).toMatch(/4 times in 10 s/);
    expect(sup.status.message).toMatch(/restart LayerCanvas/);
    expect(timers).toHaveLength(0);
    expect(sup.send('x')).toBe(false);
  });

  it('forgets crashes older than the window', () => {
    const { sup, children, runTimer, advance } = setup();
    sup.start();
    for (let i = 0; i < 3; i += 1) {
      children[i].crash();
      runTimer();
      advance(20_000);
    }
    children[3].crash();
    expect(sup.status.state).toBe('restarting');
  });

  it('does not restart an engine it stopped on purpose', () => {
    const { sup, children, timers, statuses } = setup();
    sup.start();
    children[0].ready();
    sup.stop();
    expect(children[0].killed).toBe(true);
    expect(timers).toHaveLength(0);
    expect(statuses.at(-1)?.state).toBe('ready');
  });

  it('restart() replaces a running engine at once, ignoring the old one’s exit', () => {
    const { sup, children, timers } = setup();
    sup.start();
    children[0].ready();
    sup.restart();
    expect(children[0].killed).toBe(true);
    expect(children).toHaveLength(2);
    expect(timers).toHaveLength(0);
    expect(sup.status.state).toBe('restarting');
    children[1].ready();
    expect(sup.pid).toBe(children[1].pid);
  });

  it('treats a spawn that throws as a crash', () => {
    let calls = 0;
    const statuses: EngineStatus[] = [];
    const sup = new EngineSupervisor({
      spawn: () => {
        calls += 1;
        throw new Error('ENOENT utility-main.cjs');
      },
      onStatus: (s) => statuses.push(s),
      setTimer: () => 0,
    });
    sup.start();
    expect(calls).toBe(1);
    expect(statuses.at(-1)).toMatchObject({ state: 'restarting' });
    expect(statuses.at(-1)?.message).toContain('ENOENT utility-main.cjs');
  });
});

/** Timers the test fires by hand, in due order, with clearTimer honoured. */
function watchdogSetup(options: { hangMs?: number; cancelGraceMs?: number } = {}) {
  const children: FakeChild[] = [];
  const statuses: EngineStatus[] = [];
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { fn: () => void; due: number }>();
  const sup = new EngineSupervisor({
    spawn: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    onStatus: (s) => statuses.push(s),
    backoffMs: [100],
    heartbeatMs: 1000,
    hangMs: options.hangMs ?? 5000,
    cancelGraceMs: options.cancelGraceMs ?? 2000,
    now: () => now,
    setTimer: (fn, ms) => {
      nextId += 1;
      timers.set(nextId, { fn, due: now + ms });
      return nextId;
    },
    clearTimer: (h) => timers.delete(h as number),
  });
  /** Move the clock forward, firing every timer that falls due on the way. */
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = [...timers].filter(([, t]) => t.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
      if (!next) break;
      timers.delete(next[0]);
      now = next[1].due;
      next[1].fn();
    }
    now = end;
  };
  const heartbeats = (c: FakeChild) =>
    c.sent.filter((m) => (m as { type?: string }).type === ENGINE_HEARTBEAT) as { seq: number }[];
  const answer = (c: FakeChild) => {
    for (const hb of heartbeats(c).splice(0)) c.emit({ type: ENGINE_ALIVE, seq: hb.seq });
    c.sent = c.sent.filter((m) => (m as { type?: string }).type !== ENGINE_HEARTBEAT);
  };
  return { sup, children, statuses, advance, heartbeats, answer };
}

describe('EngineSupervisor watchdog', () => {
  it('keeps an engine that answers its heartbeats, however long it works', () => {
    const { sup, children, advance, heartbeats, answer } = watchdogSetup();
    sup.start();
    children[0].ready();
    for (let i = 0; i < 30; i += 1) {
      advance(1000);
      expect(heartbeats(children[0])).toHaveLength(1);
      answer(children[0]);
    }
    expect(children).toHaveLength(1);
    expect(children[0].killed).toBe(false);
    expect(sup.status.state).toBe('ready');
  });

  it('kills an engine that stops answering, restarts it, and names the request it hung on', () => {
    const { sup, children, statuses, advance } = watchdogSetup();
    sup.start();
    children[0].ready();
    children[0].emit({ type: ENGINE_ACTIVITY, started: { id: 'p1', request: 'ping' } });
    children[0].emit({ type: ENGINE_ACTIVITY, finished: 'p1' });
    children[0].emit({ type: ENGINE_ACTIVITY, started: { id: 'a-7', request: 'import', label: 'evil.py' } });
    // Silent from here on: a loop that never yields.
    advance(4000);
    expect(children[0].killed).toBe(false);
    advance(1000);
    expect(children[0].killed).toBe(true);
    const hung = statuses.at(-1)!;
    expect(hung).toMatchObject({ state: 'restarting', cause: 'hung' });
    expect(hung.message).toMatch(
      /^The engine stopped answering for 5 s while working on 'import' of evil\.py, so it was stopped; restarting it/,
    );
    advance(100);
    expect(children).toHaveLength(2);
    children[1].ready();
    expect(sup.status.state).toBe('ready');
    expect(sup.requests).toEqual([]);
  });

  it('counts any message as a sign of life, not only heartbeat answers', () => {
    const { sup, children, advance } = watchdogSetup();
    sup.start();
    children[0].ready();
    for (let i = 0; i < 10; i += 1) {
      advance(1000);
      children[0].emit('{"id":"t","type":"progress","fraction":0.5}');
    }
    expect(children[0].killed).toBe(false);
  });

  it('restarts an engine that is still on a request after its cancel, and says so', () => {
    const { sup, children, statuses, advance, answer } = watchdogSetup({ hangMs: 60_000, cancelGraceMs: 2000 });
    sup.start();
    children[0].ready();
    children[0].emit({ type: ENGINE_ACTIVITY, started: { id: 'r9', request: 'train' } });
    sup.noteCancel('r9');
    advance(1000);
    answer(children[0]);
    expect(children[0].killed).toBe(false);
    advance(1000);
    expect(children[0].killed).toBe(true);
    expect(statuses.at(-1)?.message).toMatch(
      /^The engine did not stop 'train' within 2 s of its cancel, so it was stopped/,
    );
  });

  it('leaves an engine that ends the cancelled request in time', () => {
    const { sup, children, advance } = watchdogSetup({ hangMs: 60_000, cancelGraceMs: 2000 });
    sup.start();
    children[0].ready();
    children[0].emit({ type: ENGINE_ACTIVITY, started: { id: 'r9', request: 'train' } });
    sup.noteCancel('r9');
    advance(500);
    children[0].emit({ type: ENGINE_ACTIVITY, finished: 'r9' });
    advance(3000);
    expect(children[0].killed).toBe(false);
    // A cancel for a request the engine isn't running arms nothing.
    sup.noteCancel('never-started');
    advance(3000);
    expect(children[0].killed).toBe(false);
  });

  it('restart() names what the engine was working on', () => {
    const { sup, children, statuses } = watchdogSetup();
    sup.start();
    children[0].ready();
    children[0].emit({ type: ENGINE_ACTIVITY, started: { id: 'x', request: 'dataset-import', label: 'big.csv' } });
    sup.restart();
    expect(statuses.at(-1)).toMatchObject({ state: 'restarting', cause: 'requested' });
    expect(statuses.at(-1)?.message).toBe(
      "The engine was restarted on request. It was working on 'dataset-import' of big.csv, which was cancelled.",
    );
  });

  it("names the request a crashed engine was working on, and doesn't pass its notes on", () => {
    const messages: unknown[] = [];
    const statuses: EngineStatus[] = [];
    const child = new FakeChild();
    const sup = new EngineSupervisor({
      spawn: () => child,
      onStatus: (s) => statuses.push(s),
      onMessage: (m) => messages.push(m),
      heartbeatMs: 0,
      setTimer: () => 0,
    });
    sup.start();
    child.ready();
    child.emit({ type: ENGINE_ACTIVITY, started: { id: 'q', request: 'train' } });
    child.emit({ type: ENGINE_ALIVE, seq: 1 });
    child.crash(137);
    expect(messages).toEqual([]);
    expect(statuses.at(-1)?.message).toMatch(/^The engine process stopped \(exit code 137\) while working on 'train'/);
  });
});
