import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../engine/data/types';
import { fetchBatch } from '../../../renderer/panels/inside/batch';
import type { ImportedDataset } from '../../../renderer/stores/datasets';

const dataset: Dataset = {
  name: 'points.csv',
  description: '',
  x: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
  y: Int32Array.from([0, 1, 0, 1]),
  sampleShape: [2],
  numClasses: 2,
  count: 4,
  normalization: [],
};
const imported: ImportedDataset[] = [{ id: 'imported:points.csv', fileName: 'points.csv', dataset }];

/** A client that records what it is asked and answers a window of two MNIST-shaped samples. */
function fakeClient() {
  const asked: unknown[] = [];
  const client = {
    async request(type: string, payload: unknown) {
      asked.push({ type, payload });
      return {
        ok: true as const,
        value: { count: 2, sampleShape: [28, 28, 1], x: new Float32Array(2 * 784).fill(0.5) },
      };
    },
  };
  return { client: client as never, asked };
}

describe('the batch the BN inspector pushes through both modes', () => {
  it("takes an imported dataset's first samples from the page, without asking the engine", async () => {
    const { client, asked } = fakeClient();
    const batch = await fetchBatch(client, 'imported:points.csv', 3, imported);
    expect(batch).toEqual({ ok: true, value: { shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) } });
    expect(asked).toEqual([]);
  });

  it("asks the engine for a built-in's training samples", async () => {
    const { client, asked } = fakeClient();
    const batch = await fetchBatch(client, 'mnist', 2, imported);
    expect(asked).toEqual([{ type: 'samples', payload: { dataset: 'mnist', split: 'train', offset: 0, count: 2 } }]);
    expect(batch.ok && batch.value.shape).toEqual([2, 28, 28, 1]);
  });

  it('says what to do when the imported data is no longer open, or the id names nothing', async () => {
    const { client } = fakeClient();
    const gone = await fetchBatch(client, 'imported:other.csv', 2, imported);
    expect(gone).toEqual({
      ok: false,
      error: {
        message: 'The imported dataset other.csv is not open in this window',
        hint: 'Import the file again in the Train tab, then run the batch.',
      },
    });
    const unknown = await fetchBatch(client, 'cifar', 2, imported);
    expect(!unknown.ok && unknown.error.message).toBe('"cifar" is not a dataset LayerCanvas knows');
  });
});
