/**
 * The supervisor both hosts use, with a real engine process: the Node child `layercanvas serve` forks. (Electron's
 * utilityProcess needs the Electron binary; the supervisor logic is the same.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { forkNodeEngine } from '../../cli/serve';
import { EngineSupervisor, type EngineStatus } from '../../engine/host/supervisor';
import { decodeWire, encodeWire } from '../../engine/api/wire';

let sup: EngineSupervisor | null = null;
afterEach(() => sup?.stop());

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
});
