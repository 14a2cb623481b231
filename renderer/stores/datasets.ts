/**
 * Datasets the user imported from files (CSV, an x/y .npy pair, IDX) or an image folder: the engine reads the files
 * (`dataset-import`) and the arrays live here for the session, listed beside the built-ins, previewed, checked
 * against the model's Input and sent `inline` to train on. A CSV keeps its bytes so another label column can be
 * picked without asking for the file again.
 */
import { create } from 'zustand';
import type { Dataset, DatasetInfo } from '../../engine/api/data';
import { builtinInfo, type BuiltinId } from '../../engine/api/data';
import type { PayloadOf } from '../../engine/api/protocol';

export type ImportedId = `imported:${string}`;
/** What the dataset select holds: a built-in's id or an imported dataset's. */
export type DatasetId = BuiltinId | ImportedId;

export interface ImportedDataset {
  id: ImportedId;
  fileName: string;
  dataset: Dataset;
  /** A held-out split the files brought (an IDX t10k pair). */
  test?: Dataset;
  /** For a CSV: its columns, which one is the label, and the file to read again with another label. */
  csv?: { columns: string[]; label: number; source: { name: string; data: Uint8Array } };
  /** For an image folder: its files, kept to read again at another size or channel count. */
  folder?: ImportedFolder;
}

export interface ImportedFolder {
  name: string;
  files: { path: string; data: Uint8Array }[];
  size: [number, number];
  channels: 1 | 3;
}

/** Why the last import failed, shown under the dataset select until the next import. */
export interface ImportProblem {
  message: string;
  hint?: string;
}

export interface DatasetsState {
  imported: ImportedDataset[];
  importProblem: ImportProblem | null;
  setImportProblem(problem: ImportProblem | null): void;
  /** Adds (or, for the same file name, replaces) a dataset; returns its id. */
  add(entry: Omit<ImportedDataset, 'id'>): ImportedId;
  remove(id: ImportedId): void;
}

let counter = 0;

export const useDatasets = create<DatasetsState>()((set, get) => ({
  imported: [],
  importProblem: null,
  setImportProblem: (importProblem) => set({ importProblem }),
  add(entry) {
    const existing = get().imported.find((d) => d.fileName === entry.fileName);
    const id = existing?.id ?? (`imported:${++counter}` as ImportedId);
    const record: ImportedDataset = { ...entry, id };
    set({
      imported: existing ? get().imported.map((d) => (d.id === id ? record : d)) : [...get().imported, record],
      importProblem: null,
    });
    return id;
  },
  remove: (id) => set({ imported: get().imported.filter((d) => d.id !== id) }),
}));

export const isImportedId = (id: string): id is ImportedId => id.startsWith('imported:');

export function importedDataset(
  id: string,
  imported: readonly ImportedDataset[] = useDatasets.getState().imported,
): ImportedDataset | undefined {
  return isImportedId(id) ? imported.find((d) => d.id === id) : undefined;
}

/** A dataset as the Train tab lists and checks it, built-in or imported; undefined for an id that is neither. */
export function datasetInfo(
  id: string,
  imported: readonly ImportedDataset[] = useDatasets.getState().imported,
): DatasetInfo | undefined {
  const entry = importedDataset(id, imported);
  if (!entry) return isImportedId(id) ? undefined : builtinInfo(id);
  const d = entry.dataset;
  return {
    id,
    title: entry.fileName,
    description: d.description,
    sampleShape: d.sampleShape,
    numClasses: d.numClasses ?? 0,
    classNames: d.classNames ?? [],
    count: d.count,
  };
}

/** The `train` request's dataset: a built-in by id, an imported one inline (its first `subset` samples). */
export function trainDatasetSpec(
  id: DatasetId,
  options: { subset: number | null; seed: number },
  imported: readonly ImportedDataset[] = useDatasets.getState().imported,
): PayloadOf<'train'>['dataset'] | null {
  const entry = importedDataset(id, imported);
  if (!entry)
    return isImportedId(id)
      ? null
      : { id: id as BuiltinId, ...(options.subset ? { subset: options.subset, seed: options.seed } : {}) };
  const d = entry.dataset;
  const count = options.subset ? Math.min(options.subset, d.count) : d.count;
  const per = d.sampleShape.reduce((a, b) => a * b, 1);
  const perTarget = d.count === 0 ? 1 : d.y.length / d.count;
  return {
    inline: {
      name: entry.fileName,
      // A copy when cut: a view would carry its whole buffer through a structured clone.
      x: count === d.count ? (d.x as Float32Array<ArrayBuffer>) : d.x.slice(0, count * per),
      y: Float32Array.from(d.y.subarray(0, count * perTarget)),
      sampleShape: d.sampleShape,
      ...(d.numClasses ? { numClasses: Math.max(2, d.numClasses) } : { targetSize: perTarget }),
    },
  };
}
