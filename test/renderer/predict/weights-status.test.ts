import { describe, expect, it } from 'vitest';
import { infer } from '../../../engine/graph/inference';
import { getTemplate } from '../../../engine/graph/templates';
import { bnWarmup } from '../../../renderer/panels/predict/weights-status';

const cnn = getTemplate('cnn-bn-before-activation')!.build();

describe("the Predict tab's note on BatchNormalization's moving statistics", () => {
  it('says how much of the starting statistics a short run leaves (0.9^8 = 43%) and how many steps settle them', () => {
    const note = bnWarmup(cnn, infer(cnn), 8)!;
    expect(note).toContain('8 updates');
    expect(note).toContain('momentum 0.9,');
    expect(note).toContain('43%');
    // 0.9^s <= 5% from s = ceil(ln 0.05 / ln 0.9) = 29 steps.
    expect(note).toContain('about 29 steps');
  });

  it('says nothing once the moving statistics have settled, or when there is no BatchNormalization', () => {
    expect(bnWarmup(cnn, infer(cnn), 29)).toBeNull();
    expect(bnWarmup(cnn, infer(cnn), 28)).not.toBeNull();
    const mlp = getTemplate('blank')!.build();
    expect(bnWarmup(mlp, infer(mlp), 1)).toBeNull();
  });

  it("follows a layer's own momentum and names the slowest layer", () => {
    const slow = {
      ...cnn,
      nodes: cnn.nodes.map((n, i) =>
        n.className === 'BatchNormalization' && i > 3
          ? { ...n, name: 'slow_bn', config: { ...n.config, momentum: 0.999 } }
          : n,
      ),
    };
    const note = bnWarmup(slow, infer(slow), 299)!;
    expect(note).toContain('slow_bn');
    expect(note).toContain('momentum 0.999');
    expect(note).toContain(`${Math.round(0.999 ** 299 * 100)}%`);
  });
});
