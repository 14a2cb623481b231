/** What the Python import tests look at: a fixture's text, the document, errors as an editor lists them, names. */
import { readFileSync } from 'node:fs';
import { importKerasPython } from '../../../engine/formats/keras-python';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';

export const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/python/${name}`, import.meta.url), 'utf8');

export function imported(code: string): ModelDocument {
  const r = importKerasPython(code);
  if (!r.ok)
    throw new Error(
      `expected the code to import, got: ${r.errors.map((e) => `${e.location?.line}:${e.location?.column} ${e.message}`).join('; ')}`,
    );
  return r.document;
}

/** Errors as `line:column message`, the way an editor lists them. */
export function errors(code: string): string[] {
  const r = importKerasPython(code);
  if (r.ok) throw new Error('expected errors, but the code imported');
  return r.errors.map((e) => `${e.location?.line}:${e.location?.column} ${e.message}`);
}

/** Each node's effective layer name (Keras's automatic one where the code gave none). */
export function names(doc: ModelDocument): string[] {
  const inf = infer(doc);
  return doc.nodes.map((n) => inf.nodes.get(n.id)!.name);
}
