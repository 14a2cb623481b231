/**
 * "Import data…": the user picks a CSV, an x.npy/y.npy pair or an IDX images/labels pair; the engine reads it
 * (`dataset-import`) and the dataset joins the select, chosen for the next run. A failure is kept as data (the
 * first problem, located in its file) for the settings column to show.
 */
import { formatDataError, type DataError, type Dataset } from '../../../engine/api/data';
import { getEngineClient, getHost } from '../../services/host-instance';
import type { HostFile } from '../../../common/host';
import { useDatasets, type ImportedDataset, type ImportedId } from '../../stores/datasets';
import { useTraining } from '../../stores/training';
import { useUi } from '../../stores/ui';

export const DATASET_FILTERS = [
  { name: 'Datasets (CSV, NumPy .npy, MNIST IDX)', extensions: ['csv', 'tsv', 'txt', 'npy', 'gz', 'ubyte'] },
  // IDX files keep MNIST's names without an extension (train-images-idx3-ubyte): let any file be picked.
  { name: 'All files', extensions: ['*'] },
];

/**
 * What an import says once it worked: what came in, and what was left out and why (a stray file in a class folder,
 * a CSV row that didn't parse), so nothing is dropped silently.
 */
export function importedNotice(
  label: string,
  dataset: Pick<Dataset, 'count' | 'numClasses'>,
  warnings: readonly DataError[],
): string {
  const what = `Imported ${label}: ${dataset.count.toLocaleString('en-US')} samples${dataset.numClasses ? `, ${dataset.numClasses} classes` : ''}`;
  if (warnings.length === 0) return what;
  const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more)` : '';
  return `${what}; ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${formatDataError({ ...warnings[0], file: undefined })}${more}`;
}

/** Read a picked file (and its siblings) into a dataset; `label` re-reads a CSV with another label column. */
export async function importDatasetFile(
  file: Pick<HostFile, 'name' | 'data' | 'siblings'>,
  label?: number,
): Promise<ImportedId | null> {
  const datasets = useDatasets.getState();
  let client;
  try {
    client = await getEngineClient();
  } catch (err) {
    datasets.setImportProblem({
      message: `The engine is not reachable: ${err instanceof Error ? err.message : String(err)}`,
      hint: 'Restart LayerCanvas; the status bar shows the engine state.',
    });
    return null;
  }
  const answer = await client.request('dataset-import', {
    name: file.name,
    data: file.data as Uint8Array<ArrayBuffer>,
    ...(file.siblings ? { siblings: file.siblings as Record<string, Uint8Array<ArrayBuffer>> } : {}),
    ...(label !== undefined ? { label } : {}),
  });
  if (!answer.ok) {
    datasets.setImportProblem({
      message: `Could not read ${file.name}: ${answer.error.message}`,
      hint: answer.error.hint,
    });
    return null;
  }
  const outcome = answer.value;
  if (!outcome.ok) {
    const first = outcome.errors[0];
    const more = outcome.errors.length > 1 ? ` (and ${outcome.errors.length - 1} more)` : '';
    datasets.setImportProblem({
      message: `${formatDataError({ ...first, hint: undefined, file: first.file ?? file.name })}${more}`,
      hint: first.hint,
    });
    return null;
  }
  const entry: Omit<ImportedDataset, 'id'> = {
    fileName: file.name,
    dataset: outcome.dataset,
    ...(outcome.test ? { test: outcome.test } : {}),
    ...(outcome.csv ? { csv: { ...outcome.csv, source: { name: file.name, data: file.data } } } : {}),
  };
  const id = datasets.add(entry);
  useTraining.getState().setConfig({ datasetId: id });
  useUi.getState().notify(importedNotice(file.name, outcome.dataset, outcome.warnings));
  return id;
}

/** The "Import data…" button's action: ask the host for the file(s), then read them. */
export async function pickAndImportDataset(): Promise<ImportedId | null> {
  const file = await getHost().openFile(DATASET_FILTERS);
  return file ? importDatasetFile(file) : null;
}
