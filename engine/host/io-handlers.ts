/**
 * Import over the protocol: the renderer's Open and drop of a model file. The format modules are loaded on
 * first use: the Python parser and the HDF5 reader are big, and the engine's start shouldn't wait for them.
 */
import type { FormatError } from '../core/problems';
import type { SideFiles } from '../formats/types';
import type { HandlerContext, HandlerOutcome } from './handler-context';
import { CANCELLED, yieldToEvents } from './handler-context';
import type { ImportOutcome, ParsedPayloadOf } from '../api/protocol';

function sideFiles(siblings: Record<string, Uint8Array> | undefined): SideFiles | undefined {
  if (!siblings) return undefined;
  return {
    // model.json names shards by relative path; a browser hands us bare file names, so fall back to the last part.
    read: (relativePath) => siblings[relativePath] ?? siblings[relativePath.split(/[\\/]/).pop() ?? relativePath],
  };
}

export async function importFile(
  payload: ParsedPayloadOf<'import'>,
  ctx: HandlerContext,
): Promise<HandlerOutcome<ImportOutcome>> {
  ctx.progress({ fraction: 0.1, message: `Reading ${payload.name}` });
  const { readModel, readModelFile } = await import('../formats/detect');
  await yieldToEvents();
  if (ctx.signal.aborted) return { error: CANCELLED };
  const side = sideFiles(payload.siblings);
  // Bytes may be a binary model (.keras, .h5); text is read as text.
  const result =
    typeof payload.data === 'string'
      ? readModel(payload.data, payload.name, side)
      : await readModelFile(payload.data, payload.name, side);
  ctx.progress({ fraction: 1, message: `Read ${payload.name}` });
  if (!result.ok) return { ok: false, errors: result.errors };
  return { ok: true, document: result.document, format: result.format, warnings: result.warnings };
}

export type { FormatError };
