/**
 * Export ▸ Training script in the app: the TensorFlow `train.py` that `layercanvas export --format keras-train`
 * writes, with the Train tab's settings (dataset, subset, optimizer, learning rate, loss, batch, epochs, split,
 * seed). A built-in dataset travels as the CLI's does (MNIST from keras.datasets, a generated one as an .npz); an
 * imported one has no path the script could read, so its arrays travel beside the script as `<name>.npz`.
 */
import { generateBuiltin } from '../../engine/api/data';
import type { ModelDocument } from '../../engine/api/graph';
import { infer } from '../../engine/api/graph';
import { npz, writeTrainingScript } from '../../engine/api/file-formats';
import type { ExportedFile, Strategy, TrainingData } from '../../engine/api/formats';
import { suggestLoss } from '../panels/train/model-check';
import { datasetInfo, importedDataset, type ImportedDataset } from '../stores/datasets';
import type { TrainConfig } from '../stores/training';

export type AppScriptOutcome = { ok: true; files: ExportedFile[] } | { ok: false; message: string };

/** The script and the data file beside it (a generated or imported dataset's .npz; none for MNIST). */
export function appTrainingScript(
  doc: ModelDocument,
  config: TrainConfig,
  strategy: Strategy,
  baseName: string,
  imported: readonly ImportedDataset[],
): AppScriptOutcome {
  const info = datasetInfo(config.datasetId, imported);
  if (!info)
    return { ok: false, message: `The Train tab's dataset '${config.datasetId}' is gone: pick one in Train first` };
  const entry = importedDataset(config.datasetId, imported);
  const inference = infer(doc);
  const loss = config.loss === 'auto' ? suggestLoss(inference, info) : config.loss;
  let data: TrainingData;
  const side: ExportedFile[] = [];
  if (entry) {
    const d = entry.dataset;
    const name = `${entry.fileName.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'data'}.npz`;
    const perTarget = d.count === 0 ? 1 : d.y.length / d.count;
    const y = d.numClasses ? Int32Array.from(d.y) : Float32Array.from(d.y);
    side.push({
      name,
      data: npz({
        x: { shape: [d.count, ...d.sampleShape], data: d.x },
        y: { shape: perTarget === 1 ? [d.count] : [d.count, perTarget], data: y },
      }),
    });
    data = { kind: 'npz', path: name };
  } else data = config.datasetId === 'mnist' ? { kind: 'mnist' } : { kind: 'generated', id: config.datasetId };
  if (data.kind === 'generated' && !generateBuiltin(data.id, { count: 1 }))
    return { ok: false, message: `No built-in dataset '${data.id}' to write beside the script` };
  const files = writeTrainingScript(
    doc,
    {
      data,
      optimizer: config.optimizer,
      learningRate: config.learningRate,
      loss,
      batchSize: config.batchSize,
      epochs: config.epochs,
      validationSplit: config.validationSplit,
      seed: config.seed,
      strategy,
      subset: config.subset,
    },
    baseName,
  );
  return { ok: true, files: [...files, ...side] };
}
