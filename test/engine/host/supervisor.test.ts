import { describe, expect, it } from 'vitest';
import { ENGINE_READY, EngineSupervisor, type ChildHandle } from '../../../engine/host/supervisor';
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
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'ready', 'restarting', 'restarting', 'ready', 'restarting', 'restarting', 'ready']);
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
