/**
 * "Also at higher rates until a model fails": after the BN comparison ends, the same comparison runs again as a run
 * of its own at 10×, then 100× the learning rate, on the first run's settings, and climbs no further once a side
 * failed to train (here: the twin diverges from a set rate on); a comparison the user stopped is not repeated. The
 * engine is a recording fake: what is checked is what the panel asks of it.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PayloadOf, TrainOutcome } from '../../../engine/api/protocol';
import { chainDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';

const sent: PayloadOf<'train'>[] = [];
let onTrain: (() => void) | null = null;
/** The twin's loss stops being finite at this learning rate and above (in its first epoch). */
let twinDivergesFrom = Number.POSITIVE_INFINITY;

vi.mock('../../../renderer/services/host-instance', () => ({
  getEngineClient: async () => ({
    request: async (type: string, payload: unknown, options?: { onId?(id: string): void }) => {
      if (type === 'stop') return { ok: true, value: { stopping: true } };
      sent.push(payload as PayloadOf<'train'>);
      options?.onId?.(`train-${sent.length}`);
      onTrain?.();
      const rate = (payload as PayloadOf<'train'>).settings.optimizer.learning_rate ?? 0.01;
      const outcome: TrainOutcome = {
        kernels: 'reference',
        runs: ['model', 'without BN'].map((label) => ({
          label,
          status: stopping ? 'stopped' : label === 'without BN' && rate >= twinDivergesFrom ? 'failed' : 'completed',
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
const { ladderRates } = await import('../../../renderer/panels/train/time-to-target');

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
  twinDivergesFrom = Number.POSITIVE_INFINITY;
  useTraining.setState({
    runs: [],
    activeId: null,
    selectedId: null,
    requestId: null,
    config: { ...DEFAULT_CONFIG, optimizer: 'adam', subset: 256, epochs: 1 },
  });
});

const ladder = () => ladderRates(useTraining.getState().config);
const rates = () => sent.map((p) => p.settings.optimizer.learning_rate ?? null);

describe('repeating a BN comparison at higher learning rates', () => {
  it('climbs from Adam’s default 0.001 to 0.01 and 0.1, each a run of its own labelled with its rate', async () => {
    expect(ladder()).toEqual([0.01, 0.1]);
    await startTraining(doc, infer(doc), { compareBn: true, ladder: ladder() });
    expect(rates()).toEqual([null, 0.01, 0.1]);
    expect(sent.every((p) => p.compareBn === true && p.settings.optimizer.name === 'adam')).toBe(true);
    const runs = useTraining.getState().runs;
    expect(runs.map((r) => r.number)).toEqual([3, 2, 1]);
    expect(runs.map((r) => r.config.learningRate)).toEqual([0.1, 0.01, null]);
    expect(runs.every((r) => r.status === 'completed' && r.compareBn)).toBe(true);
  });

  it('stops at the first rate at which the twin fails: SGD’s 0.01, then 0.1 where the twin diverges', async () => {
    useTraining.getState().setConfig({ optimizer: 'sgd' });
    expect(ladder()).toEqual([0.1, 1]);
    twinDivergesFrom = 0.1;
    await startTraining(doc, infer(doc), { compareBn: true, ladder: ladder() });
    expect(rates()).toEqual([null, 0.1]);
    expect(useTraining.getState().runs.map((r) => r.status)).toEqual(['failed', 'completed']);
  });

  it('always runs the first repeat, even when the twin failed at the set rate, and stops after it', async () => {
    useTraining.getState().setConfig({ optimizer: 'sgd', learningRate: 0.05 });
    twinDivergesFrom = 0.05;
    await startTraining(doc, infer(doc), { compareBn: true, ladder: ladder() });
    expect(rates()).toEqual([0.05, 0.5]);
  });

  it('goes on to 100× while both models train at 10×', async () => {
    useTraining.getState().setConfig({ optimizer: 'sgd' });
    twinDivergesFrom = 1;
    await startTraining(doc, infer(doc), { compareBn: true, ladder: ladder() });
    expect(rates()).toEqual([null, 0.1, 1]);
  });

  it('keeps the first run’s settings even if the panel changed meanwhile, and scales a rate that was set', async () => {
    useTraining.getState().setConfig({ optimizer: 'sgd', learningRate: 0.05 });
    onTrain = () => useTraining.getState().setConfig({ optimizer: 'adam', learningRate: null, epochs: 7 });
    await startTraining(doc, infer(doc), { compareBn: true, ladder: ladder() });
    expect(rates()).toEqual([0.05, 0.5, 5]);
    expect(sent.every((p) => p.settings.optimizer.name === 'sgd' && p.settings.epochs === 1)).toBe(true);
  });

  it('does not repeat a comparison the user stopped', async () => {
    onTrain = () => {
      if (sent.length === 1) {
        stopping = true;
        void stopTraining();
      }
    };
    await startTraining(doc, infer(doc), { compareBn: true, ladder: ladder() });
    expect(sent).toHaveLength(1);
    expect(useTraining.getState().runs).toHaveLength(1);
    expect(useTraining.getState().runs[0].status).toBe('stopped');
  });

  it('does not repeat it either when the engine had already finished as Stop was pressed', async () => {
    onTrain = () => {
      if (sent.length === 1) void stopTraining();
    };
    await startTraining(doc, infer(doc), { compareBn: true, ladder: ladder() });
    expect(useTraining.getState().runs[0].status).toBe('completed');
    expect(sent).toHaveLength(1);
  });

  it('runs once without the option', async () => {
    await startTraining(doc, infer(doc), { compareBn: true });
    expect(sent).toHaveLength(1);
  });
});
