/**
 * Training runs inside a project file: each finished, stopped or failed run with its start-time graph, settings,
 * curves, per-layer statistics, each model's result and trained weights. Every run is checked on its own: a bad
 * one is skipped with a warning naming its path, and the rest of the project (the user's graph above all) opens.
 *
 * Size: trained weights are stored once per model (base64 of little-endian float32, as the project's own weights);
 * the run's `weights` point at the 'model' result instead of repeating them, and a result whose graph is the run's
 * snapshot does not repeat the graph. Snapshots are saved without the weights they started from.
 */
import { z } from 'zod';
import type { FormatError } from '../core/problems';
import { formatShape } from '../core/shape';
import { sizeOf, tensor } from '../core/tensor';
import type { DocNode, ModelDocument, NamedWeight } from '../graph/document';
import { edgeSchema } from '../graph/document-schema';
import type { LayerConfig } from '../layers/types';
import { LOSSES, type LossName } from '../train/losses';
import { OPTIMIZERS, type OptimizerName } from '../train/optimizers';
import type { LayerStat } from '../train/trainer';
import { bytesToFloat32, float32ToBytes, fromBase64, toBase64 } from './json/float32';
import { isConfigValue, joinPath, quote } from './json/parse';

/** Bumped when a saved run's layout changes in a way older readers would misread. */
export const RUN_FORMAT_VERSION = 1;

export interface SavedRunConfig {
  /** A built-in dataset's id, or the app's id for data the user brought (`imported:…`). */
  datasetId: string;
  subset: number | null;
  optimizer: OptimizerName;
  learningRate: number | null;
  batchSize: number;
  epochs: number;
  loss: LossName;
  validationSplit: number;
  seed: number;
}

/** A model's training curves, as the engine's progress events build them (renderer/panels/train/series.ts). */
export interface SavedSeries {
  /** Per batch: the step (1-based, counted across epochs) and Keras's running averages over the epoch so far. */
  step: number[];
  loss: number[];
  accuracy: number[];
  /** Per epoch: the step the epoch ended at, its training metrics, and validation ones (null without a split). */
  epochStep: number[];
  epochLoss: number[];
  epochAccuracy: number[];
  valLoss: (number | null)[];
  valAccuracy: (number | null)[];
  /** Per epoch: the model's training time (ms) when the epoch's batches ended; absent in older files. */
  epochElapsedMs?: number[];
}

/** Every layer's output mean and standard deviation on one training batch (the engine samples every few steps). */
export interface SavedStatsPoint {
  step: number;
  epoch: number;
  stats: LayerStat[];
}

/** What one model of a run ended with: the graph it trained (the twin's, for 'without BN') and its weights. */
export interface SavedResult {
  document: ModelDocument;
  weights?: Record<string, NamedWeight[]>;
  testAccuracy?: number;
  elapsedMs: number;
}

/**
 * BN statistics re-estimated after the run (PreciseBN, beyond Keras's `fit`): what was averaged, validation before
 * and after, and the model's weights with the new moving means and variances.
 */
export interface SavedReestimate {
  batches: number;
  samples: number;
  before?: { loss: number; accuracy: number };
  after?: { loss: number; accuracy: number };
  weights: Record<string, NamedWeight[]>;
}

/** Where the run's last model was when it ended, as the panel's status line shows it. */
export interface SavedProgress {
  /** Which of the run's models the figures are for (the engine's label: 'model' or 'without BN'). */
  label: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  samplesPerSecond: number;
  /** 0..1 over the whole request (both models in a comparison). */
  fraction: number;
  elapsedMs: number;
}

/** A run as the training panel keeps it once it has ended (the renderer's TrainingRun fits this shape). */
export interface SavedRun {
  id: string;
  number: number;
  datasetTitle: string;
  config: SavedRunConfig;
  compareBn: boolean;
  status: 'completed' | 'stopped' | 'failed';
  document: ModelDocument;
  labels: string[];
  series: Record<string, SavedSeries>;
  stats: Record<string, SavedStatsPoint[]>;
  results: Record<string, SavedResult>;
  weights?: Record<string, NamedWeight[]>;
  reestimated?: SavedReestimate;
  progress: SavedProgress | null;
  startedAt: number;
  durationMs: number | null;
  error: { message: string; hint?: string } | null;
}

// JSON has no NaN or Infinity, and a diverged run's curves end in them: they are written as strings.
const NON_FINITE = ['NaN', 'Infinity', '-Infinity'] as const;
const metric = z.union([z.number(), z.enum(NON_FINITE)]).transform((v) => (typeof v === 'number' ? v : Number(v)));
const encodeMetric = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const encodeOptional = (v: number | null): number | string | null => (v === null ? null : encodeMetric(v));

const count = z.number().int().nonnegative();
const nodeSchema = z.object({
  id: z.string().min(1),
  className: z.string().min(1),
  name: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
  position: z.object({ x: z.number(), y: z.number() }).optional(),
});
const graphSchema = z.object({
  name: z.string(),
  modelClass: z.enum(['auto', 'Sequential', 'Functional']).optional(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
});
const weightSchema = z.object({
  name: z.string().min(1),
  shape: z.array(count),
  dtype: z.literal('float32'),
  data: z.string(),
});
const weightsSchema = z.record(z.string(), z.array(weightSchema));
const seriesSchema = z.object({
  step: z.array(z.number()),
  loss: z.array(metric),
  accuracy: z.array(metric),
  epochStep: z.array(z.number()),
  epochLoss: z.array(metric),
  epochAccuracy: z.array(metric),
  valLoss: z.array(metric.nullable()),
  valAccuracy: z.array(metric.nullable()),
  epochElapsedMs: z.array(z.number()).optional(),
});
const statSchema = z.object({ nodeId: z.string(), name: z.string(), className: z.string(), mean: metric, std: metric });
const resultSchema = z.object({
  /** Absent: the run's own snapshot (the 'model' result trains exactly that graph). */
  document: graphSchema.optional(),
  weights: weightsSchema.optional(),
  testAccuracy: metric.optional(),
  elapsedMs: z.number().nonnegative(),
});
const runSchema = z.object({
  version: z.literal(RUN_FORMAT_VERSION),
  id: z.string().min(1),
  number: z.number().int().positive(),
  datasetTitle: z.string(),
  config: z.object({
    datasetId: z.string().min(1),
    subset: z.number().int().positive().nullable(),
    optimizer: z.enum(OPTIMIZERS),
    learningRate: z.number().positive().nullable(),
    batchSize: z.number().int().positive(),
    epochs: z.number().int().positive(),
    loss: z.enum(LOSSES),
    validationSplit: z.number().min(0).max(0.99),
    seed: z.number().int().nonnegative(),
  }),
  compareBn: z.boolean(),
  status: z.enum(['completed', 'stopped', 'failed']),
  document: graphSchema,
  labels: z.array(z.string()),
  series: z.record(z.string(), seriesSchema),
  stats: z.record(z.string(), z.array(z.object({ step: z.number(), epoch: z.number(), stats: z.array(statSchema) }))),
  results: z.record(z.string(), resultSchema),
  /** The model's trained weights: `{ "resultOf": label }` when they are that result's (the usual case). */
  weights: z.union([z.object({ resultOf: z.string() }), weightsSchema]).optional(),
  reestimated: z
    .object({
      batches: count,
      samples: count,
      before: z.object({ loss: metric, accuracy: metric }).optional(),
      after: z.object({ loss: metric, accuracy: metric }).optional(),
      weights: weightsSchema,
    })
    .optional(),
  progress: z
    .object({
      label: z.string(),
      epoch: count,
      epochs: count,
      batch: count,
      batches: count,
      samplesPerSecond: metric,
      fraction: z.number().min(0).max(1),
      elapsedMs: z.number().nonnegative(),
    })
    .nullable()
    .optional(),
  startedAt: z.number(),
  durationMs: z.number().nonnegative().nullable(),
  error: z.object({ message: z.string(), hint: z.string().optional() }).nullable(),
});
type RunFile = z.infer<typeof runSchema>;
type GraphFile = z.infer<typeof graphSchema>;
type WeightsFile = z.infer<typeof weightsSchema>;

// ---- writing ----

function writeGraph(doc: ModelDocument): GraphFile {
  return {
    name: doc.name,
    ...(doc.modelClass ? { modelClass: doc.modelClass } : {}),
    nodes: doc.nodes.map((n) => ({
      id: n.id,
      className: n.className,
      ...(n.name !== undefined ? { name: n.name } : {}),
      config: n.config,
      ...(n.position ? { position: n.position } : {}),
    })),
    edges: doc.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      ...(e.sourceOutput ? { sourceOutput: e.sourceOutput } : {}),
    })),
  };
}

function writeWeights(weights: Record<string, NamedWeight[]>): WeightsFile {
  const out: WeightsFile = {};
  for (const [id, list] of Object.entries(weights))
    out[id] = list.map((w) => ({
      name: w.name,
      shape: [...w.tensor.shape],
      dtype: 'float32',
      data: toBase64(float32ToBytes(w.tensor.data)),
    }));
  return out;
}

/** The same layers, names, configs and connections (positions and weights aside). */
export function sameGraph(a: ModelDocument, b: ModelDocument): boolean {
  const strip = (d: ModelDocument) =>
    JSON.stringify({
      ...writeGraph(d),
      nodes: d.nodes.map((n) => ({ id: n.id, className: n.className, name: n.name ?? null, config: n.config })),
    });
  return a === b || strip(a) === strip(b);
}

function writeSeries(s: SavedSeries) {
  return {
    step: s.step,
    loss: s.loss.map(encodeMetric),
    accuracy: s.accuracy.map(encodeMetric),
    epochStep: s.epochStep,
    epochLoss: s.epochLoss.map(encodeMetric),
    epochAccuracy: s.epochAccuracy.map(encodeMetric),
    valLoss: s.valLoss.map(encodeOptional),
    valAccuracy: s.valAccuracy.map(encodeOptional),
    ...(s.epochElapsedMs ? { epochElapsedMs: s.epochElapsedMs } : {}),
  };
}

/** One run as plain JSON for the project file. */
export function writeRun(run: SavedRun): Record<string, unknown> {
  const results: Record<string, unknown> = {};
  for (const [label, r] of Object.entries(run.results))
    results[label] = {
      ...(sameGraph(r.document, run.document) ? {} : { document: writeGraph(r.document) }),
      ...(r.weights ? { weights: writeWeights(r.weights) } : {}),
      ...(r.testAccuracy !== undefined ? { testAccuracy: encodeMetric(r.testAccuracy) } : {}),
      elapsedMs: r.elapsedMs,
    };
  const shared = run.weights && Object.entries(run.results).find(([, r]) => r.weights === run.weights)?.[0];
  return {
    version: RUN_FORMAT_VERSION,
    id: run.id,
    number: run.number,
    datasetTitle: run.datasetTitle,
    config: { ...run.config },
    compareBn: run.compareBn,
    status: run.status,
    document: writeGraph(run.document),
    labels: run.labels,
    series: Object.fromEntries(Object.entries(run.series).map(([label, s]) => [label, writeSeries(s)])),
    stats: Object.fromEntries(
      Object.entries(run.stats).map(([label, points]) => [
        label,
        points.map((p) => ({
          step: p.step,
          epoch: p.epoch,
          stats: p.stats.map((s) => ({ ...s, mean: encodeMetric(s.mean), std: encodeMetric(s.std) })),
        })),
      ]),
    ),
    results,
    ...(run.weights ? { weights: shared !== undefined ? { resultOf: shared } : writeWeights(run.weights) } : {}),
    ...(run.reestimated ? { reestimated: writeReestimate(run.reestimated) } : {}),
    progress: run.progress ? { ...run.progress, samplesPerSecond: encodeMetric(run.progress.samplesPerSecond) } : null,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    error: run.error
      ? { message: run.error.message, ...(run.error.hint !== undefined ? { hint: run.error.hint } : {}) }
      : null,
  };
}

function writeReestimate(r: SavedReestimate): Record<string, unknown> {
  const figures = (f: { loss: number; accuracy: number }) => ({
    loss: encodeMetric(f.loss),
    accuracy: encodeMetric(f.accuracy),
  });
  return {
    batches: r.batches,
    samples: r.samples,
    ...(r.before ? { before: figures(r.before) } : {}),
    ...(r.after ? { after: figures(r.after) } : {}),
    weights: writeWeights(r.weights),
  };
}

// ---- reading ----

/** A run that cannot be used: the first thing wrong with it, and where. */
class RunProblem {
  constructor(
    readonly message: string,
    readonly path: string,
  ) {}
}

function readGraph(g: GraphFile, path: string): ModelDocument {
  const ids = new Set<string>();
  const nodes: DocNode[] = g.nodes.map((n, i) => {
    const npath = joinPath(joinPath(path, 'nodes'), i);
    if (ids.has(n.id)) throw new RunProblem(`the node id ${quote(n.id)} is used twice`, joinPath(npath, 'id'));
    ids.add(n.id);
    for (const [key, v] of Object.entries(n.config))
      if (!isConfigValue(v))
        throw new RunProblem(
          `${key} must be a number, a string, true/false or a list of them, got ${quote(v)}`,
          joinPath(joinPath(npath, 'config'), key),
        );
    const node: DocNode = { id: n.id, className: n.className, config: n.config as LayerConfig };
    if (n.name !== undefined) node.name = n.name;
    if (n.position) node.position = { x: n.position.x, y: n.position.y };
    return node;
  });
  g.edges.forEach((e, i) => {
    for (const end of ['source', 'target'] as const)
      if (!ids.has(e[end]))
        throw new RunProblem(
          `the connection's ${end} ${quote(e[end])} is not a layer of the run's graph`,
          joinPath(joinPath(joinPath(path, 'edges'), i), end),
        );
  });
  const doc: ModelDocument = {
    name: g.name,
    nodes,
    edges: g.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      ...(e.sourceOutput ? { sourceOutput: e.sourceOutput } : {}),
    })),
  };
  if (g.modelClass) doc.modelClass = g.modelClass;
  return doc;
}

function readWeights(file: WeightsFile, doc: ModelDocument, path: string): Record<string, NamedWeight[]> {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const out: Record<string, NamedWeight[]> = {};
  for (const [nodeId, list] of Object.entries(file)) {
    const lpath = joinPath(path, nodeId);
    if (!ids.has(nodeId))
      throw new RunProblem(`weights are given for ${quote(nodeId)}, which is not a layer of the run's graph`, lpath);
    out[nodeId] = list.map((w, k) => {
      const bytes = fromBase64(w.data);
      const needed = sizeOf(w.shape);
      const dpath = joinPath(joinPath(lpath, k), 'data');
      if (!bytes) throw new RunProblem(`weight '${w.name}' is not valid base64`, dpath);
      if (bytes.length !== needed * 4)
        throw new RunProblem(
          `weight '${w.name}' holds ${bytes.length} bytes but its shape ${formatShape(w.shape)} needs ${needed * 4}`,
          dpath,
        );
      return { name: w.name, tensor: tensor(w.shape, bytesToFloat32(bytes, 0, needed)) };
    });
  }
  return out;
}

function readRunFile(file: RunFile, path: string): SavedRun {
  const document = readGraph(file.document, joinPath(path, 'document'));
  for (const label of file.labels)
    if (!file.series[label]) throw new RunProblem(`the model ${quote(label)} has no curves`, joinPath(path, 'series'));
  const results: Record<string, SavedResult> = {};
  for (const [label, r] of Object.entries(file.results)) {
    const rpath = joinPath(joinPath(path, 'results'), label);
    const doc = r.document ? readGraph(r.document, joinPath(rpath, 'document')) : document;
    results[label] = {
      document: doc,
      ...(r.weights ? { weights: readWeights(r.weights, doc, joinPath(rpath, 'weights')) } : {}),
      ...(r.testAccuracy !== undefined ? { testAccuracy: r.testAccuracy } : {}),
      elapsedMs: r.elapsedMs,
    };
  }
  let weights: Record<string, NamedWeight[]> | undefined;
  if (file.weights && 'resultOf' in file.weights && typeof file.weights.resultOf === 'string') {
    weights = results[file.weights.resultOf]?.weights;
    if (!weights)
      throw new RunProblem(
        `the weights refer to the result ${quote(file.weights.resultOf)}, which has none`,
        joinPath(joinPath(path, 'weights'), 'resultOf'),
      );
  } else if (file.weights) weights = readWeights(file.weights as WeightsFile, document, joinPath(path, 'weights'));
  const r = file.reestimated;
  const reestimated: SavedReestimate | undefined = r && {
    batches: r.batches,
    samples: r.samples,
    ...(r.before ? { before: { ...r.before } } : {}),
    ...(r.after ? { after: { ...r.after } } : {}),
    weights: readWeights(r.weights, document, joinPath(joinPath(path, 'reestimated'), 'weights')),
  };
  return {
    id: file.id,
    number: file.number,
    datasetTitle: file.datasetTitle,
    config: { ...file.config },
    compareBn: file.compareBn,
    status: file.status,
    document,
    labels: [...file.labels],
    series: file.series,
    stats: file.stats,
    results,
    ...(weights ? { weights } : {}),
    ...(reestimated ? { reestimated } : {}),
    progress: file.progress ? { ...file.progress } : null,
    startedAt: file.startedAt,
    durationMs: file.durationMs,
    error: file.error
      ? { message: file.error.message, ...(file.error.hint !== undefined ? { hint: file.error.hint } : {}) }
      : null,
  };
}

function issueText(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? 'nothing (the field is missing)' : quote(input);
  if (issue.code === 'invalid_value') return `expected ${issue.values.map((v) => quote(v)).join(' or ')}, got ${got}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${got}`;
  return `${issue.message}${input !== undefined ? `, got ${got}` : ''}`;
}

const describeRun = (raw: unknown, index: number) => {
  const n = typeof raw === 'object' && raw !== null ? (raw as { number?: unknown }).number : undefined;
  return typeof n === 'number' ? `run #${n}` : `run ${index + 1}`;
};

/** The runs of a project's `runs` list; each bad one becomes a warning (with its JSON path) and is left out. */
export function readRuns(list: readonly unknown[], base = 'runs'): { runs: SavedRun[]; warnings: FormatError[] } {
  const runs: SavedRun[] = [];
  const warnings: FormatError[] = [];
  const seen = new Set<string>();
  list.forEach((raw, index) => {
    const path = joinPath(base, index);
    const skip = (
      message: string,
      at: string,
      hint = 'the run is left out; the model and the other runs open as saved',
    ) => warnings.push({ message: `${describeRun(raw, index)} was skipped: ${message}`, hint, path: at });
    const version = typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
    if (typeof version === 'number' && version > RUN_FORMAT_VERSION) {
      skip(
        `it was saved by a newer LayerCanvas (run format ${version}; this version reads ${RUN_FORMAT_VERSION})`,
        joinPath(path, 'version'),
        'update LayerCanvas to see this run',
      );
      return;
    }
    const checked = runSchema.safeParse(raw, { reportInput: true });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const at = issue.path.reduce<string>((p, k) => joinPath(p, typeof k === 'number' ? k : String(k)), path);
      skip(`${at.slice(path.length).replace(/^\./, '') || 'the run'}: ${issueText(issue)}`, at);
      return;
    }
    if (seen.has(checked.data.id)) {
      skip(`its id ${quote(checked.data.id)} is used by an earlier run`, joinPath(path, 'id'));
      return;
    }
    try {
      runs.push(readRunFile(checked.data, path));
      seen.add(checked.data.id);
    } catch (e) {
      // A bug of ours in reading one run must not cost the user the project.
      if (e instanceof RunProblem) skip(e.message, e.path);
      else
        skip(
          `internal error while reading it: ${e instanceof Error ? e.message : String(e)}`,
          path,
          'please report this with the file',
        );
    }
  });
  return { runs, warnings };
}
