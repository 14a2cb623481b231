/**
 * "Also at a higher learning rate": after the BN comparison ends, the same comparison runs again as a run of its
 * own at ten times the learning rate, on the first run's settings; a comparison the user stopped is not repeated.
 * The engine is a recording fake: what is checked is what the panel asks of it.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PayloadOf, TrainOutcome } from '../../../engine/api/protocol';
import { chainDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';

const sent: PayloadOf<'train'>[] = [];
let onTrain: (() => void) | null = null;

vi.mock('../../../renderer/services/host-instance', () => ({
  getEngineClient: async () => ({
    request: async (type: string, payload: unknown, options?: { onId?(id: string): void }) => {
      if (type === 'stop') return { ok: true, value: { stopping: true } };
      sent.push(payload as PayloadOf<'train'>);
      options?.onId?.(`train-${sent.length}`);
      onTrain?.();
      const outcome: TrainOutcome = {
        kernels: 'reference',
        runs: ['model', 'without BN'].map((label) => ({
          label,
          status: stopping ? 'stopped' : 'completed',
          document: { name: 'm', nodes: [], edges: [] },
          history: { loss: [], accuracy: [], val_loss: [], val_accuracy: [] },
          batchLoss: [],
          batchAccuracy: [],
          elapsedMs: 5,
        })),
      };
      return { ok: true, value: outcome };
    },
  }),
}));

let stopping = false;
const { startTraining, stopTraining } = await import('../../../renderer/panels/train/run-training');
const { DEFAULT_CONFIG, useTraining } = await import('../../../renderer/stores/training');

const doc = chainDocument([
  { className: 'InputLayer', config: { shape: [28, 28, 1] } },
  { className: 'Conv2D', config: { filters: 4, kernel_size: [3, 3], use_bias: false } },
  { className: 'BatchNormalization' },
  { className: 'Flatten' },
  { className: 'Dense', config: { units: 10, activation: 'softmax' } },
]);

beforeEach(() => {
  sent.length = 0;
  onTrain = null;
  stopping = false;
  useTraining.setState({
    runs: [],
    activeId: null,
    selectedId: null,
    requestId: null,
    config: { ...DEFAULT_CONFIG, optimizer: 'adam', subset: 256, epochs: 1 },
  });
});

describe('repeating a BN comparison at a higher learning rate', () => {
  it('runs the comparison again at ten times Adam’s default 0.001, as a second run labelled with its rate', async () => {
    await startTraining(doc, infer(doc), { compareBn: true, higherLr: true });
    expect(sent).toHaveLength(2);
    expect(sent.every((p) => p.compareBn === true)).toBe(true);
    expect(sent[0].settings.optimizer).toEqual({ name: 'adam' });
    expect(sent[1].settings.optimizer).toEqual({ name: 'adam', learning_rate: 0.01 });
    const runs = useTraining.getState().runs;
    expect(runs.map((r) => r.number)).toEqual([2, 1]);
    expect(runs[0].config.learningRate).toBe(0.01);
    expect(runs[1].config.learningRate).toBeNull();
    expect(runs.every((r) => r.status === 'completed' && r.compareBn)).toBe(true);
  });

  it('keeps the first run’s settings even if the panel changed meanwhile, and scales a rate that was set', async () => {
    useTraining.getState().setConfig({ optimizer: 'sgd', learningRate: 0.05 });
    onTrain = () => useTraining.getState().setConfig({ optimizer: 'adam', learningRate: null, epochs: 7 });
    await startTraining(doc, infer(doc), { compareBn: true, higherLr: true });
    expect(sent[1].settings.optimizer).toEqual({ name: 'sgd', learning_rate: 0.5 });
    expect(sent[1].settings.epochs).toBe(1);
  });

  it('does not repeat a comparison the user stopped', async () => {
    onTrain = () => {
      if (sent.length === 1) {
        stopping = true;
        void stopTraining();
      }
    };
    await startTraining(doc, infer(doc), { compareBn: true, higherLr: true });
    expect(sent).toHaveLength(1);
    expect(useTraining.getState().runs).toHaveLength(1);
    expect(useTraining.getState().runs[0].status).toBe('stopped');
  });

  it('does not repeat it either when the engine had already finished as Stop was pressed', async () => {
    onTrain = () => {
      if (sent.length === 1) void stopTraining();
    };
    await startTraining(doc, infer(doc), { compareBn: true, higherLr: true });
    expect(useTraining.getState().runs[0].status).toBe('completed');
    expect(sent).toHaveLength(1);
  });

  it('runs once without the option', async () => {
    await startTraining(doc, infer(doc), { compareBn: true });
    expect(sent).toHaveLength(1);
  });
});
