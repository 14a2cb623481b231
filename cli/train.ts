/**
 * `layercanvas train <model> --dataset mnist|<file or folder> --epochs N --batch-size B --optimizer adam --lr 0.001
 *  [--compare-bn] --out <project file | model.keras>`: a progress bar on a terminal, plain lines otherwise, then the
 * final metrics. `--out` ending in .keras writes the trained model as a Keras 3 file; otherwise a project with the run.
 */
import { writeFileDurable } from '../engine/node/durable-write';
import { formatDataError } from '../engine/data/types';
import { loadDataset } from '../engine/data/node/load';
import type { Dataset } from '../engine/data/types';
import type { ModelDocument } from '../engine/graph/document';
import { exportModel } from '../engine/formats/export';
import { writeProject } from '../engine/formats/project';
import { RunRecorder } from '../engine/formats/run-recorder';
import { BUILTIN_IDS, builtinInfo } from '../engine/data/registry';
import { describeKernels } from '../engine/kernels/registry';
import type { Backend } from '../engine/kernels/types';
import { compileModel } from '../engine/train/executor';
import { checkResources, estimateResources, type MemoryBudget } from '../engine/graph/resources';
import { LOSSES, type LossName } from '../engine/train/losses';
import { OPTIMIZERS, type OptimizerName } from '../engine/train/optimizers';
import { evaluate, train, type TrainEvent, type TrainResult, type TrainSettings } from '../engine/train/trainer';
import { bnTwin } from '../engine/train/twin';
import { appliedActivation } from '../engine/graph/advice';
import { infer } from '../engine/graph/inference';
import { UsageError } from './io';
import { type CopyMeter, formatProfile, StepProfiler } from '../engine/train/profile';

export interface TrainOptions {
  memoryBudget: MemoryBudget;
  dataset?: string;
  epochs?: string;
  batchSize?: string;
  optimizer?: string;
  lr?: string;
  loss?: string;
  validationSplit?: string;
  seed?: string;
  subset?: string;
  compareBn: boolean;
  out?: string;
  /** Print where a training step's time goes, per phase, layer and kernel. */
  profile?: boolean;
}

interface Io {
  out(t: string): void;
  err(t: string): void;
  isTTY?: boolean;
  write?(t: string): void;
}

export function number(
  value: string | undefined,
  fallback: number,
  name: string,
  check: (n: number) => boolean,
  rule: string,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${rule}, got '${value}'`);
  return n;
}

/** The loss a Keras user would pick from the last activation and the labels. */
export function suggestLoss(doc: ModelDocument, dataset: Pick<Dataset, 'numClasses'>): LossName {
  const inf = infer(doc);
  const out = inf.outputs[0];
  const last = out ? inf.topology.byId.get(out) : undefined;
  const act = last ? appliedActivation(last) : null;
  if (!dataset.numClasses) return 'mean_squared_error';
  const units = out ? inf.nodes.get(out)!.outputShape?.at(-1) : null;
  if (act === 'sigmoid' || units === 1) return 'binary_crossentropy';
  return 'sparse_categorical_crossentropy';
}

export async function trainCommand(doc: ModelDocument, opts: TrainOptions, backend: Backend, io: Io): Promise<number> {
  if (!opts.dataset) throw new UsageError(`--dataset is required: ${BUILTIN_IDS.join(', ')}, or a file or folder`);
  const epochs = number(opts.epochs, 1, 'epochs', (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1');
  const batchSize = number(
    opts.batchSize,
    32,
    'batch-size',
    (n) => Number.isInteger(n) && n >= 1,
    'a whole number ≥ 1',
  );
  const seed = number(opts.seed, 0, 'seed', (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0');
  const validationSplit = number(
    opts.validationSplit,
    0.1,
    'validation-split',
    (n) => n >= 0 && n < 1,
    'from 0 up to (not including) 1',
  );
  const optimizer = (opts.optimizer ?? 'adam').toLowerCase();
  if (!OPTIMIZERS.includes(optimizer as OptimizerName))
    throw new UsageError(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got '${opts.optimizer}'`);
  const lr = opts.lr === undefined ? undefined : number(opts.lr, 0, 'lr', (n) => n > 0, 'a positive number');
  if (opts.loss && !LOSSES.includes(opts.loss as LossName))
    throw new UsageError(`--loss must be one of ${LOSSES.join(', ')}, got '${opts.loss}'`);
  const subset =
    opts.subset === undefined
      ? undefined
      : number(opts.subset, 0, 'subset', (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1');

  // The model's own needs are checked before the dataset is read; the trainer checks again with the data.
  const needs = estimateResources(infer(doc), {
    mode: 'train',
    batchSize,
    optimizer: { name: optimizer as OptimizerName },
  });
  const early = checkResources(needs, opts.memoryBudget);
  if (early) {
    io.err(`layercanvas: ${early.message} (${early.hint})`);
    return 1;
  }
  const loaded = await loadDataset(opts.dataset, { subset, seed });
  if (!loaded.ok) {
    for (const e of loaded.errors) io.err(formatDataError(e));
    return 1;
  }
  const { train: data, test } = loaded.value;
  const loss = (opts.loss as LossName | undefined) ?? suggestLoss(doc, data);
  const settings: TrainSettings = {
    loss,
    optimizer: { name: optimizer as OptimizerName, ...(lr !== undefined ? { learning_rate: lr } : {}) },
    epochs,
    batchSize,
    seed,
    validationSplit,
    shuffle: true,
    memoryBudget: opts.memoryBudget,
  };
  io.err(
    `dataset: ${data.name}, ${data.count} samples of ${formatShape(data.sampleShape)}${test ? `, ${test.count} held out for testing` : ''}`,
  );
  io.err(
    `training: ${loss}, ${optimizer}${lr !== undefined ? ` lr=${lr}` : ''}, ${epochs} epoch(s) of batch ${batchSize}, validation split ${validationSplit}, seed ${seed}, kernels: ${describeKernels(backend).label}`,
  );

  const runs: { label: string; doc: ModelDocument; result: TrainResult; testAccuracy?: number }[] = [];
  const recorder = new RunRecorder();
  const startedAt = Date.now();
  const models = opts.compareBn
    ? [
        { label: 'with BN', doc },
        { label: 'without BN', doc: describeTwin(doc, io) },
      ]
    : [{ label: doc.name, doc }];
  for (const m of models) {
    if (models.length > 1) io.err(`\n== ${m.label}`);
    const print = progressPrinter(io, epochs);
    // The Train tab's labels: the model itself, and its twin.
    const record = recorder.listener(m.label === 'without BN' ? m.label : 'model');
    const profiler = opts.profile ? new StepProfiler(3, (backend as { meter?: CopyMeter }).meter) : undefined;
    const result = await train(m.doc, data, settings, {
      backend,
      profiler,
      onEvent: (e) => {
        print(e);
        record(e);
      },
    });
    if (profiler)
      io.out(
        `${models.length > 1 ? `${m.label}: ` : ''}${formatProfile(profiler.report(), (backend as { threads?: number }).threads, (backend as { studyThreads?: number }).studyThreads || undefined)}`,
      );
    if (result.status === 'failed') {
      io.err(`layercanvas: ${result.error!.message}${result.error!.hint ? ` (${result.error!.hint})` : ''}`);
      if (models.length === 1) return 1;
    }
    let testAccuracy: number | undefined;
    if (test && result.weights && result.status === 'completed') {
      const compiled = compileModel({ ...m.doc, weights: result.weights }, seed);
      if (compiled.ok) testAccuracy = evaluate(compiled.model, test, settings, backend).accuracy;
    }
    runs.push({ label: m.label, doc: m.doc, result, testAccuracy });
  }

  for (const r of runs) {
    const h = r.result.history;
    const last = h.loss.length - 1;
    const parts = [
      `${r.label}: ${r.result.status}`,
      last >= 0 ? `loss ${h.loss[last].toFixed(4)}` : null,
      last >= 0 ? `accuracy ${h.accuracy[last].toFixed(4)}` : null,
      h.val_accuracy.length ? `val_accuracy ${h.val_accuracy[last].toFixed(4)}` : null,
      r.testAccuracy !== undefined ? `test accuracy ${r.testAccuracy.toFixed(4)}` : null,
      `${(r.result.elapsedMs / 1000).toFixed(1)} s`,
    ];
    io.out(parts.filter(Boolean).join(', '));
  }
  if (runs.length === 2) io.out(sideBySide(runs));

  if (opts.out && /\.keras$/i.test(opts.out)) {
    // A Keras 3 file of the trained model (the first run's weights), for keras.models.load_model.
    const trained: ModelDocument = { ...doc, weights: runs[0].result.weights ?? doc.weights };
    const written = await exportModel(trained, 'keras');
    if (!written.ok) {
      io.err(`layercanvas: ${opts.out} not written: ${written.message} (${written.hint})`);
      return 1;
    }
    writeFileDurable(opts.out, written.files[0].data);
    io.err(`wrote ${opts.out}`);
  } else if (opts.out) {
    const first = runs[0];
    const trained: ModelDocument = { ...doc, weights: first.result.weights ?? doc.weights };
    const builtin = builtinInfo(opts.dataset);
    const record = recorder.finish(
      {
        id: `cli-${startedAt.toString(36)}`,
        number: 1,
        datasetTitle: data.name,
        config: {
          datasetId: builtin ? builtin.id : `imported:${opts.dataset}`,
          subset: subset ?? null,
          optimizer: optimizer as OptimizerName,
          learningRate: lr ?? null,
          batchSize,
          epochs,
          loss,
          validationSplit,
          seed,
        },
        compareBn: opts.compareBn,
        startedAt,
      },
      runs.map((r) => ({
        label: r.label === 'without BN' ? r.label : 'model',
        document: r.doc,
        result: r.result,
        ...(r.testAccuracy !== undefined ? { testAccuracy: r.testAccuracy } : {}),
      })),
    );
    writeFileDurable(opts.out, writeProject(trained, { runs: [record] }));
    io.err(`wrote ${opts.out}`);
  }
  return runs.some((r) => r.result.status === 'failed') ? 1 : 0;
}

const formatShape = (s: readonly number[]) => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

function describeTwin(doc: ModelDocument, io: Io): ModelDocument {
  const twin = bnTwin(doc);
  io.err(
    twin.removed.length
      ? `twin without BatchNormalization: removed ${twin.removed.join(', ')}${twin.biasRestored.length ? `; use_bias=True again on ${twin.biasRestored.join(', ')}` : ''}`
      : 'the model has no BatchNormalization: its twin is the same model',
  );
  return twin.doc;
}

/** One line per epoch for both runs: the learning curves side by side. */
function sideBySide(runs: { label: string; result: TrainResult }[]): string {
  const [a, b] = runs.map((r) => r.result.history);
  const n = Math.max(a.loss.length, b.loss.length);
  const cell = (v: number | undefined) => (v === undefined ? '      -' : v.toFixed(4).padStart(7));
  const lines = [
    `epoch │ ${runs[0].label.padEnd(30)}│ ${runs[1].label}`,
    `      │ loss    acc     val_acc       │ loss    acc     val_acc`,
  ];
  for (let i = 0; i < n; i++)
    lines.push(
      `${String(i + 1).padStart(5)} │ ${cell(a.loss[i])} ${cell(a.accuracy[i])} ${cell(a.val_accuracy[i])}       │ ${cell(b.loss[i])} ${cell(b.accuracy[i])} ${cell(b.val_accuracy[i])}`,
    );
  return lines.join('\n');
}

/** A one-line progress bar on a terminal; plain lines (each epoch, and every 10% of one) otherwise. */
function progressPrinter(io: Io, epochs: number) {
  let lastPlain = -1;
  return (e: TrainEvent) => {
    if (e.type === 'batch') {
      const fraction = e.batch / e.batches;
      const left = ((e.batches - e.batch) * (e.elapsedMs / Math.max(e.step, 1))) / 1000;
      const text = `epoch ${e.epoch + 1}/${epochs} batch ${e.batch}/${e.batches} loss ${e.loss.toFixed(4)} acc ${e.accuracy.toFixed(4)} ${Math.round(e.samplesPerSecond)} samples/s`;
      if (io.isTTY && io.write) {
        const width = 24;
        const done = Math.round(fraction * width);
        io.write(`\r[${'='.repeat(done)}${' '.repeat(width - done)}] ${text} ~${left.toFixed(0)}s left   `);
      } else {
        const decile = Math.floor(fraction * 10);
        if (decile !== lastPlain && decile > 0 && decile < 10) io.err(text);
        lastPlain = decile;
      }
    } else if (e.type === 'epoch') {
      if (io.isTTY && io.write) io.write('\n');
      lastPlain = -1;
      io.err(
        `epoch ${e.epoch + 1}/${e.epochs}: loss ${e.loss.toFixed(4)}, accuracy ${e.accuracy.toFixed(4)}${e.val_loss !== undefined ? `, val_loss ${e.val_loss.toFixed(4)}, val_accuracy ${e.val_accuracy!.toFixed(4)}` : ''} (${(e.elapsedMs / 1000).toFixed(1)} s)`,
      );
    }
  };
}
