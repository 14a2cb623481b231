/**
 * The engine's side of the protocol: checks each incoming message, runs its handler, and posts exactly one
 * response per request (plus progress events). Transport-free: node-main.ts and utility-main.ts wire `handle` and
 * `post` to their process's ports.
 */
import { CANCELLED, type HandlerContext, type HandlerOutcome } from './handler-context';
import { importFile } from './io-handlers';
import { stopTraining } from './stop-flags';
import {
  PROTOCOL_VERSION,
  REQUEST_TYPES,
  REQUESTS,
  describeIssues,
  requestEnvelope,
  type EngineMessage,
  type ParsedPayloadOf,
  type ProtocolError,
  type RequestType,
  type ResultOf,
} from '../api/protocol';
import { ENGINE_ACTIVITY, type ActivityNote } from './supervisor';

export type Handler<T extends RequestType> = (
  payload: ParsedPayloadOf<T>,
  ctx: HandlerContext,
  requestId: string,
) => HandlerOutcome<ResultOf<T>> | Promise<HandlerOutcome<ResultOf<T>>>;

export type Handlers = { [K in Exclude<RequestType, 'cancel'>]: Handler<K> };

export const defaultHandlers: Handlers = {
  ping: () => ({ pid: typeof process !== 'undefined' ? process.pid : null, protocol: PROTOCOL_VERSION }),

  kernels: async () => (await import('./kernels')).kernelsReport(),

  import: (payload, ctx) => importFile(payload, ctx),

  train: async (payload, ctx, id) => (await import('./train-handlers')).trainHandler(payload, ctx, id),

  stop: ({ target }) => ({ stopping: stopTraining(target) }),

  'reestimate-bn': async (payload) => (await import('./train-handlers')).reestimateBnHandler(payload),

  predict: async (payload) => (await import('./train-handlers')).predictHandler(payload),

  samples: async (payload) => (await import('./data-handlers')).samplesHandler(payload),

  'dataset-import': async (payload, ctx) => (await import('./data-handlers')).datasetImportHandler(payload, ctx),

  'dataset-import-folder': async (payload, ctx) => (await import('./folder-handler')).folderImportHandler(payload, ctx),
};

function isError(value: unknown): value is { error: ProtocolError } {
  return typeof value === 'object' && value !== null && 'error' in value && Object.keys(value).length === 1;
}

export interface EngineService {
  /** Feed one incoming message (already decoded from the transport). */
  handle(raw: unknown): void;
  /** Requests still running. */
  readonly inFlight: number;
}

/** What a request is about, for the watchdog's "hung while working on 'import' of evil.py": a file's name. */
function labelOf(payload: unknown): string | undefined {
  const name = typeof payload === 'object' && payload !== null ? (payload as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.length > 0 ? name.slice(0, 200) : undefined;
}

/**
 * `note` (optional) tells the host process each request's start and answer (supervisor.ts), so a watchdog that
 * finds the engine hung can say which request hung it.
 */
export function createEngineService(
  send: (message: EngineMessage) => void,
  handlers: Handlers = defaultHandlers,
  note: (activity: ActivityNote) => void = () => {},
): EngineService {
  const running = new Map<string, AbortController>();

  // A result the transport can't carry (not cloneable, too big) becomes an error answer, never a crash.
  const post = (message: EngineMessage) => {
    try {
      send(message);
    } catch (err) {
      if (!('ok' in message) || !message.ok) return;
      try {
        send({
          id: message.id,
          ok: false,
          error: {
            code: 'internal',
            message: `The engine could not send its answer: ${(err as Error)?.message ?? String(err)}.`,
          },
        });
      } catch {
        // The transport itself is gone; nobody is listening.
      }
    }
  };

  const fail = (id: string | null, error: ProtocolError) => post({ id, ok: false, error });

  async function run(id: string, type: Exclude<RequestType, 'cancel'>, payload: unknown): Promise<void> {
    const controller = new AbortController();
    running.set(id, controller);
    const label = labelOf(payload);
    note({ type: ENGINE_ACTIVITY, started: label ? { id, request: type, label } : { id, request: type } });
    const ctx: HandlerContext = {
      signal: controller.signal,
      progress: (update) => {
        if (!controller.signal.aborted) post({ ...update, id, type: 'progress' });
      },
    };
    let outcome: unknown;
    try {
      outcome = await (handlers[type] as Handler<typeof type>)(payload as never, ctx, id);
    } catch (err) {
      // A handler bug must not take the engine down: report it as data with enough to file an issue.
      const e = err as Error;
      outcome = {
        error: {
          code: 'internal',
          message: `The engine failed while handling '${type}': ${e?.message ?? String(err)}`,
          hint: 'This is a bug in LayerCanvas; please report it with the model that caused it.',
        },
      };
    }
    // A cancelled request has already been answered.
    if (controller.signal.aborted) return;
    running.delete(id);
    if (isError(outcome)) fail(id, outcome.error);
    else post({ id, ok: true, result: outcome });
    note({ type: ENGINE_ACTIVITY, finished: id });
  }

  return {
    get inFlight() {
      return running.size;
    },
    handle(raw) {
      const envelope = requestEnvelope.safeParse(raw);
      if (!envelope.success) {
        const id =
          typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
            ? (raw as { id: string }).id
            : null;
        fail(id, {
          code: 'bad-request',
          message: `Malformed engine request: ${describeIssues(envelope.error, 'request')}.`,
          hint: 'A request is { id: string, type: string, payload }.',
        });
        return;
      }
      const { id, type } = envelope.data;
      if (!Object.hasOwn(REQUESTS, type)) {
        fail(id, {
          code: 'unknown-type',
          message: `Unknown engine request type '${type}'.`,
          hint: `Known types: ${REQUEST_TYPES.join(', ')}.`,
        });
        return;
      }
      const known = type as RequestType;
      const payload = REQUESTS[known].payload.safeParse(envelope.data.payload);
      if (!payload.success) {
        fail(id, {
          code: 'bad-request',
          message: `Bad '${known}' request: ${describeIssues(payload.error, 'payload')}.`,
        });
        return;
      }
      if (known === 'cancel') {
        const { target } = payload.data as { target: string };
        const controller = running.get(target);
        if (controller) {
          controller.abort();
          running.delete(target);
          fail(target, CANCELLED);
          note({ type: ENGINE_ACTIVITY, finished: target });
        }
        post({ id, ok: true, result: { cancelled: Boolean(controller) } });
        return;
      }
      if (running.has(id)) {
        fail(id, {
          code: 'duplicate-id',
          message: `A request with id '${id}' is already running.`,
          hint: 'Give every request in flight its own id.',
        });
        return;
      }
      void run(id, known, payload.data);
    },
  };
}
