/**
 * `layercanvas export <model> --format keras-train --out train.py [--dataset D] [--strategy S] [--epochs N]
 *  [--batch-size B] [--optimizer O] [--lr X] [--loss L] [--validation-split F] [--seed S]`: the training script
 * (engine/formats/keras-train.ts). Unset settings come from the project's last run, else Keras's defaults.
 */
import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { BUILTIN_IDS, builtinInfo, generateBuiltin } from '../engine/data/registry';
import { readProjectFile } from '../engine/formats/project';
import {
  STRATEGIES,
  type Strategy,
  type TrainingData,
  type TrainingScriptSettings,
} from '../engine/formats/keras-train';
import type { ModelDocument } from '../engine/graph/document';
import { appliedActivation } from '../engine/graph/advice';
import { infer } from '../engine/graph/inference';
import { LOSSES, type LossName } from '../engine/train/losses';
import { OPTIMIZERS, type OptimizerName } from '../engine/train/optimizers';
import { UsageError } from './io';
import { number as trainNumber, suggestLoss, type TrainOptions } from './train';

/** The run settings `train` takes, and the strategy. */
export type ScriptOptions = Pick<
  TrainOptions,
  'dataset' | 'epochs' | 'batchSize' | 'optimizer' | 'lr' | 'loss' | 'validationSplit' | 'seed' | 'subset'
> & {
  strategy?: string;
};

/** A numeric flag checked as `train` checks it; undefined when not given. */
const given = (
  value: string | undefined,
  name: string,
  check: (n: number) => boolean,
  rule: string,
): number | undefined => (value === undefined ? undefined : trainNumber(value, 0, name, check, rule));

/** Where the data is, told from the file system as `train --dataset` tells it. */
function trainingData(spec: string): TrainingData {
  const info = builtinInfo(spec);
  if (info) return info.id === 'mnist' ? { kind: 'mnist' } : { kind: 'generated', id: info.id };
  let folder: boolean;
  try {
    folder = statSync(spec).isDirectory();
  } catch {
    throw new UsageError(`--dataset '${spec}' is neither a built-in dataset nor a file or folder`);
  }
  const path = resolve(spec);
  if (folder) {
    try {
      if (statSync(resolve(spec, 'x.npy')).isFile()) return { kind: 'npy', path };
    } catch {}
    return { kind: 'images', path };
  }
  const ext = extname(spec).toLowerCase();
  if (ext === '.npy') return { kind: 'npy', path };
  if (ext === '.npz') return { kind: 'npz', path };
  if (ext === '.csv') return { kind: 'csv', path };
  throw new UsageError(
    `--dataset '${spec}': the training script reads a built-in dataset, a .csv, an .npz, x.npy/y.npy or a folder of images`,
  );
}

/** The settings: the flags, else the project's last run, else Keras's defaults and the loss the model suggests. */
export function scriptSettings(doc: ModelDocument, modelText: string, opts: ScriptOptions): TrainingScriptSettings {
  const project = modelText.trimStart().startsWith('{') ? readProjectFile(modelText) : null;
  const last = project?.ok ? project.runs?.at(-1)?.config : undefined;
  const dataset = opts.dataset ?? (last && !last.datasetId.startsWith('imported:') ? last.datasetId : undefined);
  if (!dataset) throw new UsageError(`--dataset is required: ${BUILTIN_IDS.join(', ')}, or a file or folder`);
  const strategy = (opts.strategy ?? 'default') as Strategy;
  if (!STRATEGIES.includes(strategy))
    throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}, got '${opts.strategy}'`);
  const optimizer = (opts.optimizer?.toLowerCase() ?? last?.optimizer ?? 'adam') as OptimizerName;
  if (!OPTIMIZERS.includes(optimizer))
    throw new UsageError(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got '${opts.optimizer}'`);
  if (opts.loss && !LOSSES.includes(opts.loss as LossName))
    throw new UsageError(`--loss must be one of ${LOSSES.join(', ')}, got '${opts.loss}'`);
  const data = trainingData(dataset);
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  return {
    data,
    strategy,
    optimizer,
    learningRate: given(opts.lr, 'lr', (n) => n > 0, 'a positive number') ?? last?.learningRate ?? null,
    loss: (opts.loss as LossName | undefined) ?? last?.loss ?? lossFor(doc, data),
    batchSize: given(opts.batchSize, 'batch-size', whole, 'a whole number ≥ 1') ?? last?.batchSize ?? 32,
    epochs: given(opts.epochs, 'epochs', whole, 'a whole number ≥ 1') ?? last?.epochs ?? 10,
    validationSplit:
      given(opts.validationSplit, 'validation-split', (n) => n >= 0 && n < 1, 'from 0 up to (not including) 1') ??
      last?.validationSplit ??
      0.1,
    seed: given(opts.seed, 'seed', (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0') ?? last?.seed ?? 0,
    subset: given(opts.subset, 'subset', whole, 'a whole number ≥ 1') ?? last?.subset ?? null,
    ...imageShape(doc, data),
  };
}

/**
 * The loss `train` would pick: from the generated data when there is some; images and MNIST have classes; a CSV
 * has classes when the model ends in softmax or sigmoid (its labels are read only where the script runs).
 */
function lossFor(doc: ModelDocument, data: TrainingData): LossName {
  const sample = data.kind === 'generated' ? generateBuiltin(data.id, { count: 8 }) : null;
  if (sample) return suggestLoss(doc, sample);
  const inference = infer(doc);
  const last = inference.topology.byId.get(inference.outputs[0] ?? '');
  const scores = last ? ['softmax', 'sigmoid'].includes(appliedActivation(last) ?? '') : false;
  return suggestLoss(doc, { numClasses: data.kind !== 'csv' || scores ? 2 : undefined });
}

/** Image folders are read at the Input's size and channels, as the Train tab sizes them. */
function imageShape(doc: ModelDocument, data: TrainingData): Pick<TrainingScriptSettings, 'imageSize' | 'channels'> {
  if (data.kind !== 'images') return {};
  const inference = infer(doc);
  const shape = inference.nodes.get(inference.inputs[0] ?? '')?.outputShape;
  if (!shape || shape.length !== 4 || shape[1] === null || shape[2] === null || (shape[3] !== 1 && shape[3] !== 3))
    throw new UsageError('an image folder needs a model whose Input is (height, width, 1) or (height, width, 3)');
  return { imageSize: [shape[1], shape[2]], channels: shape[3] };
}
