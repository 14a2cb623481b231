/**
 * Writing a document in any format: the one export the CLI, the engine host and the editor share. Each format
 * says whether it can write the document (formats that need a model that builds refuse one with errors) and
 * which files it writes.
 */
import type { ModelDocument } from '../graph/document';
import { infer } from '../graph/inference';
import { kerasFile } from './keras-file';
import { kerasH5 } from './keras-h5';
import { kerasJson } from './keras-json';
import { kerasPython } from './keras-python';
import { onnx } from './onnx';
import { project } from './project';
import { tfjs } from './tfjs';
import type { ExportedFile, ExportOptions, ModelFormat, WriteRefusal } from './types';
import { weightsJson } from './weights-json';

/** The formats LayerCanvas writes, by the id the CLI's --format, the protocol and the menus use. */
export const EXPORT_FORMATS = [
  'keras-py',
  'keras-json',
  'keras',
  'h5',
  'project',
  'tfjs',
  'weights-json',
  'onnx',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const WRITERS: Record<ExportFormat, ModelFormat> = {
  'keras-py': kerasPython,
  'keras-json': kerasJson,
  keras: kerasFile,
  h5: kerasH5,
  project,
  tfjs,
  'weights-json': weightsJson,
  onnx,
};

export type ExportOutcome = { ok: true; files: ExportedFile[] } | ({ ok: false } & WriteRefusal);

/** A file name from the model's name: `my model` → `my_model`. */
export const exportBaseName = (doc: ModelDocument): string => (doc.name || 'model').replace(/[^\w.-]+/g, '_');

/** Async because some writers load WebAssembly first (the .keras writer's HDF5). */
export async function exportModel(
  doc: ModelDocument,
  format: ExportFormat,
  options: ExportOptions & { baseName?: string } = {},
): Promise<ExportOutcome> {
  const writer = WRITERS[format];
  await writer.prepare?.();
  const refusal = writer.canWrite?.(doc, infer(doc)) ?? null;
  if (refusal) return { ok: false, ...refusal };
  const files = writer.write?.(doc, { ...options, baseName: options.baseName ?? exportBaseName(doc) }) ?? [];
  return { ok: true, files };
}
