/**
 * Which format a file is in, by its content first (the name only when the content can't tell), and reading it.
 * JSON: a `formatVersion` → project; `format: "layers-model"` or a `modelTopology` → TF.js; `class_name` + `config`
 * → Keras JSON; layer → {weight: {shape, data}} → weights JSON. Otherwise Keras Python when it reads like Python.
 * Binary files (.keras zips, .h5, protobuf) are recognised by their first bytes before any of that and refused
 * with one line saying what they are (binary-files.ts): they are never parsed as Python.
 */
import type { FormatError } from '../core/problems';
import { recognizeBinary } from './binary-files';
import { kerasFile } from './keras-file';
import { kerasH5 } from './keras-h5';
import { kerasJson } from './keras-json';
import { kerasPython } from './keras-python';
import { isObject, parseJson } from './json/parse';
import { project, PROJECT_EXTENSION } from './project';
import { tfjs } from './tfjs';
import type { ImportResult, ModelFormat, SideFiles } from './types';
import { weightsJson } from './weights-json';

export const FORMATS: readonly ModelFormat[] = [project, tfjs, kerasJson, weightsJson, kerasPython];
/** Formats told by their first bytes and read from bytes (.keras, .h5): tried before any text is decoded. */
export const BINARY_FORMATS: readonly ModelFormat[] = [kerasFile, kerasH5];

const UNDERSTOOD =
  'LayerCanvas projects (.layercanvas.json), Keras files (.keras, .h5), Keras model JSON (model.to_json()), TF.js Layers models (model.json with its .bin weights), and Keras Python code (.py)';

export type Detection = { ok: true; format: ModelFormat } | { ok: false; error: FormatError };

const PYTHON =
  /^\s*(import\s+\w|from\s+[\w.]+\s+import\b)|\bSequential\s*\(|\blayers\.\w+\s*\(|\bModel\s*\(|\bkeras\.\w+/m;

export function detectFormat(text: string, fileName?: string): Detection {
  const binary = recognizeBinary(text, fileName);
  if (binary) return { ok: false, error: binary };
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    const parsed = parseJson(text);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const v = parsed.value;
    if (isObject(v)) {
      if ('formatVersion' in v || (fileName?.endsWith(PROJECT_EXTENSION) ?? false))
        return { ok: true, format: project };
      if (v.format === 'layers-model' || 'modelTopology' in v) return { ok: true, format: tfjs };
      if (typeof v.class_name === 'string' && 'config' in v) return { ok: true, format: kerasJson };
      if (weightsJson.match(text, fileName)) return { ok: true, format: weightsJson };
    }
    return {
      ok: false,
      error: {
        message: `${fileName ? `${fileName} is` : 'this is'} JSON, but not a model LayerCanvas can read`,
        hint: `LayerCanvas reads ${UNDERSTOOD}`,
      },
    };
  }
  if (PYTHON.test(text) || fileName?.toLowerCase().endsWith('.py')) return { ok: true, format: kerasPython };
  return {
    ok: false,
    error: {
      message: `${fileName ? `${fileName} is` : 'this is'} not a model format LayerCanvas knows`,
      hint: `LayerCanvas reads ${UNDERSTOOD}`,
    },
  };
}

/** Detects and reads; the result names the format it was read as. */
export function readModel(
  text: string,
  fileName?: string,
  side?: SideFiles,
): (ImportResult & { ok: false }) | (ImportResult & { ok: true; format: ModelFormat['id'] }) {
  const detected = detectFormat(text, fileName);
  if (!detected.ok) return { ok: false, errors: [detected.error] };
  const result = detected.format.read(text, side);
  if (!result.ok) return result;
  return { ...result, format: detected.format.id };
}

type ReadOutcome = (ImportResult & { ok: false }) | (ImportResult & { ok: true; format: ModelFormat['id'] });

/**
 * Reads a file from its bytes: a binary format (.keras, .h5) when its first bytes say so, otherwise the text as
 * `readModel` does (binary files it can't read still get their one line there).
 */
export async function readModelFile(bytes: Uint8Array, fileName?: string, side?: SideFiles): Promise<ReadOutcome> {
  const head = bytes.subarray(0, 64);
  const binary = BINARY_FORMATS.find((f) => f.matchBytes?.(head, fileName));
  if (binary?.readBytes) {
    const result = await binary.readBytes(bytes, fileName ?? `this ${binary.extensions[0]} file`);
    return result.ok ? { ...result, format: binary.id } : result;
  }
  return readModel(new TextDecoder('utf-8').decode(bytes), fileName, side);
}
