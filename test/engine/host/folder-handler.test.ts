// `dataset-import-folder` over the protocol, through the same service the engine processes run, on folders of tiny
// PNGs made with pngjs whose every pixel value is known.
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readImageFolder } from '../../../engine/data/importers/image-folder';
import type { DatasetImportOutcome, EngineMessage } from '../../../engine/api/protocol';
import { inProcessEngine } from '../../support/engine';

const outcomeOf = (m: EngineMessage) => (m as { result: DatasetImportOutcome }).result;

/** A grey PNG (pngjs colorType 0) whose pixel (x, y) is `value(x, y)`. */
function greyPng(width: number, height: number, value: (x: number, y: number) => number): Uint8Array {
  const img = new pngjs.PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) img.data.set([value(x, y), value(x, y), value(x, y), 255], 4 * (y * width + x));
  return new Uint8Array(pngjs.PNG.sync.write(img, { colorType: 0, inputColorType: 6 }));
}

const CLASSES = ['circle', 'square', 'triangle'];
/** Image k of class c: 4×4 grey, pixel (x, y) = 60c + 12k + x + 4y, so the first pixel names the image. */
const pixel = (c: number, k: number, x: number, y: number) => 60 * c + 12 * k + x + 4 * y;
const folder = CLASSES.flatMap((name, c) =>
  [0, 1, 2].map((k) => ({
    path: `${name}/${String(k + 1).padStart(3, '0')}.png`,
    data: greyPng(4, 4, (x, y) => pixel(c, k, x, y)),
  })),
);

describe('dataset-import-folder', () => {
  it('reads three class folders of PNGs: class names from the folders, each sample one generated image with its class, pixel for pixel', async () => {
    const answer = await inProcessEngine()('dataset-import-folder', { name: 'shapes', files: folder });
    expect(answer.ok).toBe(true);
    const outcome = outcomeOf(answer);
    if (!outcome.ok) throw new Error(outcome.errors[0].message);
    const d = outcome.dataset;
    expect(d).toMatchObject({ name: 'shapes', count: 9, sampleShape: [4, 4, 1], numClasses: 3, classNames: CLASSES });
    const seen = new Set<string>();
    for (let i = 0; i < d.count; i++) {
      const first = Math.round(d.x[i * 16] * 255);
      const c = Math.floor(first / 60);
      const k = (first - 60 * c) / 12;
      seen.add(`${c}:${k}`);
      expect(d.y[i]).toBe(c);
      const expected = Array.from({ length: 16 }, (_, p) => Math.fround(pixel(c, k, p % 4, Math.floor(p / 4)) / 255));
      expect(Array.from(d.x.subarray(i * 16, (i + 1) * 16))).toEqual(expected);
    }
    expect(seen.size).toBe(9);
  });

  it('gives the samples readImageFolder gives (the CLI reader), shuffled as Keras shuffles: not by class, the same order each time', async () => {
    const reference = readImageFolder(folder, { name: 'shapes' });
    if (!reference.ok) throw new Error(reference.errors[0].message);
    const first = outcomeOf(await inProcessEngine()('dataset-import-folder', { name: 'shapes', files: folder }));
    const again = outcomeOf(
      await inProcessEngine()('dataset-import-folder', { name: 'shapes', files: [...folder].reverse() }),
    );
    if (!first.ok || !again.ok) throw new Error('the import failed');
    const samples = (x: Float32Array, y: ArrayLike<number>, n: number) =>
      Array.from({ length: n }, (_, i) => `${y[i]}|${Array.from(x.subarray(i * 16, (i + 1) * 16)).join(',')}`);
    const got = samples(first.dataset.x, first.dataset.y, 9);
    expect([...got].sort()).toEqual(samples(reference.value.x, reference.value.y, 9).sort());
    expect(Array.from(first.dataset.y)).not.toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(samples(again.dataset.x, again.dataset.y, 9)).toEqual(got);
  });

  it('resizes to the asked size and channels: a one-colour image stays that colour, grey becomes R = G = B', async () => {
    const flat = [
      { path: 'dark/a.png', data: greyPng(5, 3, () => 40) },
      { path: 'light/b.png', data: greyPng(2, 6, () => 200) },
    ];
    const outcome = outcomeOf(
      await inProcessEngine()('dataset-import-folder', { name: 'flat', files: flat, size: [3, 2], channels: 3 }),
    );
    if (!outcome.ok) throw new Error(outcome.errors[0].message);
    expect(outcome.dataset.sampleShape).toEqual([3, 2, 3]);
    for (let i = 0; i < 2; i++) {
      const value = outcome.dataset.y[i] === 0 ? 40 : 200;
      expect(Array.from(outcome.dataset.x.subarray(i * 18, (i + 1) * 18))).toEqual(
        new Array(18).fill(Math.fround(value / 255)),
      );
    }
  });

  it('refuses a folder with one class, naming it', async () => {
    const outcome = outcomeOf(
      await inProcessEngine()('dataset-import-folder', {
        name: 'pets',
        files: folder.filter((f) => f.path.startsWith('circle/')),
      }),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors[0].message).toBe('the only class folder is "circle": a classifier needs at least two');
    expect(outcome.errors[0].file).toBe('circle');
  });

  it('names the file that cannot be decoded', async () => {
    const broken = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);
    const outcome = outcomeOf(
      await inProcessEngine()('dataset-import-folder', {
        name: 'shapes',
        files: [...folder, { path: 'square/broken.png', data: broken }],
      }),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0].file).toBe('square/broken.png');
    expect(outcome.errors[0].message).toMatch(/^can't decode the image/);
  });

  it('refuses images with no class folders, naming each skipped file', async () => {
    const loose = [
      { path: 'a.png', data: folder[0].data },
      { path: 'b.png', data: folder[3].data },
    ];
    const outcome = outcomeOf(await inProcessEngine()('dataset-import-folder', { name: 'loose', files: loose }));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors[0].message).toBe('no PNG or JPEG images were found in class folders');
    expect(outcome.errors.slice(1).map((e) => e.file)).toEqual(['a.png', 'b.png']);
  });

  it('refuses a target size whose array would pass 256 MB before decoding anything', async () => {
    const outcome = outcomeOf(
      await inProcessEngine()('dataset-import-folder', {
        name: 'shapes',
        files: folder,
        size: [4096, 4096],
        channels: 1,
      }),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    // 9 × 4096 × 4096 × 1 × 4 bytes = 576 MB.
    expect(outcome.errors[0].message).toBe(
      '9 images at 4096×4096 would take 576 MB as float32, more than the 256 MB an import may hold',
    );
  });

  it('rejects a payload whose size is not two positive integers', async () => {
    const answer = await inProcessEngine()('dataset-import-folder', { name: 'shapes', files: folder, size: [0, 28] });
    expect(answer.ok).toBe(false);
  });
});
