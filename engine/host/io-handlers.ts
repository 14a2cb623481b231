/**
 * Import and export over the protocol. The format modules are loaded on first use: the Python parser and the
 * TF.js writer are big, and validate/summary (the hot path while editing) shouldn't wait for them.
 */
import type { FormatError } from '../core/problems';
import type { ModelDocument } from '../graph/document';
import { infer } from '../graph/inference';
import type { SideFiles } from '../formats/types';
import type { HandlerContext, HandlerOutcome } from './handler-context';
import { CANCELLED, yieldToEvents } from './handler-context';
import type { ExportResult, ImportOutcome, ParsedPayloadOf } from '../api/protocol';

const decoder = new TextDecoder('utf-8');

function sideFiles(siblings: Record<string, Uint8Array> | undefined): SideFiles | undefined {
  if (!siblings) return undefined;
  return {
    // model.json names shards by relative path; a browser hands us bare file names, so fall back to the last part.
    read: (relativePath) => siblings[relativePath] ?? siblings[relativePath.split(/[\\/]/).pop() ?? relativePath],
  };
}

export async function importFile(payload: ParsedPayloadOf<'import'>, ctx: HandlerContext): Promise<HandlerOutcome<ImportOutcome>> {
  const text = typeof payload.data === 'string' ? payload.data : decoder.decode(payload.data);
  ctx.progress({ fraction: 0.1, message: `Reading ${payload.name}` });
  const { readModel } = await import('../formats/detect');
  await yieldToEvents();
  if (ctx.signal.aborted) return { error: CANCELLED };
  const result = readModel(text, payload.name, sideFiles(payload.siblings));
  ctx.progress({ fraction: 1, message: `Read ${payload.name}` });
  if (!result.ok) return { ok: false, errors: result.errors };
  return { ok: true, document: result.document, format: result.format, warnings: result.warnings };
}

const baseName = (doc: ModelDocument) => (doc.name || 'model').replace(/[^\w.-]+/g, '_');

export async function exportDocument(payload: ParsedPayloadOf<'export'>, ctx: HandlerContext): Promise<HandlerOutcome<ExportResult>> {
  const doc = payload.document;
  const inference = infer(doc);
  // Keras code and projects can carry a model that doesn't build yet (the user fixes it later); the others can't.
  if (inference.errorCount > 0 && payload.format !== 'keras-py' && payload.format !== 'project') {
    const first = inference.problems.find((p) => p.severity === 'error');
    return {
      error: {
        code: 'invalid-model',
        message: `The model has ${inference.errorCount} error(s), so it can't be exported as ${payload.format}${first ? `: ${first.message}` : ''}.`,
        hint: first?.hint ?? 'Fix the errors shown on the canvas first.',
      },
    };
  }
  ctx.progress({ fraction: 0.1, message: `Writing ${payload.format}` });
  const name = baseName(doc);
  switch (payload.format) {
    case 'keras-py': {
      const { exportKerasPython } = await import('../formats/keras-python');
      return { fileName: `${name}.py`, text: exportKerasPython(doc, { flavor: payload.flavor }) };
    }
    case 'keras-json': {
      const { kerasJson } = await import('../formats/keras-json');
      return { fileName: `${name}.json`, text: kerasJson.write!(doc) };
    }
    case 'project': {
      const { project } = await import('../formats/project');
      return { fileName: `${name}.layercanvas.json`, text: project.write!(doc) };
    }
    case 'weights-json': {
      const { weightsJson } = await import('../formats/weights-json');
      return { fileName: `${name}.weights.json`, text: weightsJson.write!(doc) };
    }
    case 'tfjs': {
      const { exportTfjs } = await import('../formats/tfjs');
      const out = exportTfjs(doc);
      return { fileName: 'model.json', text: out.modelJson, files: out.files };
    }
  }
}

export type { FormatError };
