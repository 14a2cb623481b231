/**
 * What every request handler is given and may return. Apart from engine-service.ts so the handlers it
 * dispatches to don't import it back (which made a cycle).
 */
import type { ProgressMessage, ProtocolError } from '../api/protocol';

export interface HandlerContext {
  signal: AbortSignal;
  progress(update: Omit<ProgressMessage, 'id' | 'type'>): void;
}

/** What a handler may return: a result, or an error as data (never thrown across the boundary). */
export type HandlerOutcome<T> = T | { error: ProtocolError };

/** Yield to the event loop so a cancel message queued behind a long request gets read. */
export const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export const CANCELLED: ProtocolError = { code: 'cancelled', message: 'Cancelled.' };
