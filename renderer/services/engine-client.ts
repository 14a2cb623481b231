/**
 * A typed proxy over an EnginePort: `request('import', { name, data })` resolves to the result or an error as
 * data. Handles ids, progress events, cancellation (AbortSignal), timeouts, and engine restarts: requests in
 * flight when the engine goes down fail with a clear message, and later ones go to the new engine.
 */
// Before the protocol module defines its zod schemas.
import '../zod-config';
import {
  progressSchema,
  responseSchema,
  type PayloadOf,
  type ProgressMessage,
  type ProtocolError,
  type RequestType,
  type ResultOf,
} from '../../engine/api/protocol';
import type { EnginePort, EngineStatus } from '../../common/host';

export type EngineResult<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export interface RequestOptions {
  onProgress?(progress: Omit<ProgressMessage, 'id' | 'type'>): void;
  signal?: AbortSignal;
  /** Give up (and cancel the engine's work) after this long; defaults depend on the request type. */
  timeoutMs?: number;
  /** Told the request's id as it is sent, so a later request can name it (`stop` ends a `train` by its id). */
  onId?(id: string): void;
}

/** Quick requests answer in milliseconds; file work can take a while on big models. */
const DEFAULT_TIMEOUTS: Partial<Record<RequestType, number>> = {
  ping: 10_000,
  import: 120_000,
};
const FALLBACK_TIMEOUT = 60_000;

interface Pending {
  type: RequestType;
  resolve(result: EngineResult<unknown>): void;
  onProgress?: RequestOptions['onProgress'];
  cleanup(): void;
}

export interface EngineClient {
  request<T extends RequestType>(
    type: T,
    payload: PayloadOf<T>,
    options?: RequestOptions,
  ): Promise<EngineResult<ResultOf<T>>>;
  /** Feed engine status events (from Host.onEngineStatus); a restart fails the requests in flight. */
  handleStatus(status: EngineStatus): void;
  readonly pending: number;
  dispose(): void;
}

export interface EngineClientOptions {
  /** Subscribe to engine status (e.g. `host.onEngineStatus`); the client unsubscribes on dispose. */
  subscribeStatus?(listener: (status: EngineStatus) => void): () => void;
  timeouts?: Partial<Record<RequestType, number>>;
}

export function createEngineClient(port: EnginePort, options: EngineClientOptions = {}): EngineClient {
  const pending = new Map<string, Pending>();
  let counter = 0;
  // Distinguishes this client's ids from another client's on a shared engine, and from a previous page load's.
  const prefix = Math.random().toString(36).slice(2, 8);

  const settle = (id: string, result: EngineResult<unknown>) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    p.cleanup();
    p.resolve(result);
  };

  const unsubscribePort = port.onMessage((message) => {
    const progress = progressSchema.safeParse(message);
    if (progress.success) {
      const { id: _id, type: _type, ...update } = progress.data;
      pending.get(progress.data.id)?.onProgress?.(update);
      return;
    }
    const response = responseSchema.safeParse(message);
    if (!response.success || response.data.id === null) {
      // Not ours to answer (e.g. the engine refusing a message it couldn't parse); surface it for debugging.
      if (response.success)
        console.warn(`Engine: ${response.data.ok ? 'unexpected result' : response.data.error.message}`);
      return;
    }
    const r = response.data;
    settle(r.id!, r.ok ? { ok: true, value: r.result } : { ok: false, error: r.error });
  });

  const client: EngineClient = {
    get pending() {
      return pending.size;
    },

    request(type, payload, opts = {}) {
      return new Promise((resolve) => {
        if (opts.signal?.aborted) {
          resolve({ ok: false, error: { code: 'cancelled', message: 'Cancelled.' } });
          return;
        }
        counter += 1;
        const id = `${prefix}-${counter}`;
        const timeoutMs = opts.timeoutMs ?? options.timeouts?.[type] ?? DEFAULT_TIMEOUTS[type] ?? FALLBACK_TIMEOUT;
        const cancelInEngine = () => port.postMessage({ id: `${id}-cancel`, type: 'cancel', payload: { target: id } });
        const onAbort = () => {
          cancelInEngine();
          settle(id, { ok: false, error: { code: 'cancelled', message: 'Cancelled.' } });
        };
        const timer = setTimeout(() => {
          cancelInEngine();
          settle(id, {
            ok: false,
            error: {
              code: 'timeout',
              message: `The engine didn't answer '${type}' within ${Math.round(timeoutMs / 1000)} s.`,
              hint: 'The model may be very large; try again, or restart LayerCanvas if the engine seems stuck.',
            },
          });
        }, timeoutMs);
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        pending.set(id, {
          type,
          resolve: resolve as (r: EngineResult<unknown>) => void,
          onProgress: opts.onProgress,
          cleanup: () => {
            clearTimeout(timer);
            opts.signal?.removeEventListener('abort', onAbort);
          },
        });
        opts.onId?.(id);
        port.postMessage({ id, type, payload });
      });
    },

    handleStatus(status) {
      if (status.state !== 'restarting' && status.state !== 'failed') return;
      for (const [id, p] of [...pending]) {
        // The watchdog's message already names the request it hung on; others get it added.
        const named = status.message?.includes(`'${p.type}'`);
        settle(id, {
          ok: false,
          error: {
            code: 'engine-restarted',
            message: named
              ? status.message!
              : `The engine stopped while working on '${p.type}'${status.message ? ` (${status.message})` : ''}.`,
            hint:
              status.state === 'failed'
                ? 'Save your work and restart LayerCanvas.'
                : 'Try again; a new engine is starting.',
          },
        });
      }
    },

    dispose() {
      unsubscribeStatus?.();
      unsubscribePort();
      client.handleStatus({ state: 'failed', message: 'the engine client was closed' });
    },
  };

  const unsubscribeStatus = options.subscribeStatus?.((status) => client.handleStatus(status));
  return client;
}
