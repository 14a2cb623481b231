import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../../../engine/data/importers/npy';
import { readNpyPair } from '../../../../engine/data/importers/npy-pair';

const FIXTURES = join(__dirname, '../../../fixtures/data/npy');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

/**
 * A .npy file assembled by hand from the format description (NEP 1): magic, version, little-endian header length,
 * the header dict padded with spaces to a multiple of 64 bytes and ended by '\n', then the raw values.
 */
function handmade(
  descr: string,
  shape: number[],
  data: Uint8Array,
  options: { major?: number; fortran?: boolean } = {},
): Uint8Array {
  const major = options.major ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = 8 + (major === 1 ? 2 : 4);
  while ((prefix + dict.length + 1) % 64 !== 0) dict += ' ';
  dict += '\n';
  const out = new Uint8Array(prefix + dict.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), prefix);
  out.set(data, prefix + dict.length);
  return out;
}

function littleEndian(kind: 'f4' | 'f8' | 'i4' | 'i8', values: number[]): Uint8Array {
  const size = kind === 'f4' || kind === 'i4' ? 4 : 8;
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    if (kind === 'f4') view.setFloat32(i * size, v, true);
    if (kind === 'f8') view.setFloat64(i * size, v, true);
    if (kind === 'i4') view.setInt32(i * size, v, true);
    if (kind === 'i8') view.setBigInt64(i * size, BigInt(v), true);
  });
  return new Uint8Array(view.buffer);
}

describe('parseNpy on hand-made files', () => {
  const cases: [string, 'f4' | 'f8' | 'i4' | 'i8' | 'u1', number[]][] = [
    ['<f4', 'f4', [0.5, -2, 1e-3, 1e6]],
    ['<f8', 'f8', [1 / 3, -2.5, 7, 0]],
    ['<i4', 'i4', [-7, 0, 2147483647, 42]],
    ['<i8', 'i8', [-9, 0, 2 ** 40, 3]],
    ['|u1', 'u1', [0, 128, 255, 9]],
  ];
  for (const [descr, kind, values] of cases) {
    it(`reads dtype ${descr}, shape (2, 2)`, () => {
      const data = kind === 'u1' ? Uint8Array.from(values) : littleEndian(kind, values);
      const r = parseNpy(handmade(descr, [2, 2], data));
      if (!r.ok) throw new Error(r.errors[0].message);
      expect(r.value.shape).toEqual([2, 2]);
      expect(r.value.dtype).toBe(descr);
      expect(Array.from(r.value.values)).toEqual(values.map(Math.fround));
    });
  }

  it('reads a version 2 header (uint32 length)', () => {
    const r = parseNpy(handmade('<i4', [3], littleEndian('i4', [1, 2, 3]), { major: 2 }));
    expect(r.ok && Array.from(r.value.values)).toEqual([1, 2, 3]);
  });

  it("refuses fortran_order True with a fix, at the header's offset", () => {
    const r = parseNpy(handmade('<f4', [2, 2], littleEndian('f4', [1, 2, 3, 4]), { fortran: true }), 'x.npy');
    expect(!r.ok && r.errors[0].message).toBe(
      "the array is stored in Fortran (column-major) order ('fortran_order': True)",
    );
    expect(!r.ok && r.errors[0].hint).toBe('Save a C-ordered copy: np.save(path, np.ascontiguousarray(a)).');
    expect(!r.ok && r.errors[0].offset).toBe(10 + "{'descr': '<f4', '".length);
  });

  it('reports a file cut short', () => {
    const full = handmade('<f4', [4], littleEndian('f4', [1, 2, 3, 4]));
    const r = parseNpy(full.subarray(0, full.length - 3));
    expect(!r.ok && r.errors[0].message).toBe("the shape (4,) of '<f4' needs 16 bytes of data but the file has 13");
  });

  it('reports bytes that are not a .npy file', () => {
    const r = parseNpy(new TextEncoder().encode('a,b,c\n'));
    expect(!r.ok && r.errors[0].message).toBe(
      'not a .npy file: it starts with 61 2c 62 2c 63 0a, not the magic \\x93NUMPY (93 4e 55 4d 50 59)',
    );
  });
});

describe('parseNpy on files written by NumPy 2.4 (test/fixtures/data/npy)', () => {
  it('reads float32 (3, 2), int64, uint8 4-D and float64 arrays', () => {
    const x = parseNpy(fixture('x.npy'));
    expect(x.ok && x.value.shape).toEqual([3, 2]);
    expect(x.ok && Array.from(x.value.values)).toEqual([0.5, -1.25, 2, 3.5, 1e-3, 7].map(Math.fround));
    const y = parseNpy(fixture('y.npy'));
    expect(y.ok && [y.value.dtype, Array.from(y.value.values)]).toEqual(['<i8', [2, 0, 1]]);
    const u1 = parseNpy(fixture('images-u1.npy'));
    expect(u1.ok && [u1.value.dtype, u1.value.shape, Array.from(u1.value.values)]).toEqual([
      '|u1',
      [2, 2, 2, 1],
      [0, 30, 60, 90, 120, 150, 180, 210],
    ]);
    const f8 = parseNpy(fixture('values-f8.npy'));
    expect(f8.ok && Array.from(f8.value.values)).toEqual([1 / 3, -2.5, 1e10].map(Math.fround));
  });

  it('reads version 2.0 and 3.0 headers', () => {
    const v2 = parseNpy(fixture('v2-i4.npy'));
    expect(v2.ok && [v2.value.shape, Array.from(v2.value.values)]).toEqual([
      [2, 2],
      [1, -2, 3, 4],
    ]);
    const v3 = parseNpy(fixture('v3-f4.npy'));
    expect(v3.ok && [v3.value.shape, Array.from(v3.value.values)]).toEqual([[2], [1.5, 2.5]]);
  });

  it('refuses a Fortran-ordered array and a big-endian one with a fix', () => {
    const f = parseNpy(fixture('fortran.npy'));
    expect(!f.ok && f.errors[0].message).toMatch(/Fortran \(column-major\) order/);
    const be = parseNpy(fixture('big-endian.npy'));
    expect(!be.ok && be.errors[0].message).toMatch(/^the dtype '>f4' is not supported/);
    expect(!be.ok && be.errors[0].hint).toMatch(/little-endian/);
  });
});

describe('readNpyPair', () => {
  it('makes a classification dataset from x (float32) and y (int64 class indices)', () => {
    const r = readNpyPair(fixture('x.npy'), fixture('y.npy'));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.count).toBe(3);
    expect(r.value.sampleShape).toEqual([2]);
    expect(r.value.y).toBeInstanceOf(Int32Array);
    expect(Array.from(r.value.y)).toEqual([2, 0, 1]);
    expect(r.value.numClasses).toBe(3);
  });

  it('turns one-hot label rows into class indices', () => {
    const r = readNpyPair(fixture('x.npy'), fixture('onehot.npy'));
    expect(r.ok && Array.from(r.value.y)).toEqual([1, 2, 0]);
  });

  it('keeps fractional targets for regression', () => {
    const r = readNpyPair(fixture('x.npy'), fixture('values-f8.npy'));
    expect(r.ok && r.value.y).toBeInstanceOf(Float32Array);
    expect(r.ok && r.value.numClasses).toBeUndefined();
  });

  it('reports a sample count mismatch', () => {
    const r = readNpyPair(fixture('x.npy'), fixture('v3-f4.npy'), { yFile: 'y.npy' });
    expect(!r.ok && r.errors[0].message).toBe('x holds 3 samples but y has the shape (2,)');
    expect(!r.ok && r.errors[0].file).toBe('y.npy');
  });
});
