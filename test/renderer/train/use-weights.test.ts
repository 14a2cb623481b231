// Trained weights go back only to layers that still match the run's snapshot; changed layers are named.
import { describe, expect, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { initializeWeights } from '../../../engine/train/initializers';
import { applyTrainedWeights } from '../../../renderer/panels/train/use-weights';

const doc = () =>
  chainDocument([
    { className: 'InputLayer', config: { shape: [4] } },
    { className: 'Dense', config: { units: 3 } },
    { className: 'BatchNormalization' },
    { className: 'Dense', config: { units: 2, activation: 'softmax' } },
  ]);

describe('using a run’s trained weights', () => {
  it('puts every layer’s weights into an unchanged document', () => {
    const trained = initializeWeights(doc(), 7);
    const r = applyTrainedWeights(doc(), trained);
    expect(r.applied).toEqual(['dense', 'batch_normalization', 'dense_1']);
    expect(r.skipped).toEqual([]);
    expect(r.doc.weights!.n2.map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(r.doc.weights!.n1[0].tensor.data).toBe(trained.n1[0].tensor.data);
  });

  it('skips a layer whose shapes changed since the run, and one that was deleted', () => {
    const trained = initializeWeights(doc(), 7);
    const edited = doc();
    edited.nodes[1].config.units = 5; // dense now (4, 5): its kernel no longer fits, nor does the BN after it
    edited.nodes = edited.nodes.filter((n) => n.id !== 'n3');
    edited.edges = edited.edges.filter((e) => e.target !== 'n3');
    const r = applyTrainedWeights(edited, trained);
    expect(r.applied).toEqual([]);
    expect(r.skipped).toEqual(['dense', 'batch_normalization', 'n3']);
    expect(r.doc.weights).toEqual({});
  });
});
