/**
 * A dataset the trainer can consume: every sample laid out row-major in one Float32Array, labels beside it.
 * Samples carry no batch axis (`sampleShape` is what a Keras `Input(shape=...)` takes); images are NHWC, so a grey
 * 28×28 digit is `[28, 28, 1]`.
 */
import type { FormatError, Result } from '../core/problems';

/**
 * What was done to `x` after it was read, kept so a prediction can be fed the same way.
 * Per-feature statistics run along the last axis of a sample (a pixel channel, a CSV column), as
 * `keras.layers.Normalization(axis=-1)` computes them.
 */
export type Normalization =
  /** `x * scale + offset` for every value, as `keras.layers.Rescaling(scale, offset)`; 8-bit pixels use 1/255. */
  | { kind: 'rescale'; scale: number; offset: number }
  /** `(x - min) / (max - min)` per feature; a constant feature (max = min) is divided by 1. */
  | { kind: 'min-max'; min: number[]; max: number[] }
  /** `(x - mean) / std` per feature (population std); a constant feature (std = 0) is divided by 1. */
  | { kind: 'z-score'; mean: number[]; std: number[] };

export interface Dataset {
  name: string;
  description: string;
  /** `count × product(sampleShape)` values, row-major. */
  x: Float32Array;
  /**
   * Classification: an Int32Array of class indices, one per sample.
   * Regression: a Float32Array of `count × targetSize` targets.
   */
  y: Float32Array | Int32Array;
  sampleShape: number[];
  /** Set for classification: labels are 0 … numClasses - 1. */
  numClasses?: number;
  /** Names of the classes by index (folder names, CSV label strings, digits). */
  classNames?: string[];
  count: number;
  /** Names of the features along the last axis, when the source names them (a CSV header). */
  featureNames?: string[];
  /** The steps applied to `x` after reading, in order; empty for raw values. */
  normalization: Normalization[];
  /** Token datasets: the word of each id (0 padding `''`, 1 `[UNK]`), as Keras's `get_vocabulary()` lists them. */
  vocabulary?: string[];
}

/**
 * A problem reading data: what is wrong and how to fix it, located by line:column for text (CSV), by byte
 * offset for binary files (IDX, .npy), and by file path for folders.
 */
export interface DataError extends FormatError {
  /** Byte offset in a binary file. */
  offset?: number;
  /** The file the error is in, when a set of files was read. */
  file?: string;
}

export type DataResult<T> = Result<T, DataError[]>;

export function dataError(message: string, hint?: string, where: Partial<DataError> = {}): DataError {
  return { message, ...(hint ? { hint } : {}), ...where };
}

/** `file:line:column: message (hint)`, or `file (byte N): …` for binary files: what the CLI prints. */
export function formatDataError(e: DataError): string {
  const where = e.location ? `${e.file ? `${e.file}:` : ''}${e.location.line}:${e.location.column}` : (e.file ?? '');
  const at = e.offset !== undefined && !e.location ? ` (byte ${e.offset})` : '';
  const prefix = where || at ? `${where}${at}`.trim() + ': ' : '';
  return `${prefix}${e.message}${e.hint ? ` (${e.hint})` : ''}`;
}

export const failure = <T>(...errors: DataError[]): DataResult<T> => ({ ok: false, errors });

/** What a batch holds: copies when shuffled, views into the dataset otherwise. */
export interface Batch {
  /** `size × product(sampleShape)` values. */
  x: Float32Array;
  y: Float32Array | Int32Array;
  size: number;
  /** `[size, ...sampleShape]`, ready to become a tensor. */
  xShape: number[];
}

/** One sample for a preview grid. */
export interface PreviewSample {
  index: number;
  /** The sample's values (a copy), shaped `sampleShape`. */
  x: Float32Array;
  /** The class index, or the target values for regression. */
  label: number | number[];
  /** The class name when the dataset has names, else the label as text. */
  labelText: string;
}

/** A built-in dataset as the training panel and the CLI list it. */
export interface DatasetInfo {
  id: string;
  title: string;
  description: string;
  sampleShape: number[];
  numClasses: number;
  classNames: string[];
  /** How many samples a default load gives. */
  count: number;
}

/** A shape as Keras prints a sample shape: `(28, 28, 1)`, `(2,)`. */
export function formatSampleShape(shape: readonly (number | null)[]): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

export function sampleSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Values per target: 1 for class indices, the target width for regression. */
export function targetSize(dataset: Pick<Dataset, 'y' | 'count'>): number {
  return dataset.count === 0 ? 1 : dataset.y.length / dataset.count;
}
