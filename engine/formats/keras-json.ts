/**
 * Keras model JSON: what `model.to_json()` writes, in tf.keras 2's form or Keras 3's. Reads both; writes Keras 3's
 * (the default) or tf.keras 2's, each as that Keras writes it; test/interop loads both in real Keras.
 */
import type { ModelDocument } from '../graph/document';
import { infer } from '../graph/inference';
import { readKerasModel, writeKerasModel } from './json/keras-model';
import { type JsonObject, matchJsonText, parseJson } from './json/parse';
import type { ExportOptions, ImportResult, ModelFormat } from './types';
import { refuseErrors } from './write-refusal';

/** The Keras releases whose `to_json()` layouts the export mirrors (tf.keras 2 names its version in the file). */
export const KERAS3_VERSION = '3.15.1';
export const TF_KERAS2_VERSION = '2.15.0';

export function readKerasJson(text: string): ImportResult {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const read = readKerasModel(parsed.value, '');
  if (!read.document) return { ok: false, errors: read.errors };
  return { ok: true, document: read.document, warnings: read.warnings };
}

export function writeKerasJson(doc: ModelDocument, flavor: ExportOptions['flavor'] = 'keras3'): string {
  const inference = infer(doc);
  const keras3 = flavor !== 'tf.keras';
  const model = writeKerasModel(doc, keras3 ? 'keras3' : 'keras2', inference);
  // Keras 3's to_json() is the serialized model alone (an uncompiled one has compile_config {}); tf.keras 2's
  // names the Keras version and backend beside it.
  if (keras3) return JSON.stringify({ ...model, compile_config: {} }, null, 2);
  return JSON.stringify({ ...model, keras_version: TF_KERAS2_VERSION, backend: 'tensorflow' }, null, 2);
}

/** model.to_json(): a `class_name` with its `config` (the reader says what is wrong with either). */
const isKerasModel = (value: JsonObject): boolean => typeof value.class_name === 'string' && 'config' in value;

export const kerasJson: ModelFormat = {
  id: 'keras-json',
  title: 'Keras model JSON (model.to_json())',
  extensions: ['.json'],
  match: matchJsonText(isKerasModel),
  matchJson: isKerasModel,
  read: (text) => readKerasJson(text),
  canWrite: (_doc, inference) => refuseErrors('keras-json', inference),
  write: (doc, { baseName, flavor }) => [{ name: `${baseName}.json`, data: writeKerasJson(doc, flavor) }],
};
