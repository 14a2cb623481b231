/**
 * NumPy `.npy` files (numpy.org/neps/nep-0001-npy-format): the magic `\x93NUMPY`, a version byte pair, the header
 * length (uint16 in v1, uint32 in v2/v3), a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (100, 28, 28), }` (latin-1 in v1/v2, UTF-8 in v3), then the
 * raw values. `np.save(x)` of a float, int or uint8 array is what people have, so those dtypes are read.
 */
import type { DataResult } from '../types';
import { dataError, failure, formatSampleShape } from '../types';

export interface NpyArray {
  dtype: string;
  shape: number[];
  /** Every value as a float32; integers beyond 2^24 lose precision like any float32 would. */
  values: Float32Array;
  /** Whether the dtype holds integers (labels). */
  integer: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Reader = { bytes: number; integer: boolean; read: (v: DataView, at: number) => number | null };
const int64Read = (signed: boolean) => (v: DataView, at: number) => {
  const big = signed ? v.getBigInt64(at, true) : v.getBigUint64(at, true);
  // Beyond 2^53 the value can't even be held exactly as a JS number; labels and counts never get there.
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : null;
};
const DTYPES: Record<string, Reader> = {
  '<f4': { bytes: 4, integer: false, read: (v, at) => v.getFloat32(at, true) },
  '<f8': { bytes: 8, integer: false, read: (v, at) => v.getFloat64(at, true) },
  '|u1': { bytes: 1, integer: true, read: (v, at) => v.getUint8(at) },
  '|i1': { bytes: 1, integer: true, read: (v, at) => v.getInt8(at) },
  '|b1': { bytes: 1, integer: true, read: (v, at) => (v.getUint8(at) ? 1 : 0) },
  '<i2': { bytes: 2, integer: true, read: (v, at) => v.getInt16(at, true) },
  '<u2': { bytes: 2, integer: true, read: (v, at) => v.getUint16(at, true) },
  '<i4': { bytes: 4, integer: true, read: (v, at) => v.getInt32(at, true) },
  '<u4': { bytes: 4, integer: true, read: (v, at) => v.getUint32(at, true) },
  '<i8': { bytes: 8, integer: true, read: int64Read(true) },
  '<u8': { bytes: 8, integer: true, read: int64Read(false) },
};
// NumPy writes one-byte types with '|', but '<u1' and '=u1' mean the same.
for (const t of ['u1', 'i1', 'b1']) DTYPES[`<${t}`] = DTYPES[`=${t}`] = DTYPES[`|${t}`];

export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/** The header dict's three keys, read with patterns: the dict is machine-written and always this simple. */
function parseHeader(header: string): { descr: string; fortran: string; shape: string } | null {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) return null;
  return { descr: descr[1], fortran: fortran[1], shape: shape[1] };
}

export function parseNpy(bytes: Uint8Array, file?: string): DataResult<NpyArray> {
  const where = (offset: number) => ({ offset, ...(file ? { file } : {}) });
  if (!isNpy(bytes)) {
    const head = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return failure(
      dataError(
        `not a .npy file: it starts with ${head || 'nothing'}, not the magic \\x93NUMPY (93 4e 55 4d 50 59)`,
        'Save the array with numpy.save(path, array).',
        where(0),
      ),
    );
  }
  const major = bytes[6];
  if (major < 1 || major > 3 || bytes.length < 10) {
    return failure(
      dataError(
        `.npy format version ${major}.${bytes[7]} is not one this reader knows (1.0, 2.0, 3.0)`,
        'Save it again with a current NumPy (numpy.save).',
        where(6),
      ),
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (bytes.length < headerStart)
    return failure(
      dataError('the .npy file ends inside its header', 'The file is cut short; save it again.', where(bytes.length)),
    );
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    return failure(
      dataError(
        `the .npy header says it is ${headerLength} bytes long but the file ends at byte ${bytes.length}`,
        'The file is cut short; save it again.',
        where(8),
      ),
    );
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const fields = parseHeader(header);
  if (!fields) {
    return failure(
      dataError(
        `the .npy header ${JSON.stringify(header.trim())} lacks 'descr', 'fortran_order' or 'shape'`,
        'Save the array with numpy.save(path, array).',
        where(headerStart),
      ),
    );
  }
  const reader = DTYPES[fields.descr];
  if (!reader) {
    const bigEndian = fields.descr.startsWith('>');
    return failure(
      dataError(
        `the dtype '${fields.descr}' is not supported (float32 <f4, float64 <f8, uint8 |u1, int32 <i4, int64 <i8 and other little-endian ints are)`,
        bigEndian
          ? "Convert it to little-endian first: np.save(path, a.astype(a.dtype.newbyteorder('<')))."
          : "Convert it first, e.g. np.save(path, a.astype('float32')).",
        where(headerStart + header.indexOf(fields.descr)),
      ),
    );
  }
  if (fields.fortran === 'True') {
    return failure(
      dataError(
        "the array is stored in Fortran (column-major) order ('fortran_order': True)",
        'Save a C-ordered copy: np.save(path, np.ascontiguousarray(a)).',
        where(headerStart + header.indexOf('fortran_order')),
      ),
    );
  }
  const dims = fields.shape
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const shape = dims.map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    return failure(
      dataError(
        `the shape (${fields.shape}) in the .npy header is not a tuple of sizes`,
        'Save the array with numpy.save(path, array).',
        where(headerStart + header.indexOf('shape')),
      ),
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const need = dataStart + count * reader.bytes;
  if (bytes.length < need) {
    return failure(
      dataError(
        `the shape ${formatSampleShape(shape)} of '${fields.descr}' needs ${count * reader.bytes} bytes of data but the file has ${bytes.length - dataStart}`,
        'The file is cut short; save it again.',
        where(bytes.length),
      ),
    );
  }
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const at = dataStart + i * reader.bytes;
    const v = reader.read(view, at);
    if (v === null)
      return failure(
        dataError(
          `value ${i} doesn't fit in a JavaScript number (beyond ±2^53)`,
          'Labels and features should be small numbers; check the array.',
          where(at),
        ),
      );
    values[i] = v;
  }
  return { ok: true, value: { dtype: fields.descr, shape, values, integer: reader.integer } };
}
