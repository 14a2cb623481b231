/**
 * Binary files met as text: told apart by their first bytes, before anything tries to read them as text, so a
 * `.keras` zip or an `.h5` file gets one line saying what it is and what to do instead of a hundred Python syntax
 * errors. Hosts hand .keras and .h5 files over as bytes (detect.ts readModelFile reads them); text has lost them. Hosts hand the engine text decoded as UTF-8, where a byte that is not UTF-8
 * (HDF5's leading 0x89) reads as U+FFFD; the magic numbers are matched in that form, and in Latin-1's.
 */
import type { FormatError } from '../core/problems';

/** One kind of binary file: whether the head of a file is one, and the line that says what it is and what to do. */
interface BinaryKind {
  match(head: string, lowerName: string): boolean;
  describe(name: string, head: string): FormatError;
}

/** .keras and .h5 files read from their bytes: what to do when one arrives as text. */
const AS_FILE =
  'open the file itself (File ▸ Open…, drop it on the window, or give its path to the CLI): its bytes are needed';

/** The ASCII names of the members of a zip, as its local file headers spell them near the start. */
const zipMembers = (head: string): string[] => head.match(/[\w./-]+\.(?:json|h5)/g) ?? [];

const ZIP: BinaryKind = {
  match: (head) => head.startsWith('PK\u0003\u0004'),
  describe(name, head) {
    const members = zipMembers(head);
    if (name.toLowerCase().endsWith('.keras') || members.includes('metadata.json') || members.includes('config.json'))
      return {
        message: `${name} is a Keras 3 .keras file (a zip), which LayerCanvas reads from its bytes, not as text`,
        hint: AS_FILE,
      };
    return {
      message: `${name} is a zip archive, not a model file`,
      hint: 'unzip it and open the model inside: a .layercanvas.json project, Keras JSON, a TF.js model.json or a .py file',
    };
  },
};

const HDF5: BinaryKind = {
  match: (head) => (head[0] === '\uFFFD' || head[0] === '\u0089') && head.slice(1, 8) === 'HDF\r\n\u001a\n',
  describe(name) {
    if (name.toLowerCase().endsWith('.weights.h5'))
      return {
        message: `${name} is a Keras weights file (HDF5) without the model`,
        hint: 'open the model first, then load these weights onto it (Export ▸ Load weights…, or --weights in the CLI)',
      };
    return {
      message: `${name} is an HDF5 file (Keras .h5), which LayerCanvas reads from its bytes, not as text`,
      hint: AS_FILE,
    };
  },
};

const TFLITE: BinaryKind = {
  match: (head, lowerName) => head.slice(4, 8) === 'TFL3' || lowerName.endsWith('.tflite'),
  describe: (name) => ({
    message: `${name} is a TensorFlow Lite model; LayerCanvas can't read .tflite files`,
    hint: 'open the Keras model it was converted from: in Python, save model.to_json() and open that',
  }),
};

/** Protobuf has no magic number: these go by name, once the content has shown itself binary. */
const PROTOBUF: BinaryKind = {
  match: (head, lowerName) => /\.(pb|onnx|pbtxt)$/.test(lowerName) && isBinary(head),
  describe(name) {
    const lower = name.toLowerCase();
    if (lower.endsWith('saved_model.pb'))
      return {
        message: `${name} is part of a TensorFlow SavedModel folder (protobuf); LayerCanvas can't read SavedModels`,
        hint: 'in Python, load the model and save model.to_json() to a .json file, or save it as .keras',
      };
    if (lower.endsWith('.onnx'))
      return {
        message: `${name} is an ONNX model (protobuf); LayerCanvas can't import ONNX`,
        hint: 'open the Keras model it came from: its Keras JSON (model.to_json()) or .py',
      };
    return {
      message: `${name} is a TensorFlow graph (protobuf); LayerCanvas can't read .pb files`,
      hint: 'open the Keras model it came from: its Keras JSON (model.to_json()) or .py',
    };
  },
};

const KINDS: readonly BinaryKind[] = [ZIP, HDF5, TFLITE, PROTOBUF];

/**
 * Whether text holds bytes no text file has: NUL, or other control characters that are not whitespace, or many
 * undecodable bytes (U+FFFD) in its first kilobyte.
 */
export function isBinary(text: string): boolean {
  const head = text.slice(0, 1024);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for.
  if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(head)) return true;
  const replaced = head.match(/\uFFFD/g)?.length ?? 0;
  return replaced > 8 && replaced > head.length / 20;
}

/**
 * The one-line error for a binary file LayerCanvas can't read, or null when the text is not binary. `fileName`
 * names it in the message (`this file` without one).
 */
export function recognizeBinary(text: string, fileName?: string): FormatError | null {
  const head = text.slice(0, 1024);
  const name = fileName ?? 'this file';
  const lowerName = (fileName ?? '').toLowerCase();
  for (const kind of KINDS) if (kind.match(head, lowerName)) return kind.describe(name, head);
  if (!isBinary(text)) return null;
  return {
    message: `${name} is a binary file, not a model format LayerCanvas knows`,
    hint: 'LayerCanvas reads projects (.layercanvas.json), Keras files (.keras, .h5), Keras JSON (model.to_json()), TF.js model.json and Keras .py',
  };
}

/**
 * A folder given where a model file was expected: a SavedModel (it holds saved_model.pb) or a TF.js model folder
 * gets a line saying what to open instead; other folders get null (the caller says a file is needed).
 */
export function recognizeFolder(folderName: string, entries: readonly string[]): FormatError | null {
  if (entries.includes('saved_model.pb'))
    return {
      message: `${folderName} is a TensorFlow SavedModel folder; LayerCanvas can't read SavedModels`,
      hint: 'in Python, export model.to_json() to a .json file, or save the model as .keras',
    };
  if (entries.includes('model.json'))
    return { message: `${folderName} is a folder`, hint: `open the model.json inside it (${folderName}/model.json)` };
  return null;
}
