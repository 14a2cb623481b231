/**
 * The inference as the canvas and the Problems list show it: the model's own problems, plus the Train tab's check
 * of the output against the selected dataset's labels (units ≠ classes, a rank-N output), so that problem has a
 * badge on its layer and a fix button wherever problems are listed, not only on the Train tab.
 */
import type { ModelDocument } from '../../engine/api/graph';
import type { Inference } from '../../engine/api/graph';
import { datasetInfo, useDatasets, type DatasetId, type ImportedDataset } from '../stores/datasets';
import { useGraph } from '../stores/graph';
import { useInference } from '../stores/inference';
import { useTraining, type TrainConfig } from '../stores/training';
import { datasetFitProblem, withProblem } from './train/model-check';

interface Key {
  inference: Inference;
  datasetId: DatasetId;
  imported: readonly ImportedDataset[];
  loss: TrainConfig['loss'];
}
let last: { key: Key; result: Inference } | null = null;

/**
 * Memoised on the inference, the dataset and the loss: a drag reuses the inference (the document's structure is
 * unchanged), and so the result, keeping every node's data object and the memo'd nodes un-rendered.
 */
function checked(doc: ModelDocument, key: Key): Inference {
  const k = last?.key;
  if (
    k &&
    last &&
    k.inference === key.inference &&
    k.datasetId === key.datasetId &&
    k.imported === key.imported &&
    k.loss === key.loss
  )
    return last.result;
  const info = datasetInfo(key.datasetId, key.imported);
  const result = info
    ? withProblem(key.inference, datasetFitProblem(doc, key.inference, info, key.loss))
    : key.inference;
  last = { key, result };
  return result;
}

export function useCheckedInference(): Inference {
  const inference = useInference();
  const doc = useGraph((s) => s.doc);
  const datasetId = useTraining((s) => s.config.datasetId);
  const loss = useTraining((s) => s.config.loss);
  const imported = useDatasets((s) => s.imported);
  return checked(doc, { inference, datasetId, imported, loss });
}
