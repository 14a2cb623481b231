/**
 * The Train tab's Stop names the running `train` request by the id the engine client reports (`onId`): checked
 * against a real engine service in memory, training a small MLP on the spirals.
 */
import { describe, expect, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { memoryEnginePort } from '../../support/engine';
import type { TrainEvent } from '../../../engine/train/trainer';
import { createEngineClient } from '../../../renderer/services/engine-client';

const MLP = chainDocument([
  { className: 'InputLayer', config: { shape: [2] } },
  { className: 'Dense', config: { units: 8, activation: 'relu' } },
  { className: 'Dense', config: { units: 2, activation: 'softmax' } },
]);

describe('stopping a training by its request id', () => {
  it('ends the run before its next batch and answers with the partial history', async () => {
    const client = createEngineClient(memoryEnginePort());
    let trainId: string | null = null;
    const batches: number[] = [];
    let stopAnswer: Promise<unknown> | null = null;
    const result = await client.request(
      'train',
      {
        document: MLP,
        dataset: { id: 'spirals' },
        settings: {
          loss: 'sparse_categorical_crossentropy',
          optimizer: { name: 'adam' },
          epochs: 50,
          batchSize: 8,
          seed: 0,
        },
      },
      {
        onId: (id) => (trainId = id),
        onProgress: ({ data }) => {
          const event = (data as { event: TrainEvent }).event;
          if (event.type !== 'batch') return;
          batches.push(event.step);
          if (batches.length === 3) stopAnswer = client.request('stop', { target: trainId! });
        },
      },
    );
    expect(trainId).toMatch(/-\d+$/);
    expect(await stopAnswer).toEqual({ ok: true, value: { stopping: true } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const run = result.value.runs[0];
    expect(run.status).toBe('stopped');
    // 400 samples in batches of 8 are 50 batches an epoch, 2,500 in all: the stop lands within a batch of the third.
    expect(run.batchLoss.length).toBeGreaterThanOrEqual(3);
    expect(run.batchLoss.length).toBeLessThanOrEqual(4);
    expect(batches.length).toBe(run.batchLoss.length);
    client.dispose();
  });
});
