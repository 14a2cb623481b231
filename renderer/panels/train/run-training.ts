/**
 * Starting and stopping a training in the engine process. The run trains a snapshot of the document taken at
 * Start, so the canvas stays editable while it runs; `stop` ends it at the next batch and the engine answers with
 * what it learned so far.
 */
import { datasetInfo, trainDatasetSpec } from '../../stores/datasets';
import type { ModelDocument } from '../../../engine/api/graph';
import type { Inference } from '../../../engine/api/graph';
import type { EngineClient } from '../../services/engine-client';
import { getEngineClient } from '../../services/host-instance';
import { useTraining, type TrainConfig } from '../../stores/training';
import { useUi } from '../../stores/ui';
import { suggestLoss, trainBlocker } from './model-check';
import { ladderStops } from './bn-report';

/** Long runs are normal: the engine streams progress, so only a silent day-long run would be cut off. */
const TRAIN_TIMEOUT_MS = 24 * 60 * 60 * 1000;

let counter = 0;
/** Runs the user pressed Stop on: a stopped comparison is not repeated at the higher learning rate. */
const stopRequested = new Set<string>();

export function resolvedConfig(
  config: TrainConfig,
  inference: Inference,
): TrainConfig & { loss: Exclude<TrainConfig['loss'], 'auto'> } {
  const info = datasetInfo(config.datasetId) ?? { numClasses: 0 };
  return { ...config, loss: config.loss === 'auto' ? suggestLoss(inference, info) : config.loss };
}

/** Enough per-layer statistics samples for a smooth picture over the run (about 60), without flooding the page. */
export function statsEvery(
  config: Pick<TrainConfig, 'subset' | 'validationSplit' | 'batchSize' | 'epochs'>,
  datasetCount: number,
): number {
  const samples = Math.min(config.subset ?? datasetCount, datasetCount);
  const steps = Math.ceil((samples * (1 - config.validationSplit)) / config.batchSize) * config.epochs;
  return Math.max(1, Math.round(steps / 60));
}

export interface StartOptions {
  compareBn: boolean;
  /**
   * Then repeat the comparison at each of these learning rates in turn, a run each, until one at which a side
   * failed to train (the higher-rate repeat; nothing is repeated after a run the user stopped).
   */
  ladder?: readonly number[];
  /** This run is one of the ladder's repeats (the run at the set rate never stops the climb: a short run may leave
   * a side at chance there for want of steps, which a higher rate can cure). */
  rung?: boolean;
  /** Then repeat it at each of these learning rates in turn, each a run of its own (the learning-rate sweep). */
  nextRates?: readonly number[];
  /** The settings to use instead of the panel's (the repeat uses the first run's, whatever the panel became). */
  config?: TrainConfig;
}

export async function startTraining(doc: ModelDocument, inference: Inference, options: StartOptions): Promise<void> {
  const store = useTraining.getState();
  if (store.activeId) return;
  const config = resolvedConfig(options.config ?? store.config, inference);
  const info = datasetInfo(config.datasetId);
  const dataset = trainDatasetSpec(config.datasetId, config);
  if (!info || !dataset) {
    useUi
      .getState()
      .notify(
        `The dataset "${config.datasetId}" is no longer loaded: import its file again or pick another dataset.`,
        'error',
      );
    return;
  }
  // The checks the Train tab shows, made again here: a model that would fail them never becomes a (failed) run.
  const blocker = trainBlocker(doc, inference, info, config.loss);
  if (blocker) {
    useUi.getState().notify(`${blocker.message} ${blocker.hint}`, 'error');
    return;
  }
  counter += 1;
  const runId = `run-${Date.now().toString(36)}-${counter}`;
  store.begin({ id: runId, datasetTitle: info.title, config, compareBn: options.compareBn, document: doc });
  let client: EngineClient;
  try {
    client = await getEngineClient();
  } catch (err) {
    const message = `The engine is not reachable: ${err instanceof Error ? err.message : String(err)}`;
    useTraining.getState().finish(runId, {
      ok: false,
      error: { message, hint: 'Restart LayerCanvas; the status bar shows the engine state.' },
    });
    return;
  }
  const result = await client.request(
    'train',
    {
      document: doc,
      dataset,
      settings: {
        loss: config.loss,
        optimizer: { name: config.optimizer, ...(config.learningRate ? { learning_rate: config.learningRate } : {}) },
        epochs: config.epochs,
        batchSize: config.batchSize,
        validationSplit: config.validationSplit,
        seed: config.seed,
        statsEvery: statsEvery(config, info.count),
      },
      compareBn: options.compareBn,
    },
    {
      timeoutMs: TRAIN_TIMEOUT_MS,
      onId: (id) => useTraining.getState().setRequestId(id),
      onProgress: (update) => useTraining.getState().progress(runId, update),
    },
  );
  useTraining.getState().finish(runId, result);
  const stopped =
    stopRequested.delete(runId) || useTraining.getState().runs.find((r) => r.id === runId)?.status === 'stopped';
  // A comparison that failed because one side diverged is a result, not a reason to stop a sweep; the ladder
  // stops there, having found the rate it was climbing to.
  const finished = useTraining.getState().runs.find((r) => r.id === runId);
  const climbing =
    options.ladder && finished && !(options.rung && ladderStops(finished, info.numClasses)) ? options.ladder : [];
  const next = options.nextRates ?? climbing;
  if (next.length && !stopped)
    await startTraining(doc, inference, {
      compareBn: options.compareBn,
      config: { ...config, learningRate: next[0] },
      ...(options.nextRates ? { nextRates: next.slice(1) } : { ladder: next.slice(1), rung: true }),
    });
}

/**
 * Ask the engine to end the run in flight before its next batch; the `train` request then answers. The engine
 * registers a training once its data has loaded (and the request may not be sent yet), so a Stop during loading is
 * repeated until it lands.
 */
export async function stopTraining(): Promise<void> {
  const { activeId, markStopping } = useTraining.getState();
  if (!activeId) return;
  stopRequested.add(activeId);
  markStopping(activeId);
  const client = await getEngineClient();
  while (useTraining.getState().activeId === activeId) {
    const requestId = useTraining.getState().requestId;
    if (requestId) {
      const answer = await client.request('stop', { target: requestId });
      if (!answer.ok) {
        useUi.getState().notify(`Could not stop the training: ${answer.error.message}`, 'error');
        return;
      }
      if (answer.value.stopping) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
