/**
 * One batch of a run's training data: an imported dataset's from the page, which holds it; a built-in's asked of
 * the engine (only it can read MNIST's files).
 */
import type { Tensor } from '../../../engine/api/core';
import { builtinInfo, type BuiltinId } from '../../../engine/api/data';
import type { ProtocolError } from '../../../engine/api/protocol';
import { sampleWindow } from '../../../engine/api/data';
import type { EngineClient } from '../../services/engine-client';
import { importedDataset, isImportedId, type ImportedDataset } from '../../stores/datasets';

export type BatchResult = { ok: true; value: Tensor } | { ok: false; error: ProtocolError };

/** The first `count` samples of the dataset's training split, as a batch tensor (batch axis first). */
export async function fetchBatch(
  client: Pick<EngineClient, 'request'>,
  datasetId: string,
  count: number,
  imported?: readonly ImportedDataset[],
): Promise<BatchResult> {
  if (isImportedId(datasetId)) {
    const entry = importedDataset(datasetId, imported);
    if (!entry)
      return {
        ok: false,
        error: {
          message: `The imported dataset ${datasetId.slice('imported:'.length)} is not open in this window`,
          hint: 'Import the file again in the Train tab, then run the batch.',
        },
      };
    const w = sampleWindow(entry.dataset, 'train', ['train'], 0, count);
    if (w.count === 0)
      return { ok: false, error: { message: `${entry.fileName} holds no samples`, hint: 'import another file' } };
    return { ok: true, value: { shape: [w.count, ...w.sampleShape], data: w.x } };
  }
  const info = builtinInfo(datasetId);
  if (!info)
    return {
      ok: false,
      error: {
        message: `"${datasetId}" is not a dataset LayerCanvas knows`,
        hint: 'train on a built-in dataset or an imported one',
      },
    };
  const answer = await client.request('samples', { dataset: info.id as BuiltinId, split: 'train', offset: 0, count });
  if (!answer.ok) return answer;
  const w = answer.value;
  if (w.count === 0)
    return { ok: false, error: { message: `${info.title} returned no samples`, hint: 'pick another dataset' } };
  return { ok: true, value: { shape: [w.count, ...w.sampleShape], data: w.x } };
}
