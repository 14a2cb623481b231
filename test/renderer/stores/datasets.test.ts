// Imported datasets: listed beside the built-ins, described for the Input check, and sent inline to train on.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Dataset } from '../../../engine/data/types';
import { builtinInfo } from '../../../engine/data/registry';
import { datasetInfo, importedDataset, trainDatasetSpec, useDatasets } from '../../../renderer/stores/datasets';

const iris: Dataset = {
  name: 'iris',
  description: '6 rows, 2 features; 3 classes.',
  x: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  y: Int32Array.from([0, 1, 2, 0, 1, 2]),
  sampleShape: [2],
  numClasses: 3,
  classNames: ['setosa', 'versicolor', 'virginica'],
  count: 6,
  normalization: [],
};
const prices: Dataset = {
  name: 'prices',
  description: '',
  x: Float32Array.from([1, 2, 3]),
  y: Float32Array.from([10, 20, 30, 40, 50, 60]),
  sampleShape: [1],
  count: 3,
  normalization: [],
};

beforeEach(() => useDatasets.setState({ imported: [], importProblem: null }));

describe('the imported datasets store', () => {
  it('adds a dataset under a new id, replaces it when the same file is imported again, and clears the last problem', () => {
    const s = useDatasets.getState();
    s.setImportProblem({ message: 'bad.csv:3:3: the value "x" of "b" is not a number' });
    const id = s.add({ fileName: 'iris.csv', dataset: iris });
    expect(id).toMatch(/^imported:\d+$/);
    expect(useDatasets.getState().importProblem).toBeNull();
    const again = useDatasets.getState().add({ fileName: 'iris.csv', dataset: { ...iris, count: 3 } });
    expect(again).toBe(id);
    expect(useDatasets.getState().imported).toHaveLength(1);
    expect(importedDataset(id)?.dataset.count).toBe(3);
    const other = useDatasets.getState().add({ fileName: 'prices.csv', dataset: prices });
    expect(other).not.toBe(id);
    useDatasets.getState().remove(id);
    expect(useDatasets.getState().imported.map((d) => d.fileName)).toEqual(['prices.csv']);
  });

  it('describes an imported dataset like a built-in, and a built-in as the registry does', () => {
    const id = useDatasets.getState().add({ fileName: 'iris.csv', dataset: iris });
    expect(datasetInfo(id)).toEqual({
      id,
      title: 'iris.csv',
      description: iris.description,
      sampleShape: [2],
      numClasses: 3,
      classNames: iris.classNames,
      count: 6,
    });
    expect(datasetInfo('mnist')).toEqual(builtinInfo('mnist'));
    expect(datasetInfo('imported:999')).toBeUndefined();
  });

  it('sends a built-in by id (with subset and seed) and an imported one inline, cut to the subset, labels as floats', () => {
    expect(trainDatasetSpec('spirals', { subset: 100, seed: 4 })).toEqual({ id: 'spirals', subset: 100, seed: 4 });
    expect(trainDatasetSpec('mnist', { subset: null, seed: 0 })).toEqual({ id: 'mnist' });
    const id = useDatasets.getState().add({ fileName: 'iris.csv', dataset: iris });
    const spec = trainDatasetSpec(id, { subset: 4, seed: 0 });
    if (!spec || !('inline' in spec)) throw new Error('expected an inline dataset');
    expect(Array.from(spec.inline.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(spec.inline.y).toBeInstanceOf(Float32Array);
    expect(Array.from(spec.inline.y)).toEqual([0, 1, 2, 0]);
    expect(spec.inline).toMatchObject({ name: 'iris.csv', sampleShape: [2], numClasses: 3 });
    expect(trainDatasetSpec('imported:999', { subset: null, seed: 0 })).toBeNull();
  });

  it('sends regression targets with their width instead of a class count', () => {
    const id = useDatasets.getState().add({ fileName: 'prices.csv', dataset: prices });
    const spec = trainDatasetSpec(id, { subset: null, seed: 0 });
    if (!spec || !('inline' in spec)) throw new Error('expected an inline dataset');
    expect(spec.inline.targetSize).toBe(2);
    expect(spec.inline.numClasses).toBeUndefined();
    expect(Array.from(spec.inline.y)).toEqual([10, 20, 30, 40, 50, 60]);
  });
});
