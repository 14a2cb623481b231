import { describe, expect, it } from 'vitest';
import { infer } from '../../../engine/graph/inference';
import { getTemplate } from '../../../engine/graph/templates';
import { axisLabels } from '../../../renderer/panels/train/Chart';
import { resolvedConfig } from '../../../renderer/panels/train/run-training';
import { DEFAULT_CONFIG } from '../../../renderer/stores/training';

// Before any run the Train tab titles the empty loss axis with the loss its settings would train with.
describe("the empty loss chart's axis title", () => {
  it('says nats for the article CNN on MNIST with the loss left on auto (a cross-entropy)', () => {
    const doc = getTemplate('article-cnn')!.build();
    const loss = resolvedConfig({ ...DEFAULT_CONFIG, loss: 'auto' }, infer(doc)).loss;
    expect(axisLabels('loss', loss).y).toBe('loss (nats)');
  });

  it('says target units² when the settings pick mean squared error', () => {
    const doc = getTemplate('article-cnn')!.build();
    const loss = resolvedConfig({ ...DEFAULT_CONFIG, loss: 'mean_squared_error' }, infer(doc)).loss;
    expect(axisLabels('loss', loss).y).toBe('loss (target units²)');
  });
});
