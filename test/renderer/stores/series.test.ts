import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../../engine/train/trainer';
import {
  appendEvent,
  chartCsv,
  chartData,
  emptySeries,
  finalMetrics,
  type RunSeries,
} from '../../../renderer/stores/series';

const batch = (epoch: number, b: number, step: number, loss: number, accuracy: number): TrainEvent => ({
  type: 'batch',
  epoch,
  epochs: 2,
  batch: b,
  batches: 3,
  loss,
  accuracy,
  samplesPerSecond: 100,
  elapsedMs: step * 10,
  step,
});
const epoch = (e: number, loss: number, accuracy: number, val?: [number, number]): TrainEvent => ({
  type: 'epoch',
  epoch: e,
  epochs: 2,
  loss,
  accuracy,
  elapsedMs: 0,
  ...(val ? { val_loss: val[0], val_accuracy: val[1] } : {}),
});

/** Two epochs of three batches, with a validation split. */
function twoEpochs(): RunSeries {
  const events: TrainEvent[] = [
    batch(0, 1, 1, 2.3, 0.1),
    batch(0, 2, 2, 2.0, 0.25),
    batch(0, 3, 3, 1.8, 0.3),
    epoch(0, 1.8, 0.3, [1.6, 0.4]),
    { type: 'layer-stats', step: 3, epoch: 0, stats: [] },
    batch(1, 1, 4, 1.2, 0.6),
    batch(1, 2, 5, 1.1, 0.65),
    batch(1, 3, 6, 1.0, 0.7),
    epoch(1, 1.0, 0.7, [0.9, 0.75]),
  ];
  return events.reduce(appendEvent, emptySeries());
}

describe('training curves from progress events', () => {
  it('records one point per batch at its global step, and one per epoch at the step the epoch ended', () => {
    const s = twoEpochs();
    expect(s.step).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.loss).toEqual([2.3, 2.0, 1.8, 1.2, 1.1, 1.0]);
    expect(s.accuracy).toEqual([0.1, 0.25, 0.3, 0.6, 0.65, 0.7]);
    expect(s.epochStep).toEqual([3, 6]);
    expect(s.epochLoss).toEqual([1.8, 1.0]);
    expect(s.epochAccuracy).toEqual([0.3, 0.7]);
    expect(s.valLoss).toEqual([1.6, 0.9]);
    expect(s.valAccuracy).toEqual([0.4, 0.75]);
  });

  it('leaves the previous series untouched (the store relies on new objects to redraw)', () => {
    const before = emptySeries();
    const after = appendEvent(before, batch(0, 1, 1, 2.3, 0.1));
    expect(before.step).toEqual([]);
    expect(after).not.toBe(before);
  });

  it('marks epochs without a validation split as null', () => {
    const s = [batch(0, 1, 1, 2, 0.5), epoch(0, 2, 0.5)].reduce(appendEvent, emptySeries());
    expect(s.valLoss).toEqual([null]);
    expect(finalMetrics(s)).toEqual({ loss: 2, accuracy: 0.5, valAccuracy: null });
  });

  it("takes the final figures from the last batch (a stopped run's freshest) and the last validation", () => {
    const s = appendEvent(twoEpochs(), batch(2, 1, 7, 0.95, 0.72));
    expect(finalMetrics(s)).toEqual({ loss: 0.95, accuracy: 0.72, valAccuracy: 0.75 });
  });
});

describe('chart columns', () => {
  it('puts a single run on its steps with batch, epoch and validation curves', () => {
    const { x, curves } = chartData([{ run: '', series: twoEpochs() }], 'loss');
    expect(x).toEqual([1, 2, 3, 4, 5, 6]);
    expect(curves.map((c) => c.label)).toEqual(['loss', 'epoch loss', 'val loss']);
    expect(curves[0].values).toEqual([2.3, 2.0, 1.8, 1.2, 1.1, 1.0]);
    expect(curves[1].values).toEqual([null, null, 1.8, null, null, 1.0]);
    expect(curves[2].values).toEqual([null, null, 1.6, null, null, 0.9]);
  });

  it('overlays the two runs of a comparison on one step axis, with nulls where one run has no point', () => {
    // "without BN" was stopped after 4 steps: it has no second epoch.
    const without = [
      batch(0, 1, 1, 2.4, 0.1),
      batch(0, 2, 2, 2.3, 0.12),
      batch(0, 3, 3, 2.2, 0.15),
      epoch(0, 2.2, 0.15, [2.1, 0.2]),
      batch(1, 1, 4, 2.0, 0.2),
    ].reduce(appendEvent, emptySeries());
    const { x, curves } = chartData(
      [
        { run: 'with BN', series: twoEpochs() },
        { run: 'without BN', series: without },
      ],
      'accuracy',
    );
    expect(x).toEqual([1, 2, 3, 4, 5, 6]);
    expect(curves.map((c) => c.label)).toEqual([
      'with BN · accuracy',
      'with BN · val accuracy',
      'without BN · accuracy',
      'without BN · val accuracy',
    ]);
    expect(curves.map((c) => c.run)).toEqual(['with BN', 'with BN', 'without BN', 'without BN']);
    expect(curves[2].values).toEqual([0.1, 0.12, 0.15, 0.2, null, null]);
    expect(curves[3].values).toEqual([null, null, 0.2, null, null, null]);
    expect(curves[1].values).toEqual([null, null, 0.4, null, null, 0.75]);
  });

  it('has no points and no curves before the first batch', () => {
    expect(chartData([], 'loss')).toEqual({ x: [], curves: [] });
  });
});

describe('chart CSV', () => {
  it('has a step column, one column per curve, and empty cells where a curve has no point', () => {
    const csv = chartCsv({
      x: [1, 2, 3],
      curves: [
        { run: '', kind: 'batch', label: 'loss', values: [0.9, 0.7, 0.5] },
        { run: '', kind: 'val', label: 'val loss', values: [null, null, 0.6] },
      ],
    });
    expect(csv).toBe('step,loss,val loss\n1,0.9,\n2,0.7,\n3,0.5,0.6\n');
  });
});
