import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdx, readIdx, writeIdxUbyte } from '../../../../engine/data/importers/idx';

// Written byte by byte from the format description on yann.lecun.com/exdb/mnist:
// magic 0x00000803 (2051) for images, 0x00000801 (2049) for labels, then big-endian int32 sizes.
const IMAGES = Uint8Array.from([
  0x00,
  0x00,
  0x08,
  0x03, // magic 2051: unsigned bytes, 3 dimensions
  0x00,
  0x00,
  0x00,
  0x02, // 2 images
  0x00,
  0x00,
  0x00,
  0x02, // 2 rows
  0x00,
  0x00,
  0x00,
  0x03, // 3 columns
  0,
  51,
  102,
  153,
  204,
  255, // image 0
  255,
  0,
  255,
  0,
  255,
  0, // image 1
]);
const LABELS = Uint8Array.from([
  0x00,
  0x00,
  0x08,
  0x01, // magic 2049: unsigned bytes, 1 dimension
  0x00,
  0x00,
  0x00,
  0x02, // 2 labels
  3,
  7,
]);

describe('IDX', () => {
  it('reads an images file and a labels file into a (2, 3, 1) dataset scaled to [0, 1]', async () => {
    const r = await readIdx(IMAGES, LABELS);
    if (!r.ok) throw new Error(r.errors[0].message);
    const d = r.value;
    expect(d.count).toBe(2);
    expect(d.sampleShape).toEqual([2, 3, 1]);
    expect(Array.from(d.x.subarray(0, 6))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
    expect(Array.from(d.y)).toEqual([3, 7]);
    expect(d.numClasses).toBe(8);
    expect(d.normalization).toEqual([{ kind: 'rescale', scale: 1 / 255, offset: 0 }]);
  });

  it('accepts gzip-compressed files as downloaded (.gz)', async () => {
    const r = await readIdx(new Uint8Array(gzipSync(IMAGES)), new Uint8Array(gzipSync(LABELS)));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(Array.from(r.value.y)).toEqual([3, 7]);
    expect(r.value.x[5]).toBe(1);
  });

  it('reports a truncated .gz file instead of throwing', async () => {
    const zipped = new Uint8Array(gzipSync(IMAGES));
    const r = await readIdx(zipped.subarray(0, 15), LABELS, { imagesFile: 'train-images-idx3-ubyte.gz' });
    expect(!r.ok && r.errors[0].message).toMatch(/^can't un-gzip the file/);
    expect(!r.ok && r.errors[0].file).toBe('train-images-idx3-ubyte.gz');
  });

  it('writes the same bytes it reads (writeIdxUbyte matches the hand-made file)', () => {
    expect(writeIdxUbyte([2, 2, 3], IMAGES.subarray(16))).toEqual(IMAGES);
    const parsed = parseIdx(IMAGES);
    expect(parsed.ok && parsed.value.dims).toEqual([2, 2, 3]);
  });

  it('reads big-endian float and short IDX files (types 0x0D and 0x0B)', () => {
    const floats = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0, 0xc1, 0x20, 0, 0]); // 1.5, -10
    const f = parseIdx(floats);
    expect(f.ok && Array.from(f.value.values)).toEqual([1.5, -10]);
    const shorts = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x00, 0xff, 0xfe]); // 256, -2
    const r = parseIdx(shorts);
    expect(r.ok && Array.from(r.value.values)).toEqual([256, -2]);
  });

  it('rejects a wrong magic number at byte 0, quoting the bytes', () => {
    const bad = IMAGES.slice();
    bad[0] = 0x12;
    const r = parseIdx(bad, 'train-images-idx3-ubyte');
    expect(!r.ok && r.errors[0].message).toBe(
      'not an IDX file: it starts with the bytes 12 00 08 03, not the magic number 00 00 <type> <ndim>',
    );
    expect(!r.ok && r.errors[0].offset).toBe(0);
    expect(!r.ok && r.errors[0].file).toBe('train-images-idx3-ubyte');
  });

  it('says the files look swapped when labels are given as images', async () => {
    const r = await readIdx(LABELS, IMAGES);
    expect(!r.ok && r.errors[0].message).toBe(
      'the images file has 1 dimension (magic 00 00 08 01), but images need (count, height, width)',
    );
    expect(!r.ok && r.errors[0].hint).toBe('The images and labels files look swapped.');
  });

  it('reports a count mismatch between images and labels', async () => {
    const three = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]);
    const r = await readIdx(IMAGES, three, { labelsFile: 'labels' });
    expect(!r.ok && r.errors[0].message).toBe('the images file holds 2 images but the labels file holds 3 labels');
  });

  it('reports a file cut short, with the byte offset where it ends', () => {
    const r = parseIdx(IMAGES.subarray(0, 20));
    expect(!r.ok && r.errors[0].message).toBe(
      'the IDX header promises dimensions (2, 2, 3) of unsigned bytes, 28 bytes in all, but the file has 20',
    );
    expect(!r.ok && r.errors[0].offset).toBe(20);
  });
});
