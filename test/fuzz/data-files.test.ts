// Fuzz: malformed dataset files (CSV, .npy, IDX, PNG/JPEG, gzip) through the importers and loadDataset, as the
// CLI's `train --dataset` and the engine's dataset-import read them. Each answers with data or one-line located
// errors; none throws, hangs or allocates what the header merely claims.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../engine/data/importers/csv';
import { maybeGunzip } from '../../engine/data/importers/gzip';
import { readIdx } from '../../engine/data/importers/idx';
import { decodeImage } from '../../engine/data/importers/image-decode';
import { readImageFolder } from '../../engine/data/importers/image-folder';
import { readNpyPair } from '../../engine/data/importers/npy-pair';
import { loadDataset } from '../../engine/data/node/load';
import { type DataResult, formatDataError } from '../../engine/data/types';
import { applyByteEdits, byteEditArb, expectOneLine, measure, params, recordTo } from './support';

recordTo('data-files');

const dir = mkdtempSync(join(tmpdir(), 'layercanvas-fuzz-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Data or errors, each error one line. */
function checkResult(r: DataResult<unknown>): void {
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) {
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) expectOneLine(formatDataError(e));
  }
}

const hex = (b: Uint8Array) => Buffer.from(b.subarray(0, 100)).toString('hex');

const CSV_ALPHABET = [
  '0',
  '1',
  '2',
  '9',
  '.',
  '-',
  'e',
  ',',
  ',',
  ';',
  '\t',
  '\n',
  '\n',
  '\r\n',
  '"',
  '""',
  'a',
  'cat',
  'NaN',
  'inf',
  ' ',
  'label',
  'x1',
  '\u00e9',
  '\u0000',
];

/** A .npy file from its parts, each of which the fuzzer may spoil. */
function npy(
  magic: string,
  version: number,
  descr: string,
  fortran: string,
  shape: string,
  data: Uint8Array,
  headerLenDelta: number,
): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  const lenBytes = version === 1 ? 2 : 4;
  const pad = (64 - ((magic.length + 2 + lenBytes + dict.length + 1) % 64)) % 64;
  const header = `${dict}${' '.repeat(pad)}\n`;
  const out = new Uint8Array(magic.length + 2 + lenBytes + header.length + data.length);
  out.set(Buffer.from(magic, 'latin1'), 0);
  out[magic.length] = version;
  const view = new DataView(out.buffer);
  const len = Math.max(0, header.length + headerLenDelta);
  if (lenBytes === 2) view.setUint16(magic.length + 2, len & 0xffff, true);
  else view.setUint32(magic.length + 2, len, true);
  out.set(Buffer.from(header, 'latin1'), magic.length + 2 + lenBytes);
  out.set(data, magic.length + 2 + lenBytes + header.length);
  return out;
}

const npyArb = fc
  .record({
    magic: fc.constantFrom('\x93NUMPY', '\x93NUMPY', '\x93NUMPX', ''),
    version: fc.constantFrom(1, 2, 3, 0, 9),
    descr: fc.constantFrom('<f4', '<f8', '|u1', '<i4', '>i4', '<i8', '|b1', '<f2', '<c8', 'O', '<U3', '|V8', "'"),
    fortran: fc.constantFrom('False', 'True', 'None', '1'),
    shape: fc.oneof(
      fc
        .array(fc.oneof(fc.nat(12), fc.constantFrom(-1, 1e9, 2 ** 40, 0)), { maxLength: 4 })
        .map((d) => `(${d.join(', ')}${d.length === 1 ? ',' : ''})`),
      fc.constantFrom('()', '(3,', '[2, 2]', "('a',)", '(1e400,)'),
    ),
    data: fc.uint8Array({ maxLength: 600 }),
    headerLenDelta: fc.constantFrom(0, 0, 0, -5, 7, 100000),
  })
  .map((p) => npy(p.magic, p.version, p.descr, p.fortran, p.shape, p.data, p.headerLenDelta));

/** An IDX file: magic 00 00 type ndim, big-endian dims, then data. */
const idxArb = fc
  .record({
    type: fc.constantFrom(0x08, 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x07, 0xff),
    dims: fc.array(fc.oneof(fc.nat(30), fc.constantFrom(2 ** 31, 2 ** 32 - 1, 60000)), { maxLength: 4 }),
    data: fc.uint8Array({ maxLength: 3000 }),
    zero: fc.constantFrom(0, 0, 0, 1),
  })
  .map(({ type, dims, data, zero }) => {
    const out = new Uint8Array(4 + 4 * dims.length + data.length);
    out.set([zero, 0, type, dims.length]);
    const view = new DataView(out.buffer);
    dims.forEach((d, i) => view.setUint32(4 + 4 * i, d >>> 0));
    out.set(data, 4 + 4 * dims.length);
    return out;
  });

function pngOf(width: number, height: number): Uint8Array {
  const img = new pngjs.PNG({ width, height });
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37) & 255;
  return new Uint8Array(pngjs.PNG.sync.write(img));
}
const IMAGE_SEEDS = [
  pngOf(4, 4),
  pngOf(9, 3),
  new Uint8Array(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256).fill(128) }, 80).data),
];

describe('fuzz: malformed dataset files', () => {
  it('CSV text through readCsv, with every option', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...CSV_ALPHABET), { maxLength: 400 }),
        fc.record({
          label: fc.option(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('label', 'nope', ''))),
          header: fc.constantFrom(true, false, 'auto' as const),
        }),
        async (parts, options) => {
          const text = parts.join('');
          const r = await measure(
            'csv',
            () => text,
            () =>
              readCsv(new TextEncoder().encode(text), { label: options.label ?? undefined, header: options.header }),
          );
          checkResult(r);
        },
      ),
      params(300),
    );
  });

  it('.npy pairs with spoiled magic, versions, dtypes, shapes and lengths', async () => {
    await fc.assert(
      fc.asyncProperty(npyArb, npyArb, async (x, y) => {
        checkResult(
          await measure(
            'npy',
            () => hex(x),
            () => readNpyPair(x, y, { xFile: 'x.npy', yFile: 'y.npy' }),
          ),
        );
      }),
      params(250),
    );
  });

  it('IDX pairs with spoiled magic, dims and lengths, plain or gzip', async () => {
    await fc.assert(
      fc.asyncProperty(idxArb, idxArb, fc.boolean(), async (images, labels, zipped) => {
        const [a, b] = zipped ? [gzipSync(images), gzipSync(labels)] : [images, labels];
        checkResult(
          await measure(
            'idx',
            () => hex(images),
            () => readIdx(new Uint8Array(a), new Uint8Array(b), { imagesFile: 'i', labelsFile: 'l' }),
          ),
        );
      }),
      params(250),
    );
  });

  it('PNG and JPEG images with damaged bytes and claimed sizes', async () => {
    const sizeArb = fc.option(
      fc.tuple(fc.constantFrom(0, 1, 20000, 2 ** 31, 65535), fc.constantFrom(0, 1, 20000, 2 ** 31, 65535)),
      { freq: 3 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat(IMAGE_SEEDS.length - 1),
        fc.array(byteEditArb, { maxLength: 6 }),
        sizeArb,
        async (seed, edits, claim) => {
          const bytes = applyByteEdits(IMAGE_SEEDS[seed], edits);
          if (claim && seed < 2 && bytes.length >= 24) {
            new DataView(bytes.buffer, bytes.byteOffset).setUint32(16, claim[0] >>> 0);
            new DataView(bytes.buffer, bytes.byteOffset).setUint32(20, claim[1] >>> 0);
          }
          checkResult(
            await measure(
              'image',
              () => hex(bytes),
              () => decodeImage(bytes, 'cat/x.png'),
            ),
          );
          const folder = [
            { path: 'cat/a.png', data: bytes },
            { path: 'dog/b.png', data: IMAGE_SEEDS[0] },
          ];
          checkResult(
            await measure(
              'image-folder',
              () => hex(bytes),
              () => readImageFolder(folder, { size: [8, 8] }),
            ),
          );
        },
      ),
      params(150),
    );
  });

  it('files through loadDataset, as train --dataset reads them: gzip damaged or not, any content', async () => {
    const contentArb = fc.oneof(
      npyArb,
      idxArb,
      fc.array(fc.constantFrom(...CSV_ALPHABET), { maxLength: 200 }).map((p) => new TextEncoder().encode(p.join(''))),
      fc.uint8Array({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(
        contentArb,
        fc.constantFrom('plain', 'gzip', 'cut-gzip', 'fake-gzip'),
        fc.constantFrom('data.csv', 'x.npy', 'train-images-idx3-ubyte', 'a.bin'),
        async (content, wrap, name) => {
          const gz = gzipSync(content);
          const bytes =
            wrap === 'plain'
              ? content
              : wrap === 'gzip'
                ? gz
                : wrap === 'cut-gzip'
                  ? gz.subarray(0, gz.length >> 1)
                  : Uint8Array.of(0x1f, 0x8b, ...content);
          const file = join(dir, wrap === 'plain' ? name : `${name}.gz`);
          writeFileSync(file, bytes);
          checkResult(
            await measure(
              'load-dataset',
              () => `${name} ${wrap} ${hex(content)}`,
              () => loadDataset(file),
            ),
          );
          rmSync(file);
          if (wrap !== 'plain')
            checkResult(
              await measure(
                'gzip',
                () => hex(bytes),
                () => maybeGunzip(new Uint8Array(bytes), 'f.gz'),
              ),
            );
        },
      ),
      params(250),
    );
  });
});
