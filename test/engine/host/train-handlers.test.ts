// Training and prediction over the engine protocol, through the same service the engine processes run.
import { describe, expect, it } from 'vitest';
import { createEngineService } from '../../../engine/host/engine-service';
import type { EngineMessage, TrainOutcome, PredictResult, ReestimateOutcome } from '../../../engine/api/protocol';
import { chainDocument } from '../../../engine/graph/build';
import { getTemplate } from '../../../engine/graph/templates';

const mlp = chainDocument([
  { className: 'InputLayer', config: { shape: [2] } },
  { className: 'Dense', config: { units: 8, use_bias: false } },
  { className: 'BatchNormalization' },
  { className: 'Activation', config: { activation: 'relu' } },
  { className: 'Dense', config: { units: 2, activation: 'softmax' } },
]);
const settings = {
  loss: 'sparse_categorical_crossentropy',
  optimizer: { name: 'adam', learning_rate: 0.01 },
  epochs: 3,
  batchSize: 32,
  seed: 3,
  validationSplit: 0.2,
  statsEvery: 4,
};

function engine() {
  const messages: EngineMessage[] = [];
  const waiters = new Map<string, (m: EngineMessage) => void>();
  const service = createEngineService((m) => {
    messages.push(m);
    if ('ok' in m && m.id) waiters.get(m.id)?.(m);
  });
  const call = (id: string, type: string, payload: unknown) =>
    new Promise<EngineMessage>((resolve) => {
      waiters.set(id, resolve);
      service.handle({ id, type, payload });
    });
  return { messages, call, service };
}

describe('train over the protocol', () => {
  it('trains the model and its BN-free twin on the same data, streaming progress and layer statistics', async () => {
    const { messages, call } = engine();
    const answer = await call('t1', 'train', { document: mlp, dataset: { id: 'circles' }, settings, compareBn: true });
    expect(answer).toMatchObject({ id: 't1', ok: true });
    const outcome = (answer as { result: TrainOutcome }).result;
    expect(outcome.runs.map((r) => [r.label, r.status])).toEqual([
      ['model', 'completed'],
      ['without BN', 'completed'],
    ]);
    expect(outcome.runs[1].document.nodes.map((n) => n.className)).toEqual([
      'InputLayer',
      'Dense',
      'Activation',
      'Dense',
    ]);
    expect(outcome.runs[0].history.val_accuracy).toHaveLength(3);
    const progress = messages.filter((m) => 'type' in m && m.type === 'progress') as {
      data: { run: string; event: { type: string } };
      fraction?: number;
    }[];
    expect(new Set(progress.map((p) => p.data.run))).toEqual(new Set(['model', 'without BN']));
    expect(progress.some((p) => p.data.event.type === 'layer-stats')).toBe(true);
    expect(progress.filter((p) => p.data.event.type === 'epoch')).toHaveLength(6);
    const fractions = progress.map((p) => p.fraction).filter((f): f is number => f !== undefined);
    expect(fractions.at(-1)).toBeCloseTo(1, 5);
  }, 60_000);

  it('stop ends a training before its next batch and answers with what it learned', async () => {
    const { messages, call, service } = engine();
    const pending = call('t2', 'train', {
      document: mlp,
      dataset: { id: 'circles' },
      settings: { ...settings, epochs: 50 },
    });
    while (!messages.some((m) => 'type' in m && m.type === 'progress')) await new Promise((r) => setTimeout(r, 1));
    service.handle({ id: 's1', type: 'stop', payload: { target: 't2' } });
    const answer = (await pending) as { ok: true; result: TrainOutcome };
    expect(answer.ok).toBe(true);
    expect(answer.result.runs[0].status).toBe('stopped');
    expect(answer.result.runs[0].batchLoss.length).toBeLessThan(50 * 10);
    expect(answer.result.runs[0].weights).toBeDefined();
  }, 60_000);

  it('a bad dataset or a model that cannot train comes back as an error with a hint', async () => {
    const { call } = engine();
    const wrong = (await call('t3', 'train', {
      document: getTemplate('cnn-bn-before-activation')!.build(),
      dataset: { id: 'circles' },
      settings,
    })) as { result: TrainOutcome };
    expect(wrong.result.runs[0].status).toBe('failed');
    expect(wrong.result.runs[0].error!.message).toBe(
      "The dataset's samples are (2,) but the model's Input is (28, 28, 1).",
    );
    const bad = await call('t4', 'train', { document: mlp, dataset: { id: 'imagenet' }, settings });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});

describe('predict over the protocol', () => {
  it('returns probabilities that sum to 1 and the captured feature maps', async () => {
    const { call } = engine();
    const doc = getTemplate('cnn-bn-before-activation')!.build();
    const conv = doc.nodes[1].id;
    const answer = (await call('p1', 'predict', {
      document: doc,
      input: { shape: [2, 28, 28, 1], data: new Float32Array(2 * 784).fill(0.5) },
      capture: [conv],
    })) as { ok: true; result: PredictResult };
    expect(answer.ok).toBe(true);
    expect(answer.result.output.shape).toEqual([2, 10]);
    const sum = Array.from(answer.result.output.data.slice(0, 10)).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
    expect(answer.result.captured[conv].shape).toEqual([2, 26, 26, 32]);
    const wrong = await call('p2', 'predict', {
      document: doc,
      input: { shape: [1, 28, 28, 3], data: new Float32Array(784 * 3) },
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });
});

describe('reestimate-bn over the protocol', () => {
  it("re-estimates a trained model's BN statistics on the run's split and reports validation before and after", async () => {
    const { call } = engine();
    const trained = await call('t1', 'train', { document: mlp, dataset: { id: 'circles' }, settings });
    const weights = (trained as { result: TrainOutcome }).result.runs[0].weights!;
    const answer = await call('r1', 'reestimate-bn', {
      document: { ...mlp, weights },
      dataset: { id: 'circles' },
      settings: { loss: settings.loss, batchSize: 32, validationSplit: 0.2, seed: 3, batches: 5 },
    });
    expect(answer).toMatchObject({ id: 'r1', ok: true });
    const r = (answer as { result: ReestimateOutcome }).result;
    expect(r).toMatchObject({ batches: 5, samples: 160, layers: ['batch_normalization'] });
    // Validation is measured on the held-out fifth, as the run measured it.
    expect(r.before!.accuracy).toBeCloseTo(
      (trained as { result: TrainOutcome }).result.runs[0].history.val_accuracy.at(-1)!,
      6,
    );
    expect(r.after!.accuracy).toBeGreaterThanOrEqual(0);
    const bnId = mlp.nodes[2].id;
    const moving = (w: typeof weights) => Array.from(w[bnId].find((x) => x.name === 'moving_mean')!.tensor.data);
    expect(moving(r.weights)).not.toEqual(moving(weights));
    expect(r.weights[mlp.nodes[1].id]).toEqual(weights[mlp.nodes[1].id]);
  }, 60_000);

  it('refuses a model without BatchNormalization, saying why', async () => {
    const { call } = engine();
    const plain = chainDocument([
      { className: 'InputLayer', config: { shape: [2] } },
      { className: 'Dense', config: { units: 2, activation: 'softmax' } },
    ]);
    const answer = await call('r2', 'reestimate-bn', {
      document: plain,
      dataset: { id: 'circles' },
      settings: { loss: settings.loss, batchSize: 32, validationSplit: 0.2, seed: 3, batches: 5 },
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'nothing-to-reestimate' } });
  });
});
