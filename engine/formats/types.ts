/**
 * One file per format (keras-python.ts, keras-json.ts, tfjs.ts, project.ts, …), each exporting a `ModelFormat`:
 * how to recognise its text, how to read it into a document, and (where it can) how to write one.
 * Reading never throws: a bad file gives located errors, and nothing is half-loaded.
 */
import type { FormatError } from '../core/problems';
import type { ModelDocument } from '../graph/document';
import type { Inference } from '../graph/inference';
import type { JsonObject } from './json/parse';

export type ImportResult =
  | { ok: true; document: ModelDocument; warnings: FormatError[] }
  | { ok: false; errors: FormatError[] };

/** Files beside the one being read (TF.js weight shards), by the relative path the model file names. */
/** A side file's bytes, undefined when it is missing, or why the host refused to read it (outside the folder…). */
export type SideFileRead = Uint8Array | { refused: string } | undefined;

export interface SideFiles {
  read(relativePath: string): SideFileRead;
}

export interface ExportOptions {
  /** Keras flavour of Python and JSON: Keras 3 (`import keras`, the default) or `tf.keras` (tf.keras 2's to_json()). */
  flavor?: 'keras3' | 'tf.keras';
  /**
   * Keras Python only: the file name of the weights JSON saved beside the code. The code then ends by loading the
   * document's weights from it into each layer (python/weights-loader.ts).
   */
  weightsFile?: string;
}

/** One file an export writes: its name, and its text or bytes. */
export interface ExportedFile {
  name: string;
  data: string | Uint8Array;
}

/** Why a format will not write a document, to show the user as it is. */
export interface WriteRefusal {
  code: 'invalid-model' | 'no-weights';
  message: string;
  hint: string;
}

export interface WriteOptions extends ExportOptions {
  /** The main file's name without its extension (`model` → `model.py`). */
  baseName: string;
}

export interface ModelFormat {
  id: 'keras-py' | 'keras-json' | 'tfjs' | 'project' | 'weights-json' | 'keras' | 'keras-h5' | 'onnx';
  title: string;
  /** File name endings, e.g. `.py`. */
  extensions: readonly string[];
  /**
   * How detect.ts recognises this format, content first: `matchBytes` for binary files, `matchJson` for a JSON
   * object (parsed once for all formats), `match` for other text. When no format claims the content, the file is
   * this format's if its name ends in one of `extensions` that no other format of that kind shares.
   */
  match(text: string, fileName?: string): boolean;
  /** JSON formats: whether a parsed JSON object is this format (detect.ts parses the text once for all of them). */
  matchJson?(value: JsonObject): boolean;
  read(text: string, side?: SideFiles): ImportResult;
  /** Whether it can write the document as it is, or why not. */
  canWrite?(doc: ModelDocument, inference: Inference): WriteRefusal | null;
  /** The files it writes, the main one first; the others go beside it, under the names the main one gives them. */
  write?(doc: ModelDocument, options: WriteOptions): ExportedFile[];
  /**
   * Binary formats (.keras, .h5): whether a file's first bytes are this format, and reading its bytes. Such a
   * format's text `match` is false and its `read` refuses: hosts hand it the bytes (detect.ts readModelFile).
   */
  matchBytes?(head: Uint8Array, fileName?: string): boolean;
  readBytes?(bytes: Uint8Array, fileName: string): Promise<ImportResult>;
  /**
   * Weights files (Keras HDF5, weights JSON): the weights in `bytes` onto `doc`, matched by layer name and shape.
   * detect.ts readWeightsFile picks the format: a binary one by its first bytes, else the text one.
   */
  readWeights?(bytes: Uint8Array, doc: ModelDocument, fileName: string): Promise<ImportResult>;
  /** Loads what `read`/`write` need first (h5wasm's WebAssembly); awaited before either. */
  prepare?(): Promise<void>;
}
