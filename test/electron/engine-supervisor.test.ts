/**
 * The supervisor both hosts use, with a real engine process: the Node child `layercanvas serve` forks. (Electron's
 * utilityProcess needs the Electron binary; the supervisor logic is the same.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { forkNodeEngine } from '../../cli/serve';
import { EngineSupervisor, type EngineStatus } from '../../engine/host/supervisor';
import { decodeWire, encodeWire } from '../../engine/api/wire';
import { until } from '../support/until';

let sup: EngineSupervisor | null = null;
afterEach(() => sup?.stop());

describe('engine supervisor with a real child process', () => {
  it('restarts a killed engine, reports each step, and the new engine answers', async () => {
    const statuses: EngineStatus[] = [];
    const answers: { id: string; result: { pid: number } }[] = [];
    sup = new EngineSupervisor({
      spawn: forkNodeEngine,
      onStatus: (s) => statuses.push(s),
      onMessage: (m) => answers.push(decodeWire(m as string) as (typeof answers)[number]),
      backoffMs: [50],
    });
    sup.start();
    await until('ready', () => (sup!.status.state === 'ready' ? true : undefined));
    sup.send(encodeWire({ id: 'one', type: 'ping' }));
    const first = await until('first ping', () => answers.find((a) => a.id === 'one'));
    expect(first.result.pid).toBe(sup.pid);

    process.kill(first.result.pid, 'SIGKILL');
    await until('restarting', () => statuses.find((s) => s.state === 'restarting'));
    // Sent while the engine is down: held, then delivered to the new engine.
    sup.send(encodeWire({ id: 'two', type: 'ping' }));
    const second = await until('second ping', () => answers.find((a) => a.id === 'two'));
    expect(second.result.pid).not.toBe(first.result.pid);
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'ready', 'restarting', 'restarting', 'ready']);
    expect(statuses[2].message).toMatch(/The engine process stopped \(signal SIGKILL\)/);
  });

  it('stop() ends the child and does not restart it', async () => {
    const statuses: EngineStatus[] = [];
    sup = new EngineSupervisor({ spawn: forkNodeEngine, onStatus: (s) => statuses.push(s) });
    sup.start();
    await until('ready', () => (sup!.status.state === 'ready' ? true : undefined));
    const pid = sup.pid!;
    sup.stop();
    await until('child gone', () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'ready']);
  });

  it('kills and restarts an engine that stops answering (SIGSTOP)', async () => {
    const statuses: EngineStatus[] = [];
    const answers: { id: string; ok: boolean; result?: { pid: number }; error?: { code: string } }[] = [];
    sup = new EngineSupervisor({
      spawn: forkNodeEngine,
      onStatus: (s) => statuses.push(s),
      onMessage: (m) => answers.push(decodeWire(m as string) as (typeof answers)[number]),
      backoffMs: [50],
      heartbeatMs: 200,
      hangMs: 1500,
    });
    sup.start();
    await until('ready', () => (sup!.status.state === 'ready' ? true : undefined));
    const pid = sup.pid!;
    // A real engine, really silent: stopped by the kernel, not by any hook in our code.
    process.kill(pid, 'SIGSTOP');
    sup.send(encodeWire({ id: 'stuck', type: 'import', payload: { name: 'model.py', data: 'import keras' } }));
    const hung = await until('hung', () => statuses.find((s) => s.cause === 'hung'));
    expect(hung.message).toMatch(/^The engine stopped answering for \d+(\.\d)? s, so it was stopped; restarting it/);
    await until('ready again', () => (sup!.status.state === 'ready' && sup!.pid !== pid ? true : undefined));
    await until('old engine gone', () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    sup.send(encodeWire({ id: 'after', type: 'ping' }));
    const after = await until('ping after', () => answers.find((a) => a.id === 'after'));
    expect(after.result!.pid).toBe(sup.pid);
  });

  it('never stays hung on the Python case that used to pin it at 100% CPU (a=[0]*100000 … c == c)', async () => {
    const statuses: EngineStatus[] = [];
    const answers: { id: string; ok: boolean; result?: unknown; error?: { code: string; message: string } }[] = [];
    sup = new EngineSupervisor({
      spawn: forkNodeEngine,
      onStatus: (s) => statuses.push(s),
      onMessage: (m) => answers.push(decodeWire(m as string) as (typeof answers)[number]),
      backoffMs: [50],
      heartbeatMs: 250,
      hangMs: 3000,
    });
    sup.start();
    await until('ready', () => (sup!.status.state === 'ready' ? true : undefined));
    const source = 'import keras\na=[0]*100000\nb=[a]*100000\nc=[b]*100000\nd = c == c\n';
    sup.send(encodeWire({ id: 'evil', type: 'import', payload: { name: 'evil.py', data: source } }));
    // Either the interpreter's own budget refuses it (an answer), or the watchdog ends the engine (a status).
    const outcome = await until(
      'an outcome',
      () => answers.find((a) => a.id === 'evil' && 'ok' in a) ?? statuses.find((s) => s.cause === 'hung'),
    );
    if ('state' in outcome)
      expect(outcome.message).toMatch(/stopped answering .* while working on 'import' of evil\.py/);
    else
      expect(outcome, JSON.stringify(outcome)).toSatisfy(
        (a: (typeof answers)[number]) => !a.ok || (a.result as { ok?: boolean }).ok === false,
      );
    await until('ready', () => (sup!.status.state === 'ready' ? true : undefined));
    sup.send(encodeWire({ id: 'after', type: 'ping' }));
    await until('ping after', () => answers.find((a) => a.id === 'after'));
  });
});
