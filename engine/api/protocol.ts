/**
 * The engine protocol: what the renderer (or any client) sends the engine process and what comes back. Every
 * message is checked with these schemas at the boundary; a malformed one gets an error response, never a crash.
 *
 * Adding a request type is one entry in `REQUESTS` (its payload schema and result type) plus its handler in
 * engine-service.ts, which TypeScript then insists on.
 */
import { z } from 'zod';
import type { FormatError } from '../core/problems';
import type { ModelDocument, NamedWeight } from '../graph/document';
import { documentSchema, exactTensor, float32, product, shapeText } from '../graph/document-schema';
import type { Tensor } from '../core/tensor';
import type { TrainResult } from '../train/trainer';
import type { Dataset, DataError } from '../data/types';
import { MAX_FOLDER_FILES } from '../data/folder-limits';
import type { KernelsReport } from '../kernels/types';
import { MAX_SAMPLES, type SampleWindow } from '../data/samples';

export { documentSchema };

const bytes = z.instanceof(Uint8Array, { message: 'expected a Uint8Array' });
import { BUILTIN_IDS } from '../data/registry';
import { LOSSES } from '../train/losses';
import { OPTIMIZERS } from '../train/optimizers';

/** The first index of a non-finite value (NaN, ±Infinity), or -1. */
function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/** A request's payload schema, tagged with the type of its result (the tag exists only for TypeScript). */
interface RequestSpec<P extends z.ZodType, R> {
  payload: P;
  readonly result?: R;
}
const request =
  <R>() =>
  <P extends z.ZodType>(payload: P): RequestSpec<P, R> => ({ payload });

export type ImportOutcome =
  | { ok: true; document: ModelDocument; format: string; warnings: FormatError[] }
  | { ok: false; errors: FormatError[] };

const tensorSchema = exactTensor({ positive: true, minRank: 1 });

const trainSettingsSchema = z.object({
  loss: z.enum(LOSSES),
  fromLogits: z.boolean().optional(),
  optimizer: z.object({
    name: z.enum(OPTIMIZERS),
    learning_rate: z.number().positive().optional(),
    momentum: z.number().min(0).max(1).optional(),
    nesterov: z.boolean().optional(),
    beta_1: z.number().min(0).max(1).optional(),
    beta_2: z.number().min(0).max(1).optional(),
    epsilon: z.number().positive().optional(),
    rho: z.number().min(0).max(1).optional(),
    centered: z.boolean().optional(),
  }),
  epochs: z.number().int().min(1).max(10_000),
  batchSize: z.number().int().min(1).max(65_536),
  shuffle: z.boolean().optional(),
  validationSplit: z.number().min(0).max(0.99).optional(),
  seed: z.number().int().min(0),
  statsEvery: z.number().int().min(0).optional(),
});

const datasetSpec = z.union([
  /** A built-in dataset (mnist, shapes, spirals, circles, xor, reviews). */
  z.object({
    id: z.enum(BUILTIN_IDS),
    subset: z.number().int().positive().optional(),
    seed: z.number().int().min(0).optional(),
  }),
  /** Data the client already holds (an uploaded file it parsed): samples row-major, labels as class indices or targets. */
  z.object({
    inline: z
      .object({
        name: z.string().optional(),
        x: float32,
        y: float32,
        sampleShape: z.array(z.number().int().positive()).min(1),
        numClasses: z.number().int().min(2).optional(),
        targetSize: z.number().int().positive().optional(),
      })
      .superRefine(checkInlineData),
  }),
]);

/**
 * Inline data must be exactly what it says: as many samples in x as labels (or targets) in y, each sample the
 * product of sampleShape, finite features, and class labels that are whole numbers in [0, numClasses).
 */
interface InlineData {
  x: Float32Array;
  y: Float32Array;
  sampleShape: number[];
  numClasses?: number;
  targetSize?: number;
}

function checkInlineData(d: InlineData, ctx: z.RefinementCtx): void {
  const problem = inlineDataProblem(d);
  if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
}

function inlineDataProblem(d: InlineData): { path: (string | number)[]; message: string } | null {
  const at = (path: (string | number)[], message: string) => ({ path, message });
  if (d.numClasses !== undefined && d.targetSize !== undefined) {
    return at(['targetSize'], 'give numClasses (labels) or targetSize (targets), not both');
  }
  const perSample = product(d.sampleShape);
  const perLabel = d.numClasses !== undefined ? 1 : (d.targetSize ?? 1);
  if (d.y.length === 0) return at(['y'], 'the dataset has no samples');
  if (d.y.length % perLabel !== 0) {
    return at(['y'], `${d.y.length} targets is not a whole number of samples of ${perLabel} targets`);
  }
  const count = d.y.length / perLabel;
  if (d.x.length !== count * perSample) {
    const shape = shapeText(d.sampleShape);
    return at(['x'], `${d.x.length} values, but ${count} samples of shape ${shape} need ${count * perSample}`);
  }
  const badX = firstNonFinite(d.x);
  if (badX >= 0) {
    const sample = Math.floor(badX / perSample);
    return at(['x', badX], `sample ${sample} holds ${d.x[badX]}; features must be finite numbers`);
  }
  if (d.numClasses === undefined) {
    const badY = firstNonFinite(d.y);
    if (badY < 0) return null;
    return at(['y', badY], `target ${d.y[badY]} of sample ${Math.floor(badY / perLabel)} is not a finite number`);
  }
  for (let i = 0; i < d.y.length; i++) {
    const label = d.y[i];
    if (!Number.isInteger(label) || label < 0 || label >= d.numClasses) {
      return at(['y', i], `label ${label} of sample ${i} is not a class of ${d.numClasses} (0 to ${d.numClasses - 1})`);
    }
  }
  return null;
}

export interface TrainRunResult extends TrainResult {
  label: string;
  /** The graph this run trained (the BN-free twin's, for the comparison run). */
  document: ModelDocument;
  testAccuracy?: number;
}

export interface TrainOutcome {
  runs: TrainRunResult[];
  /** Which kernels ran: `fast` (WebAssembly SIMD) or `reference`. */
  kernels: string;
  /** Why the fast kernels could not be used, when they could not. */
  warning?: string;
}

export interface ReestimateOutcome {
  /** The document's weights with every BN layer's moving_mean and moving_variance replaced. */
  weights: Record<string, NamedWeight[]>;
  batches: number;
  samples: number;
  layers: string[];
  /** Validation loss and accuracy in inference mode before and after (absent without a validation split). */
  before?: { loss: number; accuracy: number };
  after?: { loss: number; accuracy: number };
}

export interface PredictResult {
  output: Tensor;
  /** The outputs of the layers asked for in `capture`, by node id. */
  captured: Record<string, Tensor>;
}

/** A dataset read from files the user picked; CSV answers also name its columns so the user can pick the label. */
export type DatasetImportOutcome =
  | { ok: true; dataset: Dataset; test?: Dataset; warnings: DataError[]; csv?: { columns: string[]; label: number } }
  | { ok: false; errors: DataError[] };

export type { KernelsReport, SampleWindow };

export const REQUESTS = {
  /** Liveness check; answers with the engine's process id and protocol version. */
  ping: request<{ pid: number | null; protocol: number }>()(z.object({}).optional()),
  /** Which kernels this engine runs (loading them if it hasn't yet), and why not the fast ones when it can't. */
  kernels: request<KernelsReport>()(z.object({}).optional()),
  import: request<ImportOutcome>()(
    z.object({
      name: z.string().min(1),
      data: z.union([z.string(), bytes]),
      siblings: z.record(z.string(), bytes).optional(),
    }),
  ),
  /**
   * Train the document (and with `compareBn` its BatchNormalization-free twin, on the same seed and data). Progress
   * events carry `{ run, event }` with the trainer's batch, epoch and layer-stats events.
   */
  train: request<TrainOutcome>()(
    z.object({
      document: documentSchema,
      dataset: datasetSpec,
      settings: trainSettingsSchema,
      compareBn: z.boolean().optional(),
    }),
  ),
  /**
   * Re-estimate the BatchNormalization moving statistics of a trained document (PreciseBN: `batches` training
   * batches forward with the weights frozen, their statistics averaged), beyond what Keras's `fit` does. The split
   * and seed are the run's, so the validation figures before and after are on the data the run held out.
   */
  'reestimate-bn': request<ReestimateOutcome>()(
    z.object({
      document: documentSchema,
      dataset: datasetSpec,
      settings: trainSettingsSchema
        .pick({ loss: true, fromLogits: true, batchSize: true, validationSplit: true, seed: true })
        .extend({ batches: z.number().int().min(1).max(100_000) }),
    }),
  ),
  /** End the training with request id `target` before its next batch; it answers with what it learned so far. */
  stop: request<{ stopping: boolean }>()(z.object({ target: z.string().min(1) })),
  /** Run a batch (inference mode unless `training`), returning the output and the outputs of the `capture`d layers. */
  predict: request<PredictResult>()(
    z.object({
      document: documentSchema,
      input: tensorSchema,
      training: z.boolean().optional(),
      seed: z.number().int().min(0).optional(),
      capture: z.array(z.string()).optional(),
    }),
  ),
  /** A window of a built-in dataset's samples (at most MAX_SAMPLES), for preview grids and the Predict tab. */
  samples: request<SampleWindow>()(
    z.object({
      dataset: z.enum(BUILTIN_IDS),
      split: z.enum(['train', 'test']).optional(),
      offset: z.number().int().min(0),
      count: z.number().int().min(1).max(MAX_SAMPLES),
    }),
  ),
  /** Read a dataset from a picked file and its siblings: a CSV (label column by name or index), an x/y .npy pair, an IDX pair. */
  'dataset-import': request<DatasetImportOutcome>()(
    z.object({
      name: z.string().min(1),
      data: bytes,
      siblings: z.record(z.string(), bytes).optional(),
      label: z.union([z.string().min(1), z.number().int()]).optional(),
      header: z.union([z.boolean(), z.literal('auto')]).optional(),
    }),
  ),
  /**
   * Read a picked image folder (one sub-folder per class, Keras's image_dataset_from_directory layout) into a
   * dataset: every image resized to `size` [height, width] with `channels` (default: the first image's size, grey
   * when every image is), shuffled with `seed` as Keras shuffles by default.
   */
  'dataset-import-folder': request<DatasetImportOutcome>()(
    z.object({
      name: z.string().min(1),
      files: z
        .array(z.object({ path: z.string().min(1).max(4096), data: bytes }))
        .min(1)
        .max(MAX_FOLDER_FILES),
      size: z.tuple([z.number().int().min(1).max(4096), z.number().int().min(1).max(4096)]).optional(),
      channels: z.union([z.literal(1), z.literal(3)]).optional(),
      seed: z.number().int().min(0).optional(),
    }),
  ),
  /** Stop the request with id `target`; it answers with a `cancelled` error. */
  cancel: request<{ cancelled: boolean }>()(z.object({ target: z.string().min(1) })),
};

export const PROTOCOL_VERSION = 1;

export type RequestType = keyof typeof REQUESTS;
/** What a client sends. */
export type PayloadOf<T extends RequestType> = z.input<(typeof REQUESTS)[T]['payload']>;
/** What a handler receives, after checking. */
export type ParsedPayloadOf<T extends RequestType> = z.output<(typeof REQUESTS)[T]['payload']>;
export type ResultOf<T extends RequestType> = NonNullable<(typeof REQUESTS)[T]['result']>;

export const REQUEST_TYPES = Object.keys(REQUESTS) as RequestType[];

/** Ids are client-chosen strings, unique among that client's requests in flight. */
export const requestEnvelope = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1),
  payload: z.unknown().optional(),
});
export type RequestEnvelope = z.infer<typeof requestEnvelope>;

export interface ProtocolError {
  message: string;
  hint?: string;
  /** Stable code for clients that branch on it: `cancelled`, `bad-request`, `unknown-type`, `internal`, … */
  code?: string;
}

export type ResponseMessage =
  | { id: string | null; ok: true; result: unknown }
  | { id: string | null; ok: false; error: ProtocolError };

export interface ProgressMessage {
  id: string;
  type: 'progress';
  /** 0..1 when the work can tell how far along it is. */
  fraction?: number;
  message?: string;
  /** Request-specific detail (e.g. per-epoch metrics for training). */
  data?: unknown;
}

export type EngineMessage = ResponseMessage | ProgressMessage;

export const responseSchema = z.union([
  z.object({ id: z.string().nullable(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    id: z.string().nullable(),
    ok: z.literal(false),
    error: z.object({ message: z.string(), hint: z.string().optional(), code: z.string().optional() }),
  }),
]);

export const progressSchema = z.object({
  id: z.string(),
  type: z.literal('progress'),
  fraction: z.number().min(0).max(1).optional(),
  message: z.string().optional(),
  data: z.unknown().optional(),
});

/** zod issues as one readable line: `payload.document.nodes[2].id: expected string, received number`. */
export function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
        prefix,
      );
      return `${path}: ${issue.message}`;
    })
    .join('; ')
    .concat(error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '');
}
