import { beforeEach, describe, expect, it } from 'vitest';
import type { TrainOutcome, TrainRunResult } from '../../../engine/api/protocol';
import type { TrainEvent } from '../../../engine/train/trainer';
import { DEFAULT_CONFIG, displayLabel, useTraining } from '../../../renderer/stores/training';

const config = { ...DEFAULT_CONFIG, subset: 512, epochs: 1, loss: 'sparse_categorical_crossentropy' as const };
const batch = (b: number, loss: number, accuracy: number): TrainEvent => ({
  type: 'batch',
  epoch: 0,
  epochs: 1,
  batch: b,
  batches: 2,
  loss,
  accuracy,
  samplesPerSecond: 640,
  elapsedMs: b * 50,
  step: b,
});
const epochEnd = (loss: number, accuracy: number, val_accuracy: number): TrainEvent => ({
  type: 'epoch',
  epoch: 0,
  epochs: 1,
  loss,
  accuracy,
  val_loss: 1,
  val_accuracy,
  elapsedMs: 100,
});
const result = (label: string, status: TrainRunResult['status'], error?: TrainRunResult['error']): TrainRunResult => ({
  label,
  status,
  error,
  document: { name: 'm', nodes: [], edges: [] },
  history: { loss: [], accuracy: [], val_loss: [], val_accuracy: [] },
  batchLoss: [],
  batchAccuracy: [],
  elapsedMs: 100,
});
const document = { name: 'm', nodes: [], edges: [] };
const outcome = (...runs: TrainRunResult[]): { ok: true; value: TrainOutcome } => ({
  ok: true,
  value: { runs, kernels: 'fast' },
});

beforeEach(() => {
  useTraining.setState({ runs: [], activeId: null, selectedId: null, requestId: null, config: DEFAULT_CONFIG });
});

describe('the training store', () => {
  it("turns one run's progress events into its curves and its progress bar", () => {
    const s = useTraining.getState();
    s.begin({ id: 'r1', datasetTitle: 'MNIST digits', config, compareBn: false, document }, 1000);
    s.progress('r1', { data: { run: 'model', event: batch(1, 2.3, 0.1) } });
    // One epoch of two batches: half done after the first.
    expect(useTraining.getState().runs[0].progress?.fraction).toBe(0.5);
    s.progress('r1', { data: { run: 'model', event: batch(2, 2.1, 0.2) } });
    s.progress('r1', { data: { run: 'model', event: epochEnd(2.1, 0.2, 0.3) } });
    const run = useTraining.getState().runs[0];
    expect(run.labels).toEqual(['model']);
    expect(run.series.model.step).toEqual([1, 2]);
    expect(run.series.model.loss).toEqual([2.3, 2.1]);
    expect(run.series.model.epochStep).toEqual([2]);
    expect(run.series.model.valAccuracy).toEqual([0.3]);
    // The epoch event keeps the last batch's position and speed.
    expect(run.progress).toEqual({
      label: 'model',
      epoch: 0,
      epochs: 1,
      batch: 2,
      batches: 2,
      samplesPerSecond: 640,
      fraction: 1,
      elapsedMs: 100,
    });
    expect(useTraining.getState().activeId).toBe('r1');

    useTraining.getState().finish('r1', outcome(result('model', 'completed')), 4000);
    const done = useTraining.getState().runs[0];
    expect(done.status).toBe('completed');
    expect(done.durationMs).toBe(3000);
    expect(useTraining.getState().activeId).toBeNull();
    expect(done.document).toBe(document);
    expect(done.results.model).toEqual({ document: { name: 'm', nodes: [], edges: [] }, elapsedMs: 100 });
  });

  it('keeps the two runs of a BN comparison apart, in the order they trained, named "with BN" and "without BN"', () => {
    const s = useTraining.getState();
    s.begin({ id: 'cmp', datasetTitle: 'MNIST digits', config, compareBn: true, document });
    s.progress('cmp', { data: { run: 'model', event: batch(1, 2.0, 0.3) } });
    expect(useTraining.getState().runs[0].progress?.fraction).toBe(0.25);
    s.progress('cmp', { data: { run: 'model', event: batch(2, 1.5, 0.5) } });
    s.progress('cmp', { data: { run: 'without BN', event: batch(1, 2.3, 0.1) } });
    // The second model's first batch of two: the first model's half plus a quarter.
    expect(useTraining.getState().runs[0].progress?.fraction).toBe(0.75);
    s.progress('cmp', { data: { run: 'without BN', event: { type: 'layer-stats', step: 1, epoch: 0, stats: [] } } });
    s.progress('cmp', { data: { run: 'without BN', event: batch(2, 2.2, 0.15) } });
    const run = useTraining.getState().runs[0];
    expect(run.labels).toEqual(['model', 'without BN']);
    expect(run.series.model.loss).toEqual([2.0, 1.5]);
    expect(run.series['without BN'].loss).toEqual([2.3, 2.2]);
    expect(run.series['without BN'].step).toEqual([1, 2]);
    expect(run.progress?.label).toBe('without BN');
    // Layer statistics are kept per model, apart from the curves.
    expect(run.stats['without BN']).toEqual([{ step: 1, epoch: 0, stats: [] }]);
    expect(run.stats.model).toBeUndefined();
    expect(run.labels.map((l) => displayLabel(run, l))).toEqual(['with BN', 'without BN']);
    expect(displayLabel({ compareBn: false }, 'model')).toBe('');
  });

  it('ignores progress that is not a training event', () => {
    const s = useTraining.getState();
    s.begin({ id: 'r', datasetTitle: 'd', config, compareBn: false, document });
    s.progress('r', { data: 'loading' });
    s.progress('r', { data: { run: 'model' } });
    expect(useTraining.getState().runs[0].labels).toEqual([]);
  });

  it('records a stop as stopped, and an engine error or a diverged run as failed with its hint', () => {
    const s = useTraining.getState();
    s.begin({ id: 'a', datasetTitle: 'd', config, compareBn: true, document });
    s.markStopping('a');
    expect(useTraining.getState().runs[0].status).toBe('stopping');
    s.finish('a', outcome(result('model', 'completed'), result('without BN', 'stopped')));
    expect(useTraining.getState().runs[0].status).toBe('stopped');

    s.begin({ id: 'b', datasetTitle: 'd', config, compareBn: false, document });
    const diverged = {
      message: 'the loss became NaN at epoch 1, batch 3: training diverged',
      hint: 'lower the learning rate (now 10)',
    };
    s.finish('b', outcome(result('model', 'failed', diverged)));
    expect(useTraining.getState().runs[0]).toMatchObject({ id: 'b', number: 2, status: 'failed', error: diverged });

    s.begin({ id: 'c', datasetTitle: 'd', config, compareBn: false, document });
    s.finish('c', {
      ok: false,
      error: { code: 'bad-dataset', message: "no dataset 'mnistt'", hint: 'pick one of mnist, shapes' },
    });
    expect(useTraining.getState().runs[0]).toMatchObject({
      id: 'c',
      number: 3,
      status: 'failed',
      error: { message: "no dataset 'mnistt'", hint: 'pick one of mnist, shapes' },
    });
    expect(useTraining.getState().runs.map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });
});
