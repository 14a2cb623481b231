// Fuzz: hostile and damaged .keras and .h5 files through the CLI in this process (summary --json): truncated at
// any byte, bytes flipped, zip bombs (a member stating a huge size, and one that lies about a small one), members
// missing, config.json broken, HDF5 datasets of absurd shapes. Every case ends with exit 0 or 1 and one-line
// messages; none throws, hangs or prints a stack.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, measure, params, recordTo } from './support';

recordTo('keras-files');

const BINARY = new URL('../fixtures/binary/', import.meta.url);
const seed = (name: string) => new Uint8Array(readFileSync(new URL(name, BINARY)));
const SEEDS: [string, Uint8Array][] = ['cnn-bn.keras', 'branches.keras', 'cnn-bn.h5', 'branches.h5'].map((n) => [
  n,
  seed(n),
]);

const dir = mkdtempSync(join(tmpdir(), 'layercanvas-fuzz-keras-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs summary on the bytes saved under `name`; checks exit 0 or 1, a reason on failure, one line per message. */
async function check(kind: string, name: string, data: Uint8Array, show: () => string) {
  const file = join(dir, name);
  writeFileSync(file, data);
  const r = await measure(kind, show, () => cli('summary', file, '--json'));
  expect([0, 1]).toContain(r.code);
  // support.cli has checked that every message is one line.
  if (r.code === 1) expect(r.err.length).toBeGreaterThan(0);
  for (const line of r.err) expect(line).not.toMatch(/\bat \w+ \(|HDF5-DIAG/);
  return { code: r.code, err: r.err.join('\n') };
}

const members = (keras: Uint8Array) => unzipSync(keras);
const zip = (files: Record<string, Uint8Array>) => zipSync(files, { level: 0 });

describe('damaged files', () => {
  it('truncated at any byte: one line each, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SEEDS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async ([name, bytes], at) => {
          const cut = Math.floor(bytes.length * at);
          await check('truncated', name, bytes.subarray(0, cut), () => `${name}[:${cut}]`);
        },
      ),
      params(40),
    );
  });

  it('bytes flipped anywhere: it reads or it says why in one line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SEEDS),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        async ([name, bytes], flips) => {
          const data = bytes.slice();
          for (const [at, x] of flips) data[Math.floor(at * (data.length - 1))] ^= x;
          await check('flipped', name, data, () => `${name} flips ${JSON.stringify(flips)}`);
        },
      ),
      params(40),
    );
  });
});

describe('hostile .keras zips', () => {
  const good = members(seed('cnn-bn.keras'));

  it('a member that states more than the limit is refused before it inflates', async () => {
    const data = zipSync({
      'metadata.json': good['metadata.json'],
      'config.json': good['config.json'],
      'model.weights.h5': new Uint8Array(4096),
    });
    // Patch the central directory's uncompressed size of model.weights.h5 to 3 GiB.
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let patched = 0;
    for (let o = 0; o < data.length - 46; o++)
      if (
        view.getUint32(o, true) === 0x02014b50 &&
        new TextDecoder().decode(data.subarray(o + 46, o + 46 + 16)) === 'model.weights.h5'
      ) {
        view.setUint32(o + 24, 3 * 1024 ** 3, true);
        patched += 1;
      }
    expect(patched).toBe(1);
    const r = await check('bomb', 'bomb.keras', data, () => 'stated 3 GiB');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/model\.weights\.h5 unpacks to 3\.0 GiB, more than the 1\.0 GiB LayerCanvas reads/);
  });

  it('a member that inflates past the size it states stops there (it then reads as a truncated file)', async () => {
    const big = new Uint8Array(64 * 1024 ** 2);
    const data = zipSync({ 'config.json': good['config.json'], 'model.weights.h5': big }, { level: 9 });
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let o = 0; o < data.length - 46; o++)
      if (
        view.getUint32(o, true) === 0x02014b50 &&
        new TextDecoder().decode(data.subarray(o + 46, o + 46 + 16)) === 'model.weights.h5'
      )
        view.setUint32(o + 24, 1024, true);
    const r = await check('bomb', 'liar.keras', data, () => 'states 1 KiB, inflates to 64 MiB');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/model\.weights\.h5 is not a readable HDF5 file/);
  });

  it.each([
    [
      ['metadata.json', 'model.weights.h5'],
      /has no config\.json, so it is not a whole \.keras model \(it holds metadata\.json, model\.weights\.h5\)/,
    ],
    [['metadata.json', 'config.json'], /has no model\.weights\.h5, so it is not a whole \.keras model/],
    [[], /missing\.keras: the zip is damaged or truncated|has no config\.json and no model\.weights\.h5/],
  ])('members missing (%j): one line saying which', async (keep, message) => {
    const data = zip(Object.fromEntries(keep.map((k) => [k, good[k]])));
    const r = await check('missing', 'missing.keras', data, () => keep.join(','));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
  });

  it('config.json that is not JSON, or not a model: located in config.json', async () => {
    const broken = zip({
      ...good,
      'config.json': new TextEncoder().encode('{"class_name": "Sequential", "config": {'),
    });
    const r = await check('config', 'broken.keras', broken, () => 'cut config');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.keras:config\.json/);
    const other = zip({ ...good, 'config.json': new TextEncoder().encode('{"class_name": "Adam", "config": {}}') });
    expect((await check('config', 'other.keras', other, () => 'Adam')).err).toMatch(
      /class_name "Adam" is not a Keras model class/,
    );
  });

  it('a weights file whose dataset declares 4 TB (written by h5py, chunked, never filled): refused by shape', async () => {
    const h5 = seed('absurd-shape.weights.h5');
    const data = zip({ ...good, 'model.weights.h5': h5 });
    const r = await check('absurd', 'absurd.keras', data, () => 'huge dataset');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /weight 'kernel' has shape \(1000, 1000, 1000, 1000\) in model\.weights\.h5 \(layers\/conv2d\/vars\/0\), but the model needs \(3, 3, 2, 3\)/,
    );
  });
});
