/**
 * Import and export over the protocol. The format modules are loaded on first use: the Python parser and the
 * TF.js writer are big, and validate/summary (the hot path while editing) shouldn't wait for them.
 */
import type { FormatError } from '../core/problems';
import type { SideFiles } from '../formats/types';
import type { HandlerContext, HandlerOutcome } from './handler-context';
import { CANCELLED, yieldToEvents } from './handler-context';
import type { ExportResult, ImportOutcome, ParsedPayloadOf } from '../api/protocol';

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

export async function exportDocument(
  payload: ParsedPayloadOf<'export'>,
  ctx: HandlerContext,
): Promise<HandlerOutcome<ExportResult>> {
  ctx.progress({ fraction: 0.1, message: `Writing ${payload.format}` });
  const { exportModel } = await import('../formats/export');
  const out = await exportModel(payload.document, payload.format, { flavor: payload.flavor });
  if (!out.ok) return { error: { code: out.code, message: out.message, hint: out.hint } };
  const [main, ...beside] = out.files;
  const body = typeof main.data === 'string' ? { text: main.data } : { text: '', bytes: main.data };
  if (beside.length === 0) return { fileName: main.name, ...body };
  return { fileName: main.name, ...body, files: Object.fromEntries(beside.map((f) => [f.name, f.data as Uint8Array])) };
}

export type { FormatError };
