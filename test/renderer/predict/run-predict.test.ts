// What Predict checks before it asks the engine, which layers it shows as feature maps, and how it names the weights.
import { describe, expect, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';
import { getTemplate } from '../../../engine/graph/templates';
import { featureMapNodes, modelInputShape, predictProblem } from '../../../renderer/panels/predict/run-predict';
import { weightsStatus } from '../../../renderer/panels/predict/weights-status';

const cnn = getTemplate('cnn-bn-before-activation')!.build();

describe('featureMapNodes', () => {
  it('captures every Conv2D, BatchNormalization, Activation and pooling output of the CNN, in order, and nothing flat', () => {
    const inference = infer(cnn);
    const classes = featureMapNodes(inference).map((id) => inference.topology.byId.get(id)!.className);
    expect(classes).toEqual([
      'Conv2D',
      'BatchNormalization',
      'Activation',
      'Conv2D',
      'BatchNormalization',
      'Activation',
      'MaxPooling2D',
    ]);
  });

  it('skips an Activation on a flat (batch, units) output: it is no picture', () => {
    const mlp = chainDocument([
      { className: 'InputLayer', config: { shape: [4] } },
      { className: 'Dense', config: { units: 3 } },
      { className: 'Activation', config: { activation: 'relu' } },
    ]);
    expect(featureMapNodes(infer(mlp))).toEqual([]);
  });
});

describe('predictProblem', () => {
  it('accepts MNIST-shaped samples for the CNN', () => {
    const inference = infer(cnn);
    expect(modelInputShape(inference)).toEqual([28, 28, 1]);
    expect(predictProblem(inference, [28, 28, 1])).toBeNull();
  });

  it('names both shapes and the fix when the samples do not fit the Input', () => {
    const problem = predictProblem(infer(cnn), [2]);
    expect(problem).toMatchObject({
      code: 'bad-input',
      message: "The dataset's samples are (2,) but the model's Input is (28, 28, 1).",
    });
    expect(problem?.hint).toContain("Set the Input's shape to (2,)");
  });

  it('refuses a model with errors, quoting the first one', () => {
    const broken = chainDocument([
      { className: 'InputLayer', config: { shape: [3, 3, 1] } },
      { className: 'Conv2D', config: { filters: 2, kernel_size: [5, 5] } },
    ]);
    const inference = infer(broken);
    const problem = predictProblem(inference, [3, 3, 1]);
    expect(problem?.code).toBe('invalid-model');
    expect(problem?.message).toContain(inference.problems.find((p) => p.severity === 'error')!.message);
  });

  it("refuses an output that scores each position rather than the sample (the article's CNN without Flatten)", () => {
    const perPixel = getTemplate('article-cnn')!.build();
    const problem = predictProblem(infer(perPixel), [28, 28, 3]);
    expect(problem).toMatchObject({
      code: 'bad-output',
      message: "The model's output is (12, 12, 2) per sample, not one score per class.",
    });
  });
});

describe('weightsStatus', () => {
  it('says plainly when no layer has weights yet: the engine will use random ones', () => {
    const s = weightsStatus(cnn, infer(cnn));
    expect(s.trained).toBe(false);
    expect(s.text).toMatch(/^Untrained \(random weights\)/);
  });

  it('counts the layers that carry weights, naming the ones still random, and credits a run', () => {
    const inference = infer(cnn);
    const conv = cnn.nodes.find((n) => n.className === 'Conv2D')!;
    const partial = {
      ...cnn,
      weights: { [conv.id]: [{ name: 'kernel', tensor: { shape: [3, 3, 1, 32], data: new Float32Array(288) } }] },
    };
    const s = weightsStatus(partial, inference);
    expect(s.trained).toBe(true);
    expect(s.text).toBe(
      'Trained weights on 1 of 6 layers; batch_normalization, conv2d_1, batch_normalization_1, dense, batch_normalization_2 random.',
    );
    expect(weightsStatus(cnn, inference, 3)).toEqual({ trained: true, text: 'Trained weights of run #3.' });
  });
});
