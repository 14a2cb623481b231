// The desktop open dialog picks one file; main brings a dataset's other half from beside it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPartners, readHostFile } from '../../electron/main/file-logic';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layercanvas-data-'));
  writeFileSync(join(dir, 'x_train.npy'), new Uint8Array([1]));
  writeFileSync(join(dir, 'y_train.npy'), new Uint8Array([2, 3]));
  writeFileSync(join(dir, 'X.npy'), new Uint8Array([4]));
  writeFileSync(join(dir, 'x.npy'), new Uint8Array([8]));
  writeFileSync(join(dir, 'y.npy'), new Uint8Array([9]));
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), new Uint8Array([5]));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), new Uint8Array([6]));
  writeFileSync(join(dir, 'features.npy'), new Uint8Array([7]));
  writeFileSync(join(dir, 'table.csv'), 'a,b\n1,0\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dataPartners', () => {
  it('finds y for x and x for y, keeping the rest of the name', () => {
    expect(dataPartners(join(dir, 'x_train.npy')).map((p) => basename(p))).toEqual(['y_train.npy']);
    expect(dataPartners(join(dir, 'y_train.npy')).map((p) => basename(p))).toEqual(['x_train.npy']);
    expect(dataPartners(join(dir, 'x.npy')).map((p) => basename(p))).toEqual(['y.npy']);
  });

  it('pairs IDX images with labels and back', () => {
    expect(dataPartners(join(dir, 'train-images-idx3-ubyte')).map((p) => basename(p))).toEqual([
      'train-labels-idx1-ubyte',
    ]);
    expect(dataPartners(join(dir, 'train-labels-idx1-ubyte')).map((p) => basename(p))).toEqual([
      'train-images-idx3-ubyte',
    ]);
  });

  it('finds nothing when the partner is missing or the file is no dataset half', () => {
    expect(dataPartners(join(dir, 'X.npy')).map((p) => basename(p))).toEqual(['y.npy']);
    expect(dataPartners(join(dir, 'features.npy'))).toEqual([]);
    expect(dataPartners(join(dir, 'table.csv'))).toEqual([]);
  });
});

describe('readHostFile with a dataset half', () => {
  it('brings the partner file as a sibling, by name', () => {
    const r = readHostFile(join(dir, 'x_train.npy'));
    if (!r.ok) throw new Error(r.message);
    expect(Array.from(r.file.data)).toEqual([1]);
    expect(Object.keys(r.file.siblings ?? {})).toEqual(['y_train.npy']);
    expect(Array.from(r.file.siblings!['y_train.npy'])).toEqual([2, 3]);
  });

  it('leaves a CSV alone', () => {
    const r = readHostFile(join(dir, 'table.csv'));
    expect(r.ok && r.file.siblings).toBeUndefined();
  });
});
