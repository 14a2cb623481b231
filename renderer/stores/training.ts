/**
 * Training runs: the settings for the next one, the run in flight (its curves growing with each progress event)
 * and the finished or stopped runs, newest first. The engine does the work (panels/train/run-training.ts talks to
 * it); this store only records what it reports.
 */
import { create } from 'zustand';
import type { ModelDocument } from '../../engine/api/graph';
import type { SavedProgress, SavedReestimate, SavedResult, SavedRun, SavedStatsPoint } from '../../engine/api/formats';
import { datasetInfo, type DatasetId } from './datasets';
import type { TrainOutcome, ProtocolError } from '../../engine/api/protocol';
import type { LossName } from '../../engine/api/train';
import type { OptimizerName } from '../../engine/api/train';
import type { TrainEvent } from '../../engine/api/train';
import { appendEvent, emptySeries, type RunSeries } from './series';

export interface TrainConfig {
  /** A built-in's id, or an imported dataset's (stores/datasets.ts). */
  datasetId: DatasetId;
  /** Train on this many samples only (quick runs); null: the whole dataset. */
  subset: number | null;
  optimizer: OptimizerName;
  /** null: the optimizer's Keras default. */
  learningRate: number | null;
  batchSize: number;
  epochs: number;
  /** 'auto': the loss suggested from the last activation and the labels. */
  loss: LossName | 'auto';
  validationSplit: number;
  seed: number;
}

/**
 * Defaults chosen so that With / without BN shows what BN does, and quickly: 2,000 MNIST samples in batches of 16
 * for 3 epochs is 339 steps, after which 0.99^339 = 3% of BN's starting statistics is left in moving averages at
 * Keras's default momentum (the lesson template's 0.9 leaves none; 114 steps, the old 32 × 2, left 32% at 0.99 and
 * made inference-mode validation say little). Plain SGD at Keras's rate 0.01 is where BN's speed-up is largest; the
 * learning-rate sweep's 100× (1) is where the lesson template shows BN's tolerance. Measured on three seeds by
 * test/renderer/train/bn-report-mnist.test.ts and bn-sweep-mnist.test.ts.
 */
export const DEFAULT_CONFIG: TrainConfig = {
  datasetId: 'mnist',
  subset: 2000,
  optimizer: 'sgd',
  learningRate: null,
  batchSize: 16,
  epochs: 3,
  loss: 'auto',
  validationSplit: 0.1,
  seed: 0,
};

export type RunStatus = 'running' | 'stopping' | 'completed' | 'stopped' | 'failed';

// One definition of a run's parts: the project file's, which a live run fills in as it trains.
export type RunProgress = SavedProgress;
export type StatsPoint = SavedStatsPoint;
export type RunModelResult = SavedResult;

export interface TrainingRun {
  id: string;
  /** 1, 2, 3 … in the order they were started. */
  number: number;
  datasetTitle: string;
  /** The settings as sent, with the loss resolved. */
  config: TrainConfig & { loss: LossName };
  compareBn: boolean;
  status: RunStatus;
  /** The document as it was at Start: what the run trained, whatever the canvas became since. */
  document: ModelDocument;
  /** Curves by the engine's label ('model', 'without BN'), in the order they started. */
  series: Record<string, RunSeries>;
  /** Per-layer output statistics over training, by the engine's label. */
  stats: Record<string, StatsPoint[]>;
  /** Each model's graph and trained weights by label, once the run ended. */
  results: Record<string, RunModelResult>;
  labels: string[];
  progress: RunProgress | null;
  startedAt: number;
  durationMs: number | null;
  error: ProtocolError | null;
  /** The trained weights of the model (not its twin) by node id, when the run completed or was stopped. */
  weights?: ModelDocument['weights'];
  /** The BN statistics re-estimated after the run (beyond Keras's fit), saved with the run. */
  reestimated?: ReestimatedBn;
}

/** A PreciseBN pass over a finished run: what it averaged, validation before and after, the weights it gave. */
export type ReestimatedBn = SavedReestimate;

/** The engine's label as the panel shows it: a comparison names both sides, a single run needs no name. */
export function displayLabel(run: Pick<TrainingRun, 'compareBn'>, label: string): string {
  if (!run.compareBn) return '';
  return label === 'model' ? 'with BN' : label;
}

export interface TrainingState {
  config: TrainConfig;
  /** Newest first; the one in flight included. */
  runs: TrainingRun[];
  activeId: string | null;
  selectedId: string | null;
  /** The engine's id for the `train` request in flight, which `stop` names. */
  requestId: string | null;
  setConfig(patch: Partial<TrainConfig>): void;
  begin(run: Pick<TrainingRun, 'id' | 'datasetTitle' | 'config' | 'compareBn' | 'document'>, now?: number): void;
  setRequestId(id: string | null): void;
  progress(runId: string, update: { data?: unknown }): void;
  markStopping(runId: string): void;
  finish(
    runId: string,
    result: { ok: true; value: TrainOutcome } | { ok: false; error: ProtocolError },
    now?: number,
  ): void;
  select(runId: string | null): void;
  setReestimated(runId: string, result: ReestimatedBn): void;
}

const isProgressData = (d: unknown): d is { run: string; event: TrainEvent } =>
  typeof d === 'object' &&
  d !== null &&
  typeof (d as { run?: unknown }).run === 'string' &&
  typeof (d as { event?: { type?: unknown } }).event?.type === 'string';

const updateRun = (runs: TrainingRun[], id: string, f: (r: TrainingRun) => TrainingRun) =>
  runs.map((r) => (r.id === id ? f(r) : r));

/** A request's outcome as one status: any model failing fails it, any stopped stops it. */
function outcomeStatus(outcome: TrainOutcome): { status: RunStatus; error: ProtocolError | null } {
  const failed = outcome.runs.find((r) => r.status === 'failed');
  if (failed)
    return {
      status: 'failed',
      error: { message: failed.error?.message ?? 'Training failed.', hint: failed.error?.hint },
    };
  if (outcome.runs.some((r) => r.status === 'stopped')) return { status: 'stopped', error: null };
  return { status: 'completed', error: null };
}

export const useTraining = create<TrainingState>()((set, get) => ({
  config: DEFAULT_CONFIG,
  runs: [],
  activeId: null,
  selectedId: null,
  requestId: null,

  setConfig: (patch) => set({ config: { ...get().config, ...patch } }),

  begin(run, now = Date.now()) {
    const number = get().runs.reduce((max, r) => Math.max(max, r.number), 0) + 1;
    const record: TrainingRun = {
      ...run,
      number,
      status: 'running',
      series: {},
      stats: {},
      results: {},
      labels: [],
      progress: null,
      startedAt: now,
      durationMs: null,
      error: null,
    };
    set({ runs: [record, ...get().runs], activeId: run.id, selectedId: run.id, requestId: null });
  },

  setRequestId: (requestId) => set({ requestId }),

  progress(runId, { data }) {
    if (!isProgressData(data)) return;
    const { run: label, event } = data;
    if (event.type === 'layer-stats') {
      const point: StatsPoint = { step: event.step, epoch: event.epoch, stats: event.stats };
      set({
        runs: updateRun(get().runs, runId, (r) => ({
          ...r,
          stats: { ...r.stats, [label]: [...(r.stats[label] ?? []), point] },
        })),
      });
      return;
    }
    set({
      runs: updateRun(get().runs, runId, (r) => {
        const series = { ...r.series, [label]: appendEvent(r.series[label] ?? emptySeries(), event) };
        const labels = r.labels.includes(label) ? r.labels : [...r.labels, label];
        const last = r.progress?.label === label ? r.progress : null;
        // Counted here rather than taken from the engine, whose batch events carry no fraction: each model of a
        // comparison is an equal share, each epoch an equal part of it.
        const runs = r.compareBn ? 2 : 1;
        const share = (within: number) => Math.min(1, (labels.indexOf(label) + within) / runs);
        const progress: RunProgress =
          event.type === 'batch'
            ? {
                label,
                epoch: event.epoch,
                epochs: r.config.epochs,
                batch: event.batch,
                batches: event.batches,
                samplesPerSecond: event.samplesPerSecond,
                fraction: share((event.epoch + event.batch / event.batches) / r.config.epochs),
                elapsedMs: event.elapsedMs,
              }
            : {
                label,
                epoch: event.epoch,
                epochs: event.epochs,
                batch: last?.batch ?? 0,
                batches: last?.batches ?? 0,
                samplesPerSecond: last?.samplesPerSecond ?? 0,
                fraction: share((event.epoch + 1) / event.epochs),
                elapsedMs: event.elapsedMs,
              };
        return { ...r, series, labels, progress };
      }),
    });
  },

  markStopping: (runId) =>
    set({ runs: updateRun(get().runs, runId, (r) => (r.status === 'running' ? { ...r, status: 'stopping' } : r)) }),

  finish(runId, result, now = Date.now()) {
    set({
      runs: updateRun(get().runs, runId, (r) => {
        const durationMs = now - r.startedAt;
        if (!result.ok) return { ...r, status: 'failed', error: result.error, durationMs };
        const trained = result.value.runs.find((run) => run.label === 'model' && run.status !== 'failed')?.weights;
        const results: Record<string, RunModelResult> = {};
        for (const m of result.value.runs)
          results[m.label] = {
            document: m.document,
            elapsedMs: m.elapsedMs,
            ...(m.weights && m.status !== 'failed' ? { weights: m.weights } : {}),
            ...(m.testAccuracy !== undefined ? { testAccuracy: m.testAccuracy } : {}),
          };
        return { ...r, ...outcomeStatus(result.value), durationMs, results, ...(trained ? { weights: trained } : {}) };
      }),
      activeId: get().activeId === runId ? null : get().activeId,
      requestId: get().activeId === runId ? null : get().requestId,
    });
  },

  select: (selectedId) => set({ selectedId }),

  setReestimated: (runId, reestimated) => set({ runs: updateRun(get().runs, runId, (r) => ({ ...r, reestimated })) }),
}));

/**
 * The run Predict and Inside follow until the user picks another: the newest that completed (not one stopped
 * after a few batches, nor one that failed), with its weights when `withWeights`.
 */
export function newestCompleted(runs: readonly TrainingRun[], withWeights = false): TrainingRun | undefined {
  return runs.find((r) => r.status === 'completed' && (!withWeights || r.weights !== undefined));
}

const ENDED: ReadonlySet<RunStatus> = new Set(['completed', 'stopped', 'failed']);

/** The runs a project file keeps: every one that ended, newest first (a run in flight is not saved). */
export function serializableRuns(runs: readonly TrainingRun[] = useTraining.getState().runs): SavedRun[] {
  return runs
    .filter((r) => ENDED.has(r.status))
    .map((r) => ({
      id: r.id,
      number: r.number,
      datasetTitle: r.datasetTitle,
      config: r.config,
      compareBn: r.compareBn,
      status: r.status as SavedRun['status'],
      document: r.document,
      labels: r.labels,
      series: r.series,
      stats: r.stats,
      results: r.results,
      ...(r.weights ? { weights: r.weights } : {}),
      ...(r.reestimated ? { reestimated: r.reestimated } : {}),
      progress: r.progress,
      startedAt: r.startedAt,
      durationMs: r.durationMs,
      error: r.error
        ? { message: r.error.message, ...(r.error.hint !== undefined ? { hint: r.error.hint } : {}) }
        : null,
    }));
}

/** A project's runs replace the listed ones; a run in flight stays, and the newest restored run is shown. */
export function restoreRuns(saved: readonly SavedRun[]): void {
  const { runs, activeId, selectedId } = useTraining.getState();
  const active = runs.filter((r) => r.id === activeId);
  const restored: TrainingRun[] = saved
    .filter((s) => s.id !== activeId)
    .map((s) => ({
      ...s,
      // An imported dataset's id names data this session may not hold; it is only shown, never trained on again.
      config: { ...s.config, datasetId: s.config.datasetId as DatasetId },
      series: Object.fromEntries(
        Object.entries(s.series).map(([label, series]) => [
          label,
          { ...series, epochElapsedMs: series.epochElapsedMs ?? [] },
        ]),
      ),
    }));
  // With nothing training, the settings follow the newest restored run, so Start repeats it; a run on data this
  // session doesn't hold (an imported file) keeps the current dataset.
  const newest = restored[0];
  const config =
    activeId || !newest
      ? useTraining.getState().config
      : {
          ...newest.config,
          datasetId: datasetInfo(newest.config.datasetId)
            ? newest.config.datasetId
            : useTraining.getState().config.datasetId,
        };
  useTraining.setState({
    runs: [...active, ...restored],
    selectedId: active.length ? selectedId : (newest?.id ?? null),
    config,
  });
}
