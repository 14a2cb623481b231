/**
 * "Re-estimate BN statistics" on a finished comparison: the engine averages the batch statistics of N training
 * batches with the run's trained weights frozen (PreciseBN), on the run's own data, split and seed, and measures
 * validation before and after. Keras's `fit` has no such step; the report says so beside the button.
 */
import { trainDatasetSpec } from '../../stores/datasets';
import { getEngineClient } from '../../services/host-instance';
import { useTraining, type TrainingRun } from '../../stores/training';
import { useUi } from '../../stores/ui';

/** Batches averaged: 100 batches settle the per-channel means to well under a percent of their spread. */
export const REESTIMATE_BATCHES = 100;

export async function reestimateBn(run: TrainingRun, batches = REESTIMATE_BATCHES): Promise<boolean> {
  const notify = useUi.getState().notify;
  const dataset = trainDatasetSpec(run.config.datasetId, run.config);
  if (!run.weights || !dataset) {
    notify(
      run.weights
        ? `The data run #${run.number} trained on is no longer loaded: import it again to re-estimate.`
        : `Run #${run.number} has no trained weights.`,
      'error',
    );
    return false;
  }
  const client = await getEngineClient();
  const { loss, batchSize, validationSplit, seed } = run.config;
  const answer = await client.request('reestimate-bn', {
    document: { ...run.document, weights: run.weights },
    dataset,
    settings: { loss, batchSize, validationSplit, seed, batches },
  });
  if (!answer.ok) {
    notify(`Could not re-estimate the BN statistics: ${answer.error.message}`, 'error');
    return false;
  }
  const { weights, batches: used, samples, before, after } = answer.value;
  useTraining.getState().setReestimated(run.id, {
    weights,
    batches: used,
    samples,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
  });
  return true;
}
