/**
 * The comparison report's "epochs and seconds to reach X %": read from the per-epoch events the trainer sends
 * (validation accuracy when there is validation data, else training accuracy; elapsedMs at the epoch's end), and
 * the higher learning rate as ten times Keras's optimizer default when none is set.
 */
import { describe, expect, it } from 'vitest';
import { appendEvent, emptySeries } from '../../../renderer/stores/series';
import {
  effectiveLearningRate,
  higherLearningRate,
  rateText,
  timeToTarget,
} from '../../../renderer/panels/train/time-to-target';
import type { TrainEvent } from '../../../engine/train/trainer';

const epoch = (e: number, accuracy: number, elapsedMs: number, val_accuracy?: number): TrainEvent => ({
  type: 'epoch',
  epoch: e,
  epochs: 3,
  loss: 1,
  accuracy,
  elapsedMs,
  ...(val_accuracy !== undefined ? { val_loss: 1, val_accuracy } : {}),
});
const series = (...events: TrainEvent[]) => events.reduce(appendEvent, emptySeries());

describe('time to a target accuracy', () => {
  it('is the first epoch whose validation accuracy reaches the target, with the elapsed time the event carried', () => {
    // Training accuracy crosses 90 % in epoch 1, validation only in epoch 2: validation decides.
    const s = series(epoch(0, 0.92, 1200, 0.85), epoch(1, 0.95, 2500, 0.9), epoch(2, 0.97, 3900, 0.93));
    expect(timeToTarget(s, 0.9)).toEqual({
      metric: 'val accuracy',
      epoch: 2,
      elapsedMs: 2500,
      epochsRun: 3,
      best: 0.93,
    });
    expect(timeToTarget(s, 0.8)).toMatchObject({ epoch: 1, elapsedMs: 1200 });
  });

  it('uses training accuracy when the run has no validation data', () => {
    const s = series(epoch(0, 0.5, 1000), epoch(1, 0.75, 2100));
    expect(timeToTarget(s, 0.7)).toEqual({ metric: 'accuracy', epoch: 2, elapsedMs: 2100, epochsRun: 2, best: 0.75 });
  });

  it('says not reached, with the epochs run and the best value, when no epoch gets there', () => {
    const s = series(epoch(0, 0.3, 900, 0.35), epoch(1, 0.4, 1800, 0.31));
    expect(timeToTarget(s, 0.9)).toEqual({
      metric: 'val accuracy',
      epoch: null,
      elapsedMs: null,
      epochsRun: 2,
      best: 0.35,
    });
    expect(timeToTarget(emptySeries(), 0.9)).toEqual({
      metric: 'accuracy',
      epoch: null,
      elapsedMs: null,
      epochsRun: 0,
      best: null,
    });
  });

  it('counts a value exactly at the target as reached', () => {
    expect(timeToTarget(series(epoch(0, 0.9, 10)), 0.9).epoch).toBe(1);
  });
});

describe('the higher learning rate', () => {
  it('is ten times the Keras default of each optimizer when none is set', () => {
    // Keras 3: Adam(learning_rate=0.001), SGD(learning_rate=0.01), RMSprop(learning_rate=0.001).
    expect(effectiveLearningRate({ optimizer: 'adam', learningRate: null })).toBe(0.001);
    expect(higherLearningRate({ optimizer: 'adam', learningRate: null })).toBe(0.01);
    expect(higherLearningRate({ optimizer: 'sgd', learningRate: null })).toBe(0.1);
    expect(higherLearningRate({ optimizer: 'rmsprop', learningRate: null })).toBe(0.01);
  });

  it('is ten times the rate set, printed without binary noise', () => {
    expect(higherLearningRate({ optimizer: 'sgd', learningRate: 0.03 })).toBe(0.3);
    expect(String(higherLearningRate({ optimizer: 'adam', learningRate: 0.0007 }))).toBe('0.007');
  });

  it('prints short in a label, however large or small', () => {
    expect([0.01, 0.3, 1e-5, 1e11, 2.5e-7, 12].map(rateText)).toEqual(['0.01', '0.3', '1e-5', '1e+11', '2.5e-7', '12']);
  });
});
