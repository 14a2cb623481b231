/**
 * Running and training over the protocol: `train` streams per-batch and per-epoch progress (and per-layer
 * statistics), `stop` ends a training at its next batch keeping what it learned, `predict` runs a batch and can
 * hand back any layer's output (feature maps). The kernels are loaded once, on first use.
 */
import type { Tensor } from '../core/tensor';
import type { Dataset } from '../data/types';
import { loadDataset } from '../data/node/load';
import type { ModelDocument } from '../graph/document';
import { BUDGET_ENV, memoryBudget } from '../node/memory-budget';
import type { MemoryBudget } from '../graph/resources';
import { split } from '../data/dataset';
import { compileModel, exportWeights, forward, makeContext } from '../train/executor';
import { reestimateBnStatistics } from '../train/precise-bn';
import { evaluate, train, type TrainEvent, type TrainResult, type TrainSettings } from '../train/trainer';
import { bnTwin } from '../train/twin';
import type { HandlerContext, HandlerOutcome } from './handler-context';
import { engineBackend } from './kernels';
import { stopFlags } from './stop-flags';
import type { ParsedPayloadOf, PredictResult, ReestimateOutcome, TrainRunResult, TrainOutcome } from '../api/protocol';

/**
 * The budget every train and predict request is checked against before allocating: LAYERCANVAS_MEMORY_BUDGET
 * from the environment the app or `layercanvas serve` started with, else a quarter of the machine.
 */
export function engineBudget(): MemoryBudget {
  try {
    return memoryBudget();
  } catch (err) {
    console.warn(`${(err as Error).message}; using the default, a quarter of this machine's memory`);
    return memoryBudget(undefined, { ...process.env, [BUDGET_ENV]: '' });
  }
}

async function datasetFor(
  spec: ParsedPayloadOf<'train'>['dataset'],
): Promise<HandlerOutcome<{ train: Dataset; test?: Dataset }>> {
  if ('inline' in spec) {
    const d = spec.inline;
    const count = d.y.length / (d.numClasses ? 1 : (d.targetSize ?? 1));
    return {
      train: {
        name: d.name ?? 'data',
        description: '',
        x: d.x,
        y: d.numClasses ? Int32Array.from(d.y) : d.y,
        sampleShape: d.sampleShape,
        numClasses: d.numClasses,
        count,
        normalization: [],
      },
    };
  }
  const loaded = await loadDataset(spec.id, { subset: spec.subset, seed: spec.seed });
  if (!loaded.ok)
    return { error: { code: 'bad-dataset', message: loaded.errors[0].message, hint: loaded.errors[0].hint } };
  return loaded.value;
}

export async function trainHandler(
  payload: ParsedPayloadOf<'train'>,
  ctx: HandlerContext,
  requestId: string,
): Promise<HandlerOutcome<TrainOutcome>> {
  const data = await datasetFor(payload.dataset);
  if ('error' in data) return data;
  const { backend: kernels, warning } = await engineBackend();
  const flag = { stop: false };
  stopFlags.set(requestId, flag);
  try {
    const models: { label: string; doc: ModelDocument }[] = [{ label: 'model', doc: payload.document }];
    if (payload.compareBn) models.push({ label: 'without BN', doc: bnTwin(payload.document).doc });
    const settings: TrainSettings = { ...payload.settings, memoryBudget: engineBudget() };
    const runs: TrainRunResult[] = [];
    for (const [index, m] of models.entries()) {
      const result: TrainResult = await train(m.doc, data.train, settings, {
        backend: kernels,
        shouldStop: () => flag.stop || ctx.signal.aborted,
        onEvent: (event: TrainEvent) =>
          ctx.progress({ fraction: progressOf(event, index, models.length), data: { run: m.label, event } }),
      });
      let testAccuracy: number | undefined;
      if (data.test && result.weights && result.status === 'completed') {
        const compiled = compileModel({ ...m.doc, weights: result.weights }, settings.seed);
        if (compiled.ok) testAccuracy = evaluate(compiled.model, data.test, settings, kernels).accuracy;
      }
      runs.push({ label: m.label, document: m.doc, ...result, testAccuracy });
      if (flag.stop || ctx.signal.aborted) break;
    }
    return { runs, kernels: kernels.name, warning };
  } finally {
    stopFlags.delete(requestId);
  }
}

function progressOf(event: TrainEvent, run: number, runs: number): number | undefined {
  if (event.type === 'layer-stats') return undefined;
  const within =
    event.type === 'batch'
      ? (event.epoch + event.batch / event.batches) / event.epochs
      : (event.epoch + 1) / event.epochs;
  return Number.isFinite(within) ? Math.min(1, (run + within) / runs) : undefined;
}

/**
 * PreciseBN over the protocol: the run's document and weights, its training split (same seed and fraction as the
 * run), `batches` batches averaged; validation measured in inference mode before and after.
 */
export async function reestimateBnHandler(
  payload: ParsedPayloadOf<'reestimate-bn'>,
): Promise<HandlerOutcome<ReestimateOutcome>> {
  const data = await datasetFor(payload.dataset);
  if ('error' in data) return data;
  const compiled = compileModel(payload.document, payload.settings.seed);
  if (!compiled.ok) return { error: { code: 'invalid-model', message: compiled.message, hint: compiled.hint } };
  const { backend: kernels } = await engineBackend();
  const s = payload.settings;
  const { train: trainSet, validation } = s.validationSplit
    ? split(data.train, s.validationSplit, s.seed)
    : { train: data.train, validation: null };
  const measure = () =>
    validation && validation.count > 0 ? evaluate(compiled.model, validation, s, kernels) : undefined;
  const before = measure();
  const info = reestimateBnStatistics(compiled.model, trainSet, {
    batches: s.batches,
    batchSize: s.batchSize,
    seed: s.seed,
    backend: kernels,
  });
  if (info.batches === 0)
    return {
      error: {
        code: 'nothing-to-reestimate',
        message: 'the model has no BatchNormalization layer, or the data gave no batch',
        hint: 'add BatchNormalization, or train on more samples',
      },
    };
  const after = measure();
  const measured = { ...(before ? { before } : {}), ...(after ? { after } : {}) };
  return { weights: exportWeights(compiled.model), ...info, ...measured };
}

export async function predictHandler(payload: ParsedPayloadOf<'predict'>): Promise<HandlerOutcome<PredictResult>> {
  const run = { mode: 'predict' as const, batchSize: payload.input.shape[0], dataBytes: payload.input.data.byteLength };
  const compiled = compileModel(payload.document, payload.seed ?? 0, { budget: engineBudget(), run });
  if (!compiled.ok) return { error: { code: 'invalid-model', message: compiled.message, hint: compiled.hint } };
  const model = compiled.model;
  const input: Tensor = { shape: payload.input.shape, data: payload.input.data };
  const expected = model.inference.nodes.get(model.inputIds[0])!.outputShape!;
  if (input.shape.length !== expected.length || expected.some((d, i) => i > 0 && d !== null && d !== input.shape[i]))
    return {
      error: {
        code: 'bad-input',
        message: `the input has shape [${input.shape.join(', ')}] but the model takes (${expected.map((d) => (d === null ? 'None' : d)).join(', ')})`,
        hint: 'the first axis is the batch; the rest must match the Input layer',
      },
    };
  const { backend: kernels } = await engineBackend();
  const pass = forward(model, [input], makeContext(kernels, payload.training ?? false, payload.seed ?? 0));
  const captured: Record<string, Tensor> = {};
  for (const id of payload.capture ?? []) {
    const t = pass.values.get(id);
    if (t) captured[id] = t;
  }
  return { output: pass.output, captured };
}

/** The `train` result type's settings, for callers building one. */
export type { TrainSettings };
