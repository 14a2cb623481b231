import { describe, expect, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { layerDefinitions } from '../../../engine/layers/registry';
import { bnTwin } from '../../../engine/train/twin';

describe('bnTwin gives the bias back to every linear layer its BatchNormalization followed', () => {
  it.each(layerDefinitions().filter((d) => d.traits?.linearWithBias && d.className !== 'Dense'))(
    '$className',
    (def) => {
      const doc = chainDocument([
        { className: 'InputLayer', config: { shape: def.className === 'Conv1D' ? [8, 3] : [8, 8, 3] } },
        { className: def.className, config: { use_bias: false }, name: 'lin' },
        { className: 'BatchNormalization', name: 'bn' },
      ]);
      const twin = bnTwin(doc);
      expect(twin.removed).toEqual(['bn']);
      expect(twin.biasRestored).toEqual(['lin']);
      expect(twin.doc.nodes.find((n) => n.name === 'lin')?.config.use_bias).toBe(true);
    },
  );

  it('leaves a layer without a bias to restore alone', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [4] } },
      { className: 'ReLU', name: 'act' },
      { className: 'BatchNormalization', name: 'bn' },
    ]);
    expect(bnTwin(doc).biasRestored).toEqual([]);
  });
});
