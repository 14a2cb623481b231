/**
 * "Import image folder…": the user picks a folder with one sub-folder per class; the host hands over its images,
 * the engine reads them at the model Input's size (`dataset-import-folder`), and the dataset joins the select like
 * any import. The files are kept so another size or channel count re-reads them without asking again.
 */
import { formatDataError } from '../../../engine/api/data';
import type { ModelDocument } from '../../../engine/api/graph';
import type { Inference } from '../../../engine/api/graph';
import type { HostFolder } from '../../../common/host';
import { getEngineClient, getHost } from '../../services/host-instance';
import { useDatasets, type ImportedId } from '../../stores/datasets';
import { useTraining } from '../../stores/training';
import { inputShape } from './model-check';
import { importedNotice } from './import-dataset';
import { useUi } from '../../stores/ui';
import { isInputLayer } from '../../../engine/api/layers';

export interface FolderImportOptions {
  /** [height, width]; absent: the first image's size. */
  size?: [number, number];
  /** Absent: grey when every image is grey, else RGB. */
  channels?: 1 | 3;
}

const positiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

/** The size and channels an image-folder import starts from: the model's single Input when it takes images. */
export function folderDefaults(doc: ModelDocument, inference: Inference): FolderImportOptions {
  const inputs = doc.nodes.filter((n) => isInputLayer(n.className));
  if (inputs.length !== 1) return {};
  const shape = inputShape(doc, inference, inputs[0].id);
  if (!shape || shape.length !== 3) return {};
  const [h, w, c] = shape;
  const size: [number, number] | undefined = positiveInt(h) && positiveInt(w) ? [h, w] : undefined;
  const channels = c === 1 || c === 3 ? c : undefined;
  return { ...(size ? { size } : {}), ...(channels ? { channels } : {}) };
}

/** How the defaults read in the button's tooltip: what will happen before anything is picked. */
export function describeOptions(options: FolderImportOptions): string {
  const size = options.size
    ? `resized to ${options.size[0]} × ${options.size[1]}`
    : "resized to the first image's size";
  const channels = options.channels === 1 ? 'grey' : options.channels === 3 ? 'RGB' : 'grey or RGB as the images are';
  return `${size}, ${channels}`;
}

/** The name an imported folder goes by in the select (the slash tells it from a file). */
export const folderLabel = (name: string) => `${name}/`;

/** Read a folder's images into a dataset and choose it for the next run; a problem is kept for the settings column. */
export async function importFolder(folder: HostFolder, options: FolderImportOptions): Promise<ImportedId | null> {
  const datasets = useDatasets.getState();
  if (folder.refused) {
    datasets.setImportProblem({ message: folder.refused.message, hint: folder.refused.hint });
    return null;
  }
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
  const files = folder.files.map((f) => ({ path: f.path, data: f.data as Uint8Array<ArrayBuffer> }));
  // Thousands of images take a while to decode; the default request timeout is meant for quick answers.
  const answer = await client.request(
    'dataset-import-folder',
    { name: folder.name, files, ...options },
    { timeoutMs: 10 * 60_000 },
  );
  if (!answer.ok) {
    datasets.setImportProblem({
      message: `Could not read ${folderLabel(folder.name)}: ${answer.error.message}`,
      hint: answer.error.hint,
    });
    return null;
  }
  const outcome = answer.value;
  if (!outcome.ok) {
    const first = outcome.errors[0];
    const more = outcome.errors.length > 1 ? ` (and ${outcome.errors.length - 1} more)` : '';
    // The engine names files relative to the folder; the user knows them under the folder's name.
    const file =
      first.file === undefined
        ? folder.name
        : first.file.startsWith(`${folder.name}/`)
          ? first.file
          : `${folder.name}/${first.file}`;
    datasets.setImportProblem({
      message: `${formatDataError({ ...first, hint: undefined, file })}${more}`,
      hint: first.hint,
    });
    return null;
  }
  const [h, w, c] = outcome.dataset.sampleShape;
  const id = datasets.add({
    fileName: folderLabel(folder.name),
    dataset: outcome.dataset,
    folder: { name: folder.name, files: folder.files, size: [h, w], channels: c === 1 ? 1 : 3 },
  });
  useTraining.getState().setConfig({ datasetId: id });
  useUi.getState().notify(importedNotice(folderLabel(folder.name), outcome.dataset, outcome.warnings));
  return id;
}

/** The button's action: ask the host for a folder, then read it at the Input's size. */
export async function pickAndImportFolder(options: FolderImportOptions): Promise<ImportedId | null> {
  const folder = await getHost().openFolder();
  return folder ? importFolder(folder, options) : null;
}
