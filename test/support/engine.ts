/**
 * The engine service in this process, for tests that check what a client gets from the real handlers without a
 * child process: as a bare request function, or as the EnginePort a renderer-side client talks through.
 */
import { createEngineService, defaultHandlers } from '../../engine/host/engine-service';
import type { EngineMessage } from '../../engine/api/protocol';
import type { EnginePort } from '../../common/host';

/** `request(type, payload)` resolves to the engine's final answer (a result or an error message). */
export function inProcessEngine() {
  const waiters = new Map<string, (m: EngineMessage) => void>();
  const service = createEngineService((m) => {
    if ('ok' in m && m.id) waiters.get(m.id)?.(m);
  });
  let n = 0;
  return (type: string, payload: unknown) =>
    new Promise<EngineMessage & { ok: boolean }>((resolve) => {
      const id = `r${++n}`;
      waiters.set(id, resolve as (m: EngineMessage) => void);
      service.handle({ id, type, payload });
    });
}

/** A port to the engine service with structured-clone messages delivered asynchronously, as a MessagePort does. */
export function memoryEnginePort(): EnginePort {
  const listeners = new Set<(m: unknown) => void>();
  const engine = createEngineService(
    (m) => queueMicrotask(() => listeners.forEach((l) => l(structuredClone(m)))),
    defaultHandlers,
  );
  return {
    postMessage: (m) => queueMicrotask(() => engine.handle(structuredClone(m))),
    onMessage: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => {},
  };
}
