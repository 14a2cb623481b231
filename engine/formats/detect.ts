/**
 * Which format a file is in, and reading it. Detection asks the registry (`FORMATS`): each format declares how it
 * recognises its input (types.ts ModelFormat): `matchBytes` for binary files (.keras zips, .h5), `matchJson` for a
 * JSON object (the text is parsed once for all), `match` for other text (Keras Python). Content decides first; the
 * file name only when no format claims the content, by an extension of that kind that one format alone declares.
 * Binary files LayerCanvas can't read are refused with one line saying what they are (binary-files.ts): they are
 * never parsed as Python. Adding a format is its file plus one line here.
 */
import type { FormatError } from '../core/problems';
import type { ModelDocument } from '../graph/document';
import { recognizeBinary } from './binary-files';
import { isObject, parseJson } from './json/parse';
import { kerasFile } from './keras-file';
import { kerasH5 } from './keras-h5';
import { kerasJson } from './keras-json';
import { kerasPython } from './keras-python';
import { project } from './project';
import { tfjs } from './tfjs';
import type { ImportResult, ModelFormat, SideFiles } from './types';
import { weightsJson } from './weights-json';

/** The formats LayerCanvas reads, in the order their content is tried. */
export const FORMATS: readonly ModelFormat[] = [kerasFile, kerasH5, project, tfjs, kerasJson, weightsJson, kerasPython];

const UNDERSTOOD = `LayerCanvas reads ${FORMATS.map((f) => f.title).join(', ')}`;

export type Detection = { ok: true; format: ModelFormat } | { ok: false; error: FormatError };

/**
 * The one format whose extension, of those `candidates` declare, is the longest that `fileName` ends in; none
 * when two formats share it (.json is both TF.js's and Keras JSON's).
 */
function byName(candidates: readonly ModelFormat[], fileName: string | undefined): ModelFormat | undefined {
  const lower = fileName?.toLowerCase() ?? '';
  const claims = candidates.flatMap((format) =>
    format.extensions.filter((ext) => lower.endsWith(ext)).map((ext) => ({ format, length: ext.length })),
  );
  const longest = Math.max(0, ...claims.map((c) => c.length));
  const owners = claims.filter((c) => c.length === longest);
  return owners.length === 1 ? owners[0].format : undefined;
}

export function detectFormat(text: string, fileName?: string): Detection {
  const binary = recognizeBinary(text, fileName);
  if (binary) return { ok: false, error: binary };
  const subject = fileName ? `${fileName} is` : 'this is';
  if (/^\s*[{[]/.test(text)) {
    const parsed = parseJson(text);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const value = parsed.value;
    const jsonFormats = FORMATS.filter((f) => f.matchJson);
    const format =
      (isObject(value) ? jsonFormats.find((f) => f.matchJson?.(value)) : undefined) ?? byName(jsonFormats, fileName);
    if (format) return { ok: true, format };
    return { ok: false, error: { message: `${subject} JSON, but not a model LayerCanvas can read`, hint: UNDERSTOOD } };
  }
  const textFormats = FORMATS.filter((f) => !f.matchJson && !f.matchBytes);
  const format = textFormats.find((f) => f.match(text)) ?? byName(textFormats, fileName);
  if (format) return { ok: true, format };
  return { ok: false, error: { message: `${subject} not a model format LayerCanvas knows`, hint: UNDERSTOOD } };
}

type ReadOutcome = (ImportResult & { ok: false }) | (ImportResult & { ok: true; format: ModelFormat['id'] });

/** Detects and reads; the result names the format it was read as. */
export function readModel(text: string, fileName?: string, side?: SideFiles): ReadOutcome {
  const detected = detectFormat(text, fileName);
  if (!detected.ok) return { ok: false, errors: [detected.error] };
  const result = detected.format.read(text, side);
  if (!result.ok) return result;
  return { ...result, format: detected.format.id };
}

/** The binary format (.keras, .h5) a file's first bytes say it is, if any. */
export const binaryFormatOf = (bytes: Uint8Array, fileName?: string): ModelFormat | undefined =>
  FORMATS.find((f) => f.matchBytes?.(bytes.subarray(0, 64), fileName));

/**
 * The weights in a weights file onto `doc`: a binary weights format (Keras HDF5: .weights.h5 or a whole-model .h5)
 * when the first bytes say so, otherwise the text one (weights JSON), which says what is wrong with anything else.
 */
export async function readWeightsFile(bytes: Uint8Array, doc: ModelDocument, fileName: string): Promise<ImportResult> {
  const readers = FORMATS.filter((f) => f.readWeights);
  const head = bytes.subarray(0, 64);
  const format = readers.find((f) => f.matchBytes?.(head, fileName)) ?? readers.find((f) => !f.matchBytes);
  if (!format?.readWeights) return { ok: false, errors: [{ message: `${fileName} is not a weights file` }] };
  await format.prepare?.();
  return format.readWeights(bytes, doc, fileName);
}

/**
 * Reads a file from its bytes: a binary format (.keras, .h5) when its first bytes say so, otherwise the text as
 * `readModel` does (binary files it can't read still get their one line there).
 */
export async function readModelFile(bytes: Uint8Array, fileName?: string, side?: SideFiles): Promise<ReadOutcome> {
  const binary = binaryFormatOf(bytes, fileName);
  if (binary?.readBytes) {
    const result = await binary.readBytes(bytes, fileName ?? `this ${binary.extensions[0]} file`);
    return result.ok ? { ...result, format: binary.id } : result;
  }
  return readModel(new TextDecoder('utf-8').decode(bytes), fileName, side);
}
