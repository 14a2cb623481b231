/**
 * IDX files, the format MNIST is distributed in (yann.lecun.com/exdb/mnist): a magic number `00 00 <type> <ndim>`,
 * then `ndim` big-endian int32 sizes, then the values, big-endian, row-major. Image files are
 * `…-images-idx3-ubyte` (magic 2051: unsigned bytes, 3 dims), label files `…-labels-idx1-ubyte` (magic 2049).
 * Gzip'd files (`.gz`, starting 1f 8b) are accepted as they are downloaded.
 */
import type { Dataset, DataResult } from '../types';
import { dataError, failure } from '../types';
import { maybeGunzip } from './gzip';

const TYPES: Record<number, { name: string; bytes: number; read: (v: DataView, at: number) => number }> = {
  0x08: { name: 'unsigned byte', bytes: 1, read: (v, at) => v.getUint8(at) },
  0x09: { name: 'signed byte', bytes: 1, read: (v, at) => v.getInt8(at) },
  0x0b: { name: 'short', bytes: 2, read: (v, at) => v.getInt16(at, false) },
  0x0c: { name: 'int', bytes: 4, read: (v, at) => v.getInt32(at, false) },
  0x0d: { name: 'float', bytes: 4, read: (v, at) => v.getFloat32(at, false) },
  0x0e: { name: 'double', bytes: 8, read: (v, at) => v.getFloat64(at, false) },
};

export interface IdxArray {
  typeCode: number;
  dims: number[];
  values: Float32Array;
}

const hex = (bytes: Uint8Array, from: number, to: number) =>
  Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0')).join(' ');

/** One IDX file (not gzip'd). */
export function parseIdx(bytes: Uint8Array, file?: string): DataResult<IdxArray> {
  const where = (offset: number) => ({ offset, ...(file ? { file } : {}) });
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !TYPES[bytes[2]]) {
    return failure(
      dataError(
        `not an IDX file: it starts with the bytes ${hex(bytes, 0, 4) || '(none)'}, not the magic number 00 00 <type> <ndim>`,
        'Pick the MNIST-style files named like train-images-idx3-ubyte and train-labels-idx1-ubyte (or their .gz).',
        where(0),
      ),
    );
  }
  const type = TYPES[bytes[2]];
  const ndim = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerEnd = 4 + 4 * ndim;
  if (ndim === 0 || bytes.length < headerEnd) {
    return failure(
      dataError(
        `the IDX header declares ${ndim} dimensions but the file ends at byte ${bytes.length}`,
        'The file is cut short; fetch it again.',
        where(4),
      ),
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getInt32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const need = headerEnd + count * type.bytes;
  if (dims.some((d) => d < 0) || bytes.length < need) {
    return failure(
      dataError(
        `the IDX header promises dimensions (${dims.join(', ')}) of ${type.name}s, ${need} bytes in all, but the file has ${bytes.length}`,
        'The file is cut short or damaged; fetch it again.',
        where(Math.min(bytes.length, need)),
      ),
    );
  }
  const values = new Float32Array(count);
  if (bytes[2] === 0x08)
    values.set(bytes.subarray(headerEnd, headerEnd + count)); // MNIST's case, 47M values: no per-value call
  else for (let i = 0; i < count; i++) values[i] = type.read(view, headerEnd + i * type.bytes);
  return { ok: true, value: { typeCode: bytes[2], dims, values } };
}

export interface IdxOptions {
  name?: string;
  imagesFile?: string;
  labelsFile?: string;
}

/** An images file and its labels file → dataset; 8-bit pixels are scaled to [0, 1]. */
export async function readIdx(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  options: IdxOptions = {},
): Promise<DataResult<Dataset>> {
  const [imgRaw, lblRaw] = await Promise.all([
    maybeGunzip(imagesBytes, options.imagesFile),
    maybeGunzip(labelsBytes, options.labelsFile),
  ]);
  if (!imgRaw.ok) return imgRaw;
  if (!lblRaw.ok) return lblRaw;
  const images = parseIdx(imgRaw.value, options.imagesFile);
  if (!images.ok) return images;
  const labels = parseIdx(lblRaw.value, options.labelsFile);
  if (!labels.ok) return labels;
  const imagesAt = { offset: 3, ...(options.imagesFile ? { file: options.imagesFile } : {}) };
  const labelsAt = { offset: 3, ...(options.labelsFile ? { file: options.labelsFile } : {}) };
  if (images.value.dims.length < 2) {
    const swapped = labels.value.dims.length >= 2;
    return failure(
      dataError(
        `the images file has ${images.value.dims.length} dimension (magic ${hex(imgRaw.value, 0, 4)}), but images need (count, height, width)`,
        swapped ? 'The images and labels files look swapped.' : 'Pick the …-images-idx3-ubyte file for the images.',
        imagesAt,
      ),
    );
  }
  if (labels.value.dims.length !== 1) {
    return failure(
      dataError(
        `the labels file has dimensions (${labels.value.dims.join(', ')}) (magic ${hex(lblRaw.value, 0, 4)}), but labels need one: (count,)`,
        'Pick the …-labels-idx1-ubyte file for the labels.',
        labelsAt,
      ),
    );
  }
  const [n, ...rest] = images.value.dims;
  const labelCount = labels.value.dims[0];
  if (n !== labelCount) {
    return failure(
      dataError(
        `the images file holds ${n} images but the labels file holds ${labelCount} labels`,
        'Pair files of the same split (train with train, t10k with t10k).',
        labelsAt,
      ),
    );
  }
  const y = new Int32Array(labelCount);
  let max = -1;
  for (let i = 0; i < labelCount; i++) {
    const v = labels.value.values[i];
    if (!Number.isInteger(v) || v < 0) {
      return failure(
        dataError(`label ${i} is ${v}, not a class index (an integer ≥ 0)`, 'IDX labels must be class numbers.', {
          ...labelsAt,
          offset: 8 + i,
        }),
      );
    }
    y[i] = v;
    if (v > max) max = v;
  }
  const ubyte = images.value.typeCode === 0x08;
  const x = images.value.values;
  if (ubyte) for (let i = 0; i < x.length; i++) x[i] /= 255;
  const sampleShape = rest.length === 2 ? [rest[0], rest[1], 1] : rest;
  return {
    ok: true,
    value: {
      name: options.name ?? 'IDX',
      description: `${n} images of ${rest.join('×')} with ${max + 1} classes, from IDX files.`,
      x,
      y,
      sampleShape,
      numClasses: max + 1,
      classNames: Array.from({ length: max + 1 }, (_, k) => String(k)),
      count: n,
      normalization: ubyte ? [{ kind: 'rescale', scale: 1 / 255, offset: 0 }] : [],
    },
  };
}

/** Writes an IDX file of unsigned bytes (for tests and for exporting a dataset in MNIST's format). */
export function writeIdxUbyte(dims: number[], values: ArrayLike<number>): Uint8Array {
  const headerEnd = 4 + 4 * dims.length;
  const out = new Uint8Array(headerEnd + values.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setInt32(4 + 4 * i, d, false));
  for (let i = 0; i < values.length; i++) out[headerEnd + i] = values[i];
  return out;
}
