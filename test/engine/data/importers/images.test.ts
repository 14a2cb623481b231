import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  decodeImage,
  MAX_PIXELS,
  pngSize,
  resizeBilinear,
  toChannels,
} from '../../../../engine/data/importers/image-decode';
import { readImageFolder } from '../../../../engine/data/importers/image-folder';

/** An RGBA image from a pixel function, encoded as PNG by pngjs (colorType 0 = grey, 2 = RGB, 6 = RGBA). */
function png(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number],
  colorType: 0 | 2 | 6 = 6,
): Uint8Array {
  const img = new pngjs.PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      img.data.set([r, g, b, 255], 4 * (y * width + x));
    }
  }
  return new Uint8Array(pngjs.PNG.sync.write(img, { colorType, inputColorType: 6 }));
}

function jpg(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...pixel(x, y), 255], 4 * (y * width + x));
  return new Uint8Array(jpeg.encode({ width, height, data }, 100).data);
}

describe('decodeImage', () => {
  it('decodes a PNG made by pngjs to its exact pixels, RGB and grey (BT.601 luma)', () => {
    const colours: [number, number, number][] = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [10, 20, 30],
    ];
    const r = decodeImage(png(2, 2, (x, y) => colours[y * 2 + x]));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect([r.value.width, r.value.height]).toEqual([2, 2]);
    expect(Array.from(toChannels(r.value, 3))).toEqual(colours.flat());
    const grey = toChannels(r.value, 1);
    expect(grey[0]).toBeCloseTo(0.299 * 255, 3);
    expect(grey[1]).toBeCloseTo(0.587 * 255, 3);
    expect(grey[2]).toBeCloseTo(0.114 * 255, 3);
    expect(grey[3]).toBeCloseTo(0.299 * 10 + 0.587 * 20 + 0.114 * 30, 3);
  });

  it('expands a grey (colorType 0) PNG to equal R, G and B', () => {
    const r = decodeImage(png(3, 1, (x) => [x * 100, x * 100, x * 100], 0));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(Array.from(toChannels(r.value, 3))).toEqual([0, 0, 0, 100, 100, 100, 200, 200, 200]);
  });

  it('decodes a JPEG made by jpeg-js close to its pixels (JPEG is lossy)', () => {
    const r = decodeImage(jpg(16, 16, (x) => (x < 8 ? [60, 60, 60] : [200, 200, 200])));
    if (!r.ok) throw new Error(r.errors[0].message);
    const grey = toChannels(r.value, 1);
    // Away from the edge, quality 100 keeps the grey level within a few steps.
    expect(Math.abs(grey[2 * 16 + 2] - 60)).toBeLessThan(4);
    expect(Math.abs(grey[10 * 16 + 13] - 200)).toBeLessThan(4);
  });

  it('reports bytes that are neither PNG nor JPEG, quoting them', () => {
    const r = decodeImage(new TextEncoder().encode('GIF89a...'), 'cat/x.gif');
    expect(!r.ok && r.errors[0].message).toBe('not a PNG or JPEG image (it starts with the bytes 47 49 46 38)');
    expect(!r.ok && r.errors[0].file).toBe('cat/x.gif');
  });

  it('reports a damaged PNG instead of throwing', () => {
    const good = png(4, 4, () => [1, 2, 3]);
    const r = decodeImage(good.slice(0, 40), 'dog/bad.png');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0].message).toMatch(/^can't decode the image/);
  });
});

/** A PNG whose IHDR (with a valid CRC) claims width × height, with the pixels of a 1×1 image after it. */
function claimedSize(width: number, height: number): Uint8Array {
  const bytes = png(1, 1, () => [0, 0, 0]).slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  let crc = 0xffffffff;
  for (const b of bytes.subarray(12, 29)) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  view.setUint32(29, (crc ^ 0xffffffff) >>> 0);
  return bytes;
}

describe('image size limits (issue 11, item 2)', () => {
  it('reads a PNG header before decoding', () => {
    expect(pngSize(png(7, 3, () => [0, 0, 0]))).toEqual({ width: 7, height: 3 });
  });

  it('refuses a 20000×20000 PNG from its header, before inflating a byte', () => {
    const r = decodeImage(claimedSize(20_000, 20_000), 'bomb.png');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatchObject({
      message: 'the image is 20000×20000 (400 megapixels), more than the 100 LayerCanvas decodes',
      file: 'bomb.png',
    });
  });

  it('refuses a JPEG past the same pixel cap', () => {
    const small = jpeg.encode({ width: 2, height: 2, data: new Uint8Array(16).fill(255) }, 90).data;
    const bytes = new Uint8Array(small);
    // The SOF0 frame header holds height and width after its marker ff c0, length and precision.
    const sof = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
    new DataView(bytes.buffer).setUint16(sof + 5, 20_000);
    new DataView(bytes.buffer).setUint16(sof + 7, 20_000);
    const r = decodeImage(bytes, 'bomb.jpg');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0].message).toMatch(/maxResolutionInMP limit exceeded/);
    expect(MAX_PIXELS).toBe(100_000_000);
  });
});

describe('resizeBilinear (half-pixel centres, as tf.image.resize)', () => {
  it('upsamples [0, 1] to [0, 0.25, 0.75, 1] as TensorFlow does', () => {
    expect(Array.from(resizeBilinear(Float32Array.from([0, 1]), 1, 2, 1, 1, 4))).toEqual([0, 0.25, 0.75, 1]);
  });

  it('downsamples [0, 1, 2, 3] by two to [0.5, 2.5]', () => {
    expect(Array.from(resizeBilinear(Float32Array.from([0, 1, 2, 3]), 1, 4, 1, 1, 2))).toEqual([0.5, 2.5]);
  });

  it('keeps a constant image constant in every channel, and interpolates rows as columns', () => {
    const src = Float32Array.from({ length: 5 * 7 * 3 }, (_, i) => [10, 20, 30][i % 3]);
    const out = resizeBilinear(src, 5, 7, 3, 9, 4);
    expect(out.length).toBe(9 * 4 * 3);
    out.forEach((v, i) => expect(v).toBeCloseTo([10, 20, 30][i % 3], 5));
    const column = resizeBilinear(Float32Array.from([0, 1]), 2, 1, 1, 4, 1);
    expect(Array.from(column)).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('readImageFolder', () => {
  const entries = [
    { path: 'pets/dog/c.png', data: png(4, 4, () => [255, 255, 255]) },
    { path: 'pets/cat/a.png', data: png(2, 2, () => [0, 0, 0]) },
    { path: 'pets/cat/b.jpg', data: jpg(8, 8, () => [0, 0, 0]) },
    { path: 'pets/.DS_Store', data: new Uint8Array([0, 0, 0, 1]) },
    { path: 'pets/notes.txt', data: new TextEncoder().encode('hello') },
  ];

  it('labels images by their folder (classes sorted), resizes them and scales to [0, 1]', () => {
    const r = readImageFolder(entries, { size: [4, 4] });
    if (!r.ok) throw new Error(r.errors[0].message);
    const d = r.value;
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(d.count).toBe(3);
    expect(d.sampleShape).toEqual([4, 4, 1]); // every image is grey, so one channel
    expect(Array.from(d.y)).toEqual([0, 0, 1]);
    const per = 16;
    expect(Math.max(...d.x.subarray(0, 2 * per))).toBeLessThan(0.02); // the black cats
    expect(Array.from(d.x.subarray(2 * per)).every((v) => v === 1)).toBe(true); // the white dog
    expect(d.normalization).toEqual([{ kind: 'rescale', scale: 1 / 255, offset: 0 }]);
    expect(r.warnings?.map((w) => w.message)).toEqual(['skipped pets/notes.txt: not a PNG or JPEG image']);
  });

  it('gives three channels when asked, or when an image has colour', () => {
    const colour = [
      { path: 'red/1.png', data: png(2, 2, () => [255, 0, 0]) },
      { path: 'grey/1.png', data: png(2, 2, () => [9, 9, 9]) },
    ];
    const r = readImageFolder(colour);
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.sampleShape).toEqual([2, 2, 3]);
    expect(Array.from(r.value.x.subarray(12, 15))).toEqual([1, 0, 0]);
    const forced = readImageFolder(colour, { channels: 1 });
    expect(forced.ok && forced.value.sampleShape).toEqual([2, 2, 1]);
    // 'grey' sorts first; the red image becomes its luma, 0.299.
    expect(forced.ok && forced.value.x[4]).toBeCloseTo(0.299, 5);
    expect(forced.ok && forced.value.x[0]).toBeCloseTo(9 / 255, 5);
  });

  it('takes Windows separators in paths', () => {
    const r = readImageFolder([
      { path: 'a\\1.png', data: png(2, 2, () => [0, 0, 0]) },
      { path: 'b\\1.png', data: png(2, 2, () => [0, 0, 0]) },
    ]);
    expect(r.ok && r.value.classNames).toEqual(['a', 'b']);
  });

  it('reports a folder without class sub-folders', () => {
    const r = readImageFolder([{ path: 'a.png', data: png(2, 2, () => [0, 0, 0]) }]);
    expect(!r.ok && r.errors[0].message).toBe('no PNG or JPEG images were found in class folders');
  });
});
