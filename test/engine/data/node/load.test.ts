import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../../engine/data/node/load';

const NPY = join(__dirname, '../../../fixtures/data/npy');
let root: string;

function png(value: number, side: number): Buffer {
  const img = new pngjs.PNG({ width: side, height: side });
  for (let i = 0; i < side * side; i++) img.data.set([value, value, value, 255], 4 * i);
  return pngjs.PNG.sync.write(img);
}

/** An IDX pair of `n` 2×2 images whose pixels all equal their label × 10. */
function idxPair(n: number): [Buffer, Buffer] {
  const images = Buffer.alloc(16 + 4 * n);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(2, 8);
  images.writeUInt32BE(2, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) {
    labels[8 + i] = i % 3;
    images.fill((i % 3) * 10, 16 + 4 * i, 20 + 4 * i);
  }
  return [images, labels];
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'layercanvas-data-'));
  writeFileSync(join(root, 'iris.csv'), 'a,b,species\n1,2,setosa\n3,4,virginica\n5,6,setosa\n');
  writeFileSync(join(root, 'bad.csv'), 'a,b,y\n1,2,0\n3,oops,1\n');
  writeFileSync(join(root, 'small.csv.gz'), gzipSync('a,b,y\n1,2,0\n3,4,1\n'));
  mkdirSync(join(root, 'arrays'));
  copyFileSync(join(NPY, 'x.npy'), join(root, 'arrays', 'x.npy'));
  copyFileSync(join(NPY, 'y.npy'), join(root, 'arrays', 'y.npy'));
  copyFileSync(join(NPY, 'x.npy'), join(root, 'arrays', 'X_train.npy'));
  copyFileSync(join(NPY, 'onehot.npy'), join(root, 'arrays', 'y_train.npy'));
  copyFileSync(join(NPY, 'x.npy'), join(root, 'lonely.npy'));
  mkdirSync(join(root, 'mnist-idx'));
  const [trainImages, trainLabels] = idxPair(6);
  const [testImages, testLabels] = idxPair(3);
  writeFileSync(join(root, 'mnist-idx', 'train-images-idx3-ubyte.gz'), gzipSync(trainImages));
  writeFileSync(join(root, 'mnist-idx', 'train-labels-idx1-ubyte.gz'), gzipSync(trainLabels));
  writeFileSync(join(root, 'mnist-idx', 't10k-images-idx3-ubyte'), testImages);
  writeFileSync(join(root, 'mnist-idx', 't10k-labels-idx1-ubyte'), testLabels);
  for (const [cls, value] of [
    ['cats', 0],
    ['dogs', 255],
  ] as const) {
    mkdirSync(join(root, 'pets', cls), { recursive: true });
    for (let i = 0; i < 2; i++) writeFileSync(join(root, 'pets', cls, `${i}.png`), png(value, 6));
  }
  writeFileSync(join(root, 'pets', 'README'), 'not an image');
  for (const split of ['train', 'test']) {
    for (const [cls, value] of [
      ['circle', 40],
      ['square', 200],
    ] as const) {
      mkdirSync(join(root, 'split', split, cls), { recursive: true });
      writeFileSync(join(root, 'split', split, cls, 'a.png'), png(value, split === 'train' ? 4 : 8));
    }
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadDataset', () => {
  it('generates a built-in by id, honouring count, seed and subset', async () => {
    const r = await loadDataset('spirals', { count: 50, seed: 3 });
    expect(r.ok && r.value.train.count).toBe(50);
    const s = await loadDataset('SHAPES', { subset: 10, size: 16 });
    expect(s.ok && [s.value.train.count, s.value.train.sampleShape]).toEqual([10, [16, 16, 1]]);
  });

  it('loads MNIST with its test split', async () => {
    const r = await loadDataset('mnist', { subset: 40 });
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.train.count).toBe(40);
    expect(r.value.test?.count).toBe(10);
  });

  it('reads a CSV file, and locates a bad cell in it by file and line:column', async () => {
    const r = await loadDataset(join(root, 'iris.csv'));
    expect(r.ok && r.value.train.classNames).toEqual(['setosa', 'virginica']);
    const bad = await loadDataset(join(root, 'bad.csv'));
    expect(!bad.ok && bad.errors[0]).toMatchObject({ file: join(root, 'bad.csv'), location: { line: 3, column: 3 } });
  });

  it('reads a gzip-compressed CSV through', async () => {
    const r = await loadDataset(join(root, 'small.csv.gz'));
    expect(r.ok && [r.value.train.name, Array.from(r.value.train.x)]).toEqual(['small', [1, 2, 3, 4]]);
  });

  it('reads x.npy + y.npy from a folder, and X_train.npy with its y_train.npy partner', async () => {
    const folder = await loadDataset(join(root, 'arrays'));
    expect(folder.ok && Array.from(folder.value.train.y)).toEqual([2, 0, 1]);
    const pair = await loadDataset(join(root, 'arrays', 'y_train.npy'));
    expect(pair.ok && Array.from(pair.value.train.y)).toEqual([1, 2, 0]);
    const lonely = await loadDataset(join(root, 'lonely.npy'));
    expect(!lonely.ok && lonely.errors[0].message).toBe(
      'lonely.npy holds one array, but a dataset needs features and labels',
    );
  });

  it('reads a folder of IDX files, gzip or not, as train and test splits', async () => {
    const r = await loadDataset(join(root, 'mnist-idx'));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.train.count).toBe(6);
    expect(r.value.test?.count).toBe(3);
    expect(Array.from(r.value.train.y)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(r.value.train.x[4 * 2]).toBeCloseTo(20 / 255, 6);
    const single = await loadDataset(join(root, 'mnist-idx', 't10k-labels-idx1-ubyte'));
    expect(single.ok && single.value.train.count).toBe(3);
  });

  it('reads a folder of class sub-folders of images', async () => {
    const r = await loadDataset(join(root, 'pets'), { imageSize: [3, 3] });
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.train.classNames).toEqual(['cats', 'dogs']);
    expect(r.value.train.sampleShape).toEqual([3, 3, 1]);
    expect(Array.from(r.value.train.y)).toEqual([0, 0, 1, 1]);
  });

  it('reads train/ and test/ image folders as two splits of the same size and classes', async () => {
    const r = await loadDataset(join(root, 'split'));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.train.classNames).toEqual(['circle', 'square']);
    expect(r.value.test?.classNames).toEqual(['circle', 'square']);
    // The test images are 8×8 but follow the training size, 4×4.
    expect(r.value.test?.sampleShape).toEqual([4, 4, 1]);
    expect(r.value.test?.x[16]).toBeCloseTo(200 / 255, 5);
  });

  it('explains a spec that is neither a built-in nor a path', async () => {
    const r = await loadDataset('cifar10');
    expect(!r.ok && r.errors[0].message).toBe('"cifar10" is neither a built-in dataset nor a file or folder');
    expect(!r.ok && r.errors[0].hint).toMatch(/^Built-in datasets: mnist, shapes, spirals, circles, xor, reviews;/);
  });
});
