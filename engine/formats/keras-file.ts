/**
 * Keras 3's `.keras` file: a zip of `metadata.json` ({"keras_version", "date_saved"}), `config.json` (the same
 * dict as `model.to_json()`) and `model.weights.h5` (keras-files/keras3-weights.ts). Reading gives the model and
 * its weights; writing gives a file `keras.saving.load_model` loads with those weights (test/interop proves both).
 */
import type { FormatError } from '../core/problems';
import type { ModelDocument } from '../graph/document';
import { loadHdf5 } from './keras-files/hdf5';
import { readKeras3Weights, writeKeras3Weights } from './keras-files/keras3-weights';
import { readZipMembers, writeZip } from './keras-files/zip';
import { KERAS3_VERSION } from './keras-json';
import { readKerasModel, writeKerasModel } from './json/keras-model';
import { isObject, parseJson } from './json/parse';
import type { ImportResult, ModelFormat } from './types';
import { refuseErrors } from './write-refusal';

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';
/** What each member may unpack to: JSON a person could write, weights up to what the engine can hold. */
const LIMITS = { [CONFIG]: 64 * 1024 ** 2, [METADATA]: 1024 ** 2, [WEIGHTS]: 1024 ** 3 };

const FIRST_MEMBERS = [METADATA, CONFIG, WEIGHTS];
/** The name in a zip's first local header (offset 30, its length at 26). */
const firstMember = (head: Uint8Array) =>
  new TextDecoder().decode(head.subarray(30, 30 + (head[26] | (head[27] << 8))));
/** A zip's first bytes: a member's local header, or the end record of an empty zip. */
const isZip = (head: Uint8Array) =>
  head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));

const fail = (message: string, hint?: string): ImportResult => ({
  ok: false,
  errors: [{ message, ...(hint ? { hint } : {}) }],
});

/** Reads the model and its weights; every problem is one located line naming the member it is in. */
export async function readKerasFile(bytes: Uint8Array, fileName = 'model.keras'): Promise<ImportResult> {
  const zip = readZipMembers(bytes, LIMITS);
  if (!zip.ok) return fail(`${fileName}: ${zip.message}`, zip.hint);
  const missing = [CONFIG, WEIGHTS].filter((m) => !zip.names.includes(m));
  if (missing.length) {
    const has = zip.names.length
      ? `it holds ${zip.names.slice(0, 5).join(', ')}${zip.names.length > 5 ? ', …' : ''}`
      : 'it is empty';
    return fail(
      `${fileName} has no ${missing.join(' and no ')}, so it is not a whole .keras model (${has})`,
      'save the model with model.save("model.keras") in Keras 3',
    );
  }
  const warnings: FormatError[] = [];
  const metadata = zip.members.get(METADATA);
  const version = metadata ? keras3Version(new TextDecoder().decode(metadata)) : undefined;
  if (!metadata) warnings.push({ message: `${fileName} has no ${METADATA}; read it as Keras 3`, path: METADATA });
  else if (version && !version.startsWith('3.'))
    warnings.push({
      message: `${fileName} was saved by Keras ${version}; LayerCanvas reads Keras 3's layout`,
      path: METADATA,
    });

  const parsed = parseJson(new TextDecoder().decode(zip.members.get(CONFIG)!));
  if (!parsed.ok) {
    // The line and column are config.json's, not the .keras file's: they go in the path.
    const { location, ...error } = parsed.error;
    return {
      ok: false,
      errors: [{ ...error, path: location ? `${CONFIG}:${location.line}:${location.column}` : CONFIG }],
    };
  }
  const model = readKerasModel(parsed.value, '');
  if (!model.document)
    return { ok: false, errors: model.errors.map((e) => ({ ...e, path: `${CONFIG}${e.path ? `:${e.path}` : ''}` })) };
  warnings.push(...model.warnings);

  await loadHdf5();
  let weights: ReturnType<typeof readKeras3Weights>;
  try {
    weights = readKeras3Weights(zip.members.get(WEIGHTS)!, model.document, WEIGHTS);
  } catch (e) {
    return fail(
      `${fileName}: ${WEIGHTS} is not a readable HDF5 file (${hdf5Reason(e)})`,
      'the file is damaged or truncated; save the model again',
    );
  }
  if (!weights.ok) return weights;
  warnings.push(...weights.warnings);
  return { ok: true, document: { ...model.document, weights: weights.weights }, warnings };
}

function keras3Version(text: string): string | undefined {
  const parsed = parseJson(text);
  return parsed.ok && isObject(parsed.value) && typeof parsed.value.keras_version === 'string'
    ? parsed.value.keras_version
    : undefined;
}

/** HDF5's own error, cut to its first reason: `unable to open file` rather than its whole error stack. */
export function hdf5Reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const reasons = [...text.matchAll(/\bin \w+\(\): ([^\n]+)/g)].map((m) => m[1].trim());
  return (reasons[reasons.length - 1] ?? text.split('\n')[0]).slice(0, 160);
}

/** The `.keras` bytes of a document; weights it doesn't have yet are drawn as Keras would (seeded). */
export function writeKerasFile(doc: ModelDocument): Uint8Array {
  const config = writeKerasModel(doc, 'keras3');
  const metadata = { keras_version: KERAS3_VERSION, date_saved: 'LayerCanvas' };
  const text = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  return writeZip([
    [METADATA, text(metadata)],
    [CONFIG, text(config)],
    [WEIGHTS, writeKeras3Weights(doc)],
  ]);
}

export const kerasFile: ModelFormat = {
  id: 'keras',
  title: 'Keras 3 model file (.keras)',
  extensions: ['.keras'],
  match: () => false,
  read: () => fail('a .keras file is read from its bytes', 'open the file itself, not its text'),
  // A zip whose first member is one of a .keras file's (Keras writes metadata.json first), or named .keras.
  matchBytes: (head, fileName) =>
    isZip(head) && (/\.keras$/i.test(fileName ?? '') || FIRST_MEMBERS.includes(firstMember(head))),
  readBytes: (bytes, fileName) => readKerasFile(bytes, fileName),
  prepare: loadHdf5,
  canWrite: (_doc, inference) => refuseErrors('keras', inference),
  write: (doc, { baseName }) => [{ name: `${baseName}.keras`, data: writeKerasFile(doc) }],
};
