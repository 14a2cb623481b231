/**
 * Keras Python: reads the model-building code people write and paste (Sequential lists, model.add, functional
 * calls; keras, tf.keras and Keras 2 spellings) and writes Keras 3 (or tf.keras) code that runs as is.
 * The reader lives in ./python: tokenizer → parser (a small located AST) → interpreter → document.
 */
import type { ModelDocument } from '../graph/document';
import { emitPython } from './python/emit';
import { parse } from './python/parser';
import { toDocument } from './python/to-document';
import type { ExportOptions, ImportResult, ModelFormat } from './types';

/** Above this size the text is not model code someone wrote (and reading it would stall the UI). */
const MAX_SOURCE_CHARS = 2_000_000;

export function importKerasPython(text: string): ImportResult {
  if (text.length > MAX_SOURCE_CHARS)
    return {
      ok: false,
      errors: [
        {
          message: `the code is ${text.length.toLocaleString('en-US')} characters long, more than the ${MAX_SOURCE_CHARS.toLocaleString('en-US')} LayerCanvas reads`,
          hint: 'keep only the model definition',
          location: { line: 1, column: 1 },
        },
      ],
    };
  try {
    const parsed = parse(text);
    if (parsed.errors.length) return { ok: false, errors: parsed.errors };
    return toDocument(parsed.module, text);
  } catch (e) {
    // A bug of ours must not take the caller down; report it like any other error.
    return {
      ok: false,
      errors: [
        {
          message: `internal error while reading the code: ${e instanceof Error ? e.message : String(e)}`,
          hint: 'please report this with the code that caused it',
          location: { line: 1, column: 1 },
        },
      ],
    };
  }
}

export function exportKerasPython(doc: ModelDocument, options?: ExportOptions): string {
  try {
    return emitPython(doc, options);
  } catch (e) {
    return `# LayerCanvas could not write this model as Python: ${e instanceof Error ? e.message : String(e)}\n`;
  }
}

/** Model code: an import, or a Sequential / Model / layers.X(…) call, or any `keras.` name. */
const PYTHON =
  /^\s*(import\s+\w|from\s+[\w.]+\s+import\b)|\bSequential\s*\(|\blayers\.\w+\s*\(|\bModel\s*\(|\bkeras\.\w+/m;

export const kerasPython: ModelFormat = {
  id: 'keras-py',
  title: 'Keras Python',
  extensions: ['.py'],
  match(text: string, fileName?: string): boolean {
    if (/^\s*[{[]/.test(text)) return false;
    return PYTHON.test(text) || (fileName?.toLowerCase().endsWith('.py') ?? false);
  },
  read: (text) => importKerasPython(text),
  write: (doc, options) => [{ name: `${options.baseName}.py`, data: exportKerasPython(doc, options) }],
};
