/**
 * Keras's `fit` loop: epochs of shuffled batches, one optimizer step per batch, BatchNormalization's moving statistics
 * updated after each step, validation at each epoch's end, and metrics averaged over samples as Keras reports them.
 * Progress goes out as events; a stop request takes effect before the next batch; a NaN loss stops the run.
 */
import type { Tensor } from '../core/tensor';
import type { Dataset } from '../data/types';
import { batches, batchCount, oneHot, split } from '../data/dataset';
import { checkAgainstInput, checkAgainstOutput } from '../data/check';
import type { ModelDocument } from '../graph/document';
import { appliedActivation } from '../graph/advice';
import type { Backend } from '../kernels/types';
import { accuracy, computeLoss, type LossName } from './losses';
import { makeOptimizer, type OptimizerConfig } from './optimizers';
import {
  backward,
  compileModel,
  exportWeights,
  type FuseOptions,
  forward,
  makeContext,
  type RunnableModel,
} from './executor';
import type { MemoryBudget } from '../graph/resources';
import type { StepProfiler } from './profile';
import { getLayer } from '../layers/registry';
import { activityGrads, addRegularizerGrads, applyConstraints, modelRules, regularizationLoss } from './weight-rules';

export interface TrainSettings {
  loss: LossName;
  fromLogits?: boolean;
  optimizer: OptimizerConfig;
  epochs: number;
  /** Keras's default is 32. */
  batchSize: number;
  shuffle?: boolean;
  validationSplit?: number;
  seed: number;
  /** Record every layer's output mean and standard deviation every this many batches (0: never). */
  statsEvery?: number;
  /** Refuse, before allocating, a run whose estimate (graph/resources.ts) passes this budget. */
  memoryBudget?: MemoryBudget;
}

export interface LayerStat {
  nodeId: string;
  name: string;
  className: string;
  mean: number;
  std: number;
}

export type TrainEvent =
  | {
      type: 'batch';
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      loss: number;
      accuracy: number;
      samplesPerSecond: number;
      elapsedMs: number;
      step: number;
    }
  | {
      type: 'epoch';
      epoch: number;
      epochs: number;
      loss: number;
      accuracy: number;
      val_loss?: number;
      val_accuracy?: number;
      elapsedMs: number;
    }
  | { type: 'layer-stats'; step: number; epoch: number; stats: LayerStat[] };

export interface History {
  loss: number[];
  accuracy: number[];
  val_loss: number[];
  val_accuracy: number[];
}

export interface TrainResult {
  status: 'completed' | 'stopped' | 'failed';
  error?: { message: string; hint?: string };
  history: History;
  /** Per batch: training loss and accuracy, in order. */
  batchLoss: number[];
  batchAccuracy: number[];
  /** The trained weights by node id, as a document holds them (absent when the run never started). */
  weights?: ModelDocument['weights'];
  elapsedMs: number;
}

export interface TrainHooks {
  backend: Backend;
  onEvent?(event: TrainEvent): void;
  /** Polled before every batch. */
  shouldStop?(): boolean;
  /** Lets messages (a stop request) in between batches. */
  yieldToEvents?(): Promise<void>;
  now?(): number;
  /** Times every step by phase, layer and kernel (`layercanvas train --profile`). */
  profiler?: StepProfiler;
}

// setImmediate (Node) lets queued messages in sooner than setTimeout's clamped delay; the page has only the latter.
const defaultYield = () =>
  new Promise<void>((resolve) => {
    const { setImmediate } = globalThis as { setImmediate?: (callback: () => void) => unknown };
    if (setImmediate) setImmediate(resolve);
    else setTimeout(resolve, 0);
  });

export async function train(
  doc: ModelDocument,
  dataset: Dataset,
  settings: TrainSettings,
  hooks: TrainHooks,
): Promise<TrainResult> {
  const now = hooks.now ?? (() => performance.now());
  const started = now();
  const history: History = { loss: [], accuracy: [], val_loss: [], val_accuracy: [] };
  const batchLoss: number[] = [];
  const batchAccuracy: number[] = [];
  const fail = (message: string, hint?: string, weights?: TrainResult['weights']): TrainResult => ({
    status: 'failed',
    error: { message, hint },
    history,
    batchLoss,
    batchAccuracy,
    weights,
    elapsedMs: now() - started,
  });

  const guard = settings.memoryBudget && {
    budget: settings.memoryBudget,
    run: {
      mode: 'train' as const,
      batchSize: settings.batchSize,
      optimizer: settings.optimizer,
      dataBytes: dataset.x.byteLength + dataset.y.byteLength,
    },
  };
  const compiled = compileModel(doc, settings.seed, guard || undefined);
  if (!compiled.ok) return fail(compiled.message, compiled.hint);
  const model = compiled.model;
  const rules = modelRules(model);
  if ('message' in rules) return fail(rules.message, rules.hint);
  // One FuseOptions for the run, so the executor works the fusable pairs out once (a BN with an activity regularizer
  // keeps its own output).
  const fuseOptions: FuseOptions = { keep: new Set(rules.activity.keys()) };
  const problem = checkData(model, dataset, settings.loss);
  if (problem) return fail(problem.message, problem.hint);

  const { train: trainSet, validation } = settings.validationSplit
    ? split(dataset, settings.validationSplit, settings.seed)
    : { train: dataset, validation: null };
  const prof = hooks.profiler;
  const kernels = prof ? prof.wrap(hooks.backend) : hooks.backend;
  const optimizer = makeOptimizer(settings.optimizer, kernels);
  const outputNode = model.nodes.find((n) => n.id === model.outputId)!;
  const outputActivation = appliedActivation(model.inference.topology.byId.get(model.outputId)!);
  const yieldToEvents = hooks.yieldToEvents ?? defaultYield;
  const stepsPerEpoch = batchCount(trainSet.count, settings.batchSize);
  const phase = <T>(name: 'forward' | 'backward' | 'loss' | 'optimizer', fn: () => T): T =>
    prof ? prof.inPhase(name, fn) : fn();
  let step = 0;

  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    let lossSum = 0;
    let accSum = 0;
    let seen = 0;
    const epochStart = now();
    let batchIndex = 0;
    for (const b of batches(trainSet, settings.batchSize, {
      shuffle: settings.shuffle ?? true,
      seed: settings.seed * 1000003 + epoch,
    })) {
      prof?.beginStep();
      await yieldToEvents();
      if (hooks.shouldStop?.())
        return {
          status: 'stopped',
          history,
          batchLoss,
          batchAccuracy,
          weights: exportWeights(model),
          elapsedMs: now() - started,
        };
      const ctx = makeContext(kernels, true, settings.seed * 7919 + step);
      const x: Tensor = { shape: b.xShape, data: b.x };
      // Kernel results stay in the kernels' memory for the step (stepScope): only numbers leave it.
      // The steps whose layer statistics the app shows keep every layer's own output; the others run a relu after a
      // BatchNormalization in the BN's own pass (FuseOptions), except after a BN with an activity regularizer.
      const statsStep = !!settings.statsEvery && (step + 1 === 1 || (step + 1) % settings.statsEvery === 0);
      const fuse = statsStep ? undefined : fuseOptions;
      const outcome = scoped(hooks.backend, () => {
        const pass = phase('forward', () => forward(model, [x], ctx, prof, fuse));
        const target = targetFor(settings.loss, b.y, dataset);
        const logits = outputActivation
          ? preActivation(outputNode.def.className, pass.caches.get(model.outputId))
          : undefined;
        const loss = phase('loss', () =>
          computeLoss(settings.loss, pass.output, target, {
            fromLogits: !!settings.fromLogits,
            outputActivation,
            logits,
            kernels,
          }),
        );
        // Keras's fit reports the compiled loss plus the layers' regularization losses (Trainer.compute_loss).
        const total = loss.loss + phase('loss', () => regularizationLoss(rules, pass.values));
        if (!Number.isFinite(total)) return { loss: total, acc: 0 };
        if (loss.gradIsLogits && rules.activity.has(model.outputId))
          return { loss: total, acc: 0, refused: `${outputNode.name}: ${ACTIVITY_ON_FUSED}` };
        const acc = phase('loss', () => accuracy(settings.loss, pass.output, target));
        const grads = phase('backward', () =>
          backward(model, pass, loss.grad, ctx, loss.gradIsLogits, prof, activityGrads(rules, pass.values)),
        );
        addRegularizerGrads(rules, grads);
        phase('optimizer', () => {
          applyStep(model, grads, pass.updates, optimizer);
          applyConstraints(rules);
        });
        const stats = statsStep ? layerStats(model, pass.values) : null;
        return { loss: total, acc, stats };
      });
      if ('refused' in outcome && outcome.refused)
        return fail(
          outcome.refused,
          'put the activity_regularizer on the layer before the output',
          exportWeights(model),
        );
      if (!Number.isFinite(outcome.loss))
        return fail(
          `the loss became ${outcome.loss} at epoch ${epoch + 1}, batch ${batchIndex + 1}: training diverged`,
          `lower the learning rate (now ${optimizer.config.learning_rate}), or add BatchNormalization after the linear layers`,
          exportWeights(model),
        );
      lossSum += outcome.loss * b.size;
      accSum += outcome.acc * b.size;
      seen += b.size;
      batchLoss.push(outcome.loss);
      batchAccuracy.push(outcome.acc);
      step++;
      batchIndex++;
      const elapsed = now() - epochStart;
      hooks.onEvent?.({
        type: 'batch',
        epoch,
        epochs: settings.epochs,
        batch: batchIndex,
        batches: stepsPerEpoch,
        loss: lossSum / seen,
        accuracy: accSum / seen,
        samplesPerSecond: seen / Math.max(elapsed / 1000, 1e-9),
        elapsedMs: now() - started,
        step,
      });
      if (outcome.stats) hooks.onEvent?.({ type: 'layer-stats', step, epoch, stats: outcome.stats });
      prof?.endStep();
    }
    history.loss.push(lossSum / seen);
    history.accuracy.push(accSum / seen);
    const event: TrainEvent = {
      type: 'epoch',
      epoch,
      epochs: settings.epochs,
      loss: lossSum / seen,
      accuracy: accSum / seen,
      elapsedMs: now() - started,
    };
    if (validation && validation.count > 0) {
      const v = evaluate(model, validation, settings, hooks.backend);
      history.val_loss.push(v.loss);
      history.val_accuracy.push(v.accuracy);
      event.val_loss = v.loss;
      event.val_accuracy = v.accuracy;
    }
    hooks.onEvent?.(event);
  }
  return {
    status: 'completed',
    history,
    batchLoss,
    batchAccuracy,
    weights: exportWeights(model),
    elapsedMs: now() - started,
  };
}

const ACTIVITY_ON_FUSED =
  'an activity_regularizer on the output layer, whose activation the loss computes from logits, is not computed';

/** fn inside the backend's step scope, when it has one. */
function scoped<T>(backend: Backend, fn: () => T): T {
  return backend.stepScope ? backend.stepScope(fn) : fn();
}

function checkData(model: RunnableModel, dataset: Dataset, loss: LossName) {
  const input = model.inference.nodes.get(model.inputIds[0])!.outputShape!;
  const mismatch = checkAgainstInput(dataset, input.slice(1));
  if (mismatch) return mismatch;
  const out = model.inference.nodes.get(model.outputId)!.outputShape!;
  if (loss !== 'mean_squared_error' && dataset.numClasses) {
    if (out.length !== 2)
      return {
        message: `the model's output is ${formatDims(out)}, but classifying ${dataset.numClasses} classes needs (None, ${dataset.numClasses})`,
        hint: 'add Flatten (or GlobalAveragePooling2D) before the last Dense layer',
      };
    const wrong = checkAgainstOutput(dataset, out.slice(1));
    if (wrong) return wrong;
    if (loss !== 'binary_crossentropy' && out[1] === 1 && dataset.numClasses === 2)
      return {
        message: `one output unit needs binary_crossentropy, not ${loss}`,
        hint: 'choose binary_crossentropy with a sigmoid, or 2 units with a softmax',
      };
  }
  return null;
}

const formatDims = (s: readonly (number | null)[]) => `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})`;

/** Labels as the loss wants them: class indices for sparse CE, one-hot for categorical CE, values otherwise. */
function targetFor(loss: LossName, y: Float32Array | Int32Array, dataset: Dataset): Float32Array | Int32Array {
  if (!(y instanceof Int32Array) || !dataset.numClasses) return y;
  if (loss === 'sparse_categorical_crossentropy') return y;
  if (loss === 'categorical_crossentropy') return oneHot(y, dataset.numClasses);
  return Float32Array.from(y);
}

/** The output layer's input to its activation: the Activation layer's input, or a linear layer's pre-activation. */
function preActivation(
  className: string,
  cache: { inputs: Tensor[]; saved?: unknown } | undefined,
): Tensor | undefined {
  if (!cache) return undefined;
  if (getLayer(className)?.activationOf) return cache.inputs[0];
  return (cache.saved as { preActivation?: Tensor } | undefined)?.preActivation;
}

function applyStep(
  model: RunnableModel,
  grads: Map<string, Record<string, Float32Array>>,
  updates: Map<string, Record<string, Float32Array>>,
  optimizer: ReturnType<typeof makeOptimizer>,
) {
  const variables = new Map<string, { value: Float32Array; grad: Float32Array }>();
  for (const node of model.nodes) {
    const g = grads.get(node.id);
    if (!g) continue;
    for (const name of node.trainable)
      if (g[name]) variables.set(`${node.id}/${name}`, { value: node.weights[name].data, grad: g[name] });
  }
  optimizer.step(variables);
  for (const [id, u] of updates) {
    const node = model.nodes.find((n) => n.id === id)!;
    for (const [name, value] of Object.entries(u)) node.weights[name].data.set(value);
  }
}

/** Loss and accuracy in inference mode (BN on moving statistics, Dropout off), averaged over samples. */
export function evaluate(
  model: RunnableModel,
  data: Dataset,
  settings: Pick<TrainSettings, 'loss' | 'fromLogits' | 'batchSize'>,
  backend: Backend,
) {
  const outputNode = model.nodes.find((n) => n.id === model.outputId)!;
  const outputActivation = appliedActivation(model.inference.topology.byId.get(model.outputId)!);
  const rules = modelRules(model);
  let loss = 0;
  let acc = 0;
  let seen = 0;
  for (const b of batches(data, Math.max(settings.batchSize, 128))) {
    // In the step scope, as a training step: results go from layer to layer in the kernels' memory and the memory
    // passes use the threads; only the two numbers leave it.
    const batch = scoped(backend, () => {
      const pass = forward(model, [{ shape: b.xShape, data: b.x }], makeContext(backend, false, 0));
      const target = targetFor(settings.loss, b.y, data);
      const logits = outputActivation
        ? preActivation(outputNode.def.className, pass.caches.get(model.outputId))
        : undefined;
      const regularization = 'message' in rules ? 0 : regularizationLoss(rules, pass.values);
      const l = computeLoss(settings.loss, pass.output, target, {
        fromLogits: !!settings.fromLogits,
        outputActivation,
        logits,
        kernels: backend,
      }).loss;
      return { loss: l + regularization, accuracy: accuracy(settings.loss, pass.output, target) };
    });
    loss += batch.loss * b.size;
    acc += batch.accuracy * b.size;
    seen += b.size;
  }
  return { loss: loss / seen, accuracy: acc / seen };
}

/** Mean and standard deviation of every layer's output on the current batch: what BN keeps steady. */
export function layerStats(model: RunnableModel, values: Map<string, Tensor>): LayerStat[] {
  const stats: LayerStat[] = [];
  for (const node of model.nodes) {
    if (node.def.arity === 'none') continue;
    const t = values.get(node.id);
    if (!t) continue;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < t.data.length; i++) {
      sum += t.data[i];
      sq += t.data[i] * t.data[i];
    }
    const mean = sum / t.data.length;
    stats.push({
      nodeId: node.id,
      name: node.name,
      className: node.def.className,
      mean,
      std: Math.sqrt(Math.max(sq / t.data.length - mean * mean, 0)),
    });
  }
  return stats;
}
