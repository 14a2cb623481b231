// `samples` and `dataset-import` over the protocol, through the same service the engine processes run.
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../engine/data/node/load';
import { writeIdxUbyte } from '../../../engine/data/importers/idx';
import type { DatasetImportOutcome, EngineMessage, SampleWindow } from '../../../engine/api/protocol';
import { sampleAt, sampleWindow } from '../../../engine/data/samples';
import { inProcessEngine } from '../../support/engine';

const result = <T>(m: EngineMessage) => (m as { result: T }).result;
const error = (m: EngineMessage) => (m as { error: { code?: string; message: string; hint?: string } }).error;

/** A v1 .npy file as NumPy writes it: the magic, the version, the header padded to 64 bytes, little-endian values. */
function npy(descr: string, shape: number[], values: number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const size = descr === '<f4' || descr === '<i4' ? 4 : 8;
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) =>
    descr === '<f4'
      ? view.setFloat32(i * 4, v, true)
      : descr === '<i4'
        ? view.setInt32(i * 4, v, true)
        : view.setFloat64(i * 8, v, true),
  );
  return out;
}

describe('samples', () => {
  it('answers a window of a generated dataset with exactly the values loadDataset gives', async () => {
    const call = inProcessEngine();
    const answer = await call('samples', { dataset: 'spirals', offset: 10, count: 5 });
    expect(answer.ok).toBe(true);
    const w = result<SampleWindow>(answer);
    const reference = await loadDataset('spirals');
    if (!reference.ok) throw new Error('spirals did not load');
    const d = reference.value.train;
    expect(w).toMatchObject({
      split: 'train',
      splits: ['train'],
      total: d.count,
      offset: 10,
      count: 5,
      sampleShape: [2],
      classNames: ['arm 0', 'arm 1'],
      targetSize: 1,
    });
    expect(Array.from(w.x)).toEqual(Array.from(d.x.subarray(20, 30)));
    expect(Array.from(w.y)).toEqual(Array.from(d.y.subarray(10, 15)));
    expect(sampleAt(w, 2).labelText).toBe(d.classNames![d.y[12]]);
  });

  it('answers MNIST test digits as loadDataset reads them: 28×28×1 in [0, 1], named 0-9', async () => {
    const call = inProcessEngine();
    const w = result<SampleWindow>(await call('samples', { dataset: 'mnist', split: 'test', offset: 3, count: 4 }));
    const reference = await loadDataset('mnist');
    if (!reference.ok) throw new Error('mnist did not load');
    const test = reference.value.test!;
    expect(w).toMatchObject({
      split: 'test',
      splits: ['train', 'test'],
      total: test.count,
      count: 4,
      sampleShape: [28, 28, 1],
    });
    expect(w.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(Array.from(w.x)).toEqual(Array.from(test.x.subarray(3 * 784, 7 * 784)));
    expect(Array.from(w.y)).toEqual(Array.from(test.y.subarray(3, 7)));
    expect(Math.max(...w.x)).toBeLessThanOrEqual(1);
    expect(Math.min(...w.x)).toBeGreaterThanOrEqual(0);
  });

  it('clips a window at the end of the split and refuses offsets past it, a count over the cap, and a missing test split', async () => {
    const call = inProcessEngine();
    const end = result<SampleWindow>(await call('samples', { dataset: 'xor', offset: 398, count: 10 }));
    expect([end.offset, end.count, end.x.length]).toEqual([398, 2, 4]);
    const past = await call('samples', { dataset: 'xor', offset: 400, count: 1 });
    expect(error(past)).toMatchObject({
      code: 'out-of-range',
      message: 'offset 400 is past the end of xor (train), which holds 400 samples',
    });
    const tooMany = await call('samples', { dataset: 'xor', offset: 0, count: 257 });
    expect(error(tooMany).code).toBe('bad-request');
    const noTest = await call('samples', { dataset: 'circles', split: 'test', offset: 0, count: 1 });
    expect(error(noTest)).toMatchObject({ code: 'no-split', message: 'the circles dataset has no test split' });
  });
});

describe('dataset-import', () => {
  it('reads a CSV with the label in the last column by default, or in the column the user picks', async () => {
    const call = inProcessEngine();
    const csv = new TextEncoder().encode('a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n');
    const last = result<DatasetImportOutcome>(await call('dataset-import', { name: 'pets.csv', data: csv }));
    if (!last.ok) throw new Error(JSON.stringify(last.errors));
    expect(last.dataset.sampleShape).toEqual([2]);
    expect(Array.from(last.dataset.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(last.dataset.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(last.dataset.y)).toEqual([0, 1, 0]);
    expect(last.csv).toEqual({ columns: ['a', 'b', 'kind'], label: 2 });
    const numbers = new TextEncoder().encode('a,b,c\n0,2,5\n1,4,6\n0,6,7\n');
    const first = result<DatasetImportOutcome>(
      await call('dataset-import', { name: 'n.csv', data: numbers, label: 'a' }),
    );
    if (!first.ok) throw new Error(JSON.stringify(first.errors));
    expect(first.csv).toEqual({ columns: ['a', 'b', 'c'], label: 0 });
    expect(first.dataset.featureNames).toEqual(['b', 'c']);
    expect(Array.from(first.dataset.x)).toEqual([2, 5, 4, 6, 6, 7]);
    expect(Array.from(first.dataset.y)).toEqual([0, 1, 0]);
  });

  it('imports a text table as token ids with its vocabulary, which a preview window reads back as text', async () => {
    const call = inProcessEngine();
    const csv = new TextEncoder().encode('review,sentiment\nnot bad at all,positive\nso bad,negative\n');
    const out = result<DatasetImportOutcome>(await call('dataset-import', { name: 'reviews.csv', data: csv }));
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    expect(out.csv).toEqual({ columns: ['review', 'sentiment'], label: 1 });
    expect(out.dataset.sampleShape).toEqual([4]);
    expect(out.dataset.vocabulary).toEqual(['', '[UNK]', 'bad', 'so', 'not', 'at', 'all']);
    const w = sampleWindow(out.dataset, 'train', ['train'], 0, 2);
    expect([sampleAt(w, 0).text, sampleAt(w, 1).text]).toEqual(['not bad at all', 'so bad']);
  });

  it('reports a CSV problem located by line and column in the file', async () => {
    const call = inProcessEngine();
    const csv = new TextEncoder().encode('a,b,label\n1,2,0\n3,x,1\n');
    const out = result<DatasetImportOutcome>(await call('dataset-import', { name: 'bad.csv', data: csv }));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors[0]).toMatchObject({
      file: 'bad.csv',
      location: { line: 3, column: 3 },
      message: 'the value "x" of "b" is not a number',
    });
  });

  it('pairs x.npy with its y.npy sibling, whichever of the two was picked first', async () => {
    const call = inProcessEngine();
    const x = npy('<f4', [3, 2], [0.5, 1, 1.5, 2, 2.5, 3]);
    const y = npy('<i4', [3], [1, 0, 1]);
    for (const [name, data, siblings] of [
      ['x.npy', x, { 'y.npy': y }],
      ['y.npy', y, { 'x.npy': x }],
    ] as const) {
      const out = result<DatasetImportOutcome>(await call('dataset-import', { name, data, siblings }));
      if (!out.ok) throw new Error(JSON.stringify(out.errors));
      expect(out.dataset.sampleShape).toEqual([2]);
      expect(Array.from(out.dataset.x)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
      expect(Array.from(out.dataset.y)).toEqual([1, 0, 1]);
      expect(out.dataset.numClasses).toBe(2);
    }
    const alone = result<DatasetImportOutcome>(await call('dataset-import', { name: 'x.npy', data: x }));
    expect(alone.ok).toBe(false);
    if (!alone.ok) expect(alone.errors[0].hint).toContain('Pick both files together');
  });

  it('reads an MNIST IDX images/labels pair (and its t10k pair as the test split), pixels scaled to [0, 1]', async () => {
    const call = inProcessEngine();
    const images = writeIdxUbyte([2, 2, 2], [0, 255, 51, 102, 255, 0, 0, 255]);
    const labels = writeIdxUbyte([2], [7, 3]);
    const out = result<DatasetImportOutcome>(
      await call('dataset-import', {
        name: 'train-labels-idx1-ubyte',
        data: labels,
        siblings: {
          'train-images-idx3-ubyte': images,
          't10k-images-idx3-ubyte': writeIdxUbyte([1, 2, 2], [1, 2, 3, 4]),
          't10k-labels-idx1-ubyte': writeIdxUbyte([1], [5]),
        },
      }),
    );
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    expect(out.dataset.sampleShape).toEqual([2, 2, 1]);
    expect(Array.from(out.dataset.x)).toEqual([0, 255, 51, 102, 255, 0, 0, 255].map((v) => Math.fround(v / 255)));
    expect(Array.from(out.dataset.y)).toEqual([7, 3]);
    expect(out.test?.count).toBe(1);
    expect(Array.from(out.test!.y)).toEqual([5]);
    const alone = result<DatasetImportOutcome>(
      await call('dataset-import', { name: 'train-images-idx3-ubyte', data: images }),
    );
    expect(alone.ok).toBe(false);
    if (!alone.ok)
      expect(alone.errors[0].message).toBe(
        'train-images-idx3-ubyte needs its labels file: an IDX dataset is an images file and a labels file',
      );
  });
});
