import { describe, expect, it } from 'vitest';
import { tensor } from '../../../engine/core/tensor';
import { softmaxCrossEntropy, softmaxCrossEntropyGrad } from '../../../engine/kernels/softmax-cross-entropy';
import { expectClose, randomTensor } from './helpers';

describe('softmax cross-entropy', () => {
  it('logits [1,2,3] with label 2: loss −log(0.66524096) = 0.40760596, probabilities the softmax', () => {
    const r = softmaxCrossEntropy(tensor([1, 3], [1, 2, 3]), tensor([1, 3], [0, 0, 1]));
    expectClose([r.loss], [0.40760596], 1e-6);
    expectClose(r.probs.data, [0.09003057, 0.24472847, 0.66524096], 1e-6);
  });

  it('the loss is the mean over rows and stays finite for logits of 1000', () => {
    const r = softmaxCrossEntropy(tensor([2, 2], [0, 0, 1000, 0]), tensor([2, 2], [1, 0, 0, 1]));
    expectClose(r.perRow, [Math.LN2, 1000], 1e-6);
    expectClose([r.loss], [(Math.LN2 + 1000) / 2], 1e-6);
  });

  it('grad of the mean loss matches float64 central differences for x=[3,4], one-hot and soft labels', () => {
    const logits = randomTensor([3, 4], 51, -2, 2);
    for (const labels of [tensor([3, 4], [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]), randomTensor([3, 4], 52, 0, 0.5)]) {
      const grad = softmaxCrossEntropyGrad(softmaxCrossEntropy(logits, labels).probs, labels);
      const numeric = new Float64Array(12);
      const h = 1e-3;
      for (let i = 0; i < 12; i++) {
        const plus = tensor(logits.shape, logits.data.slice());
        const minus = tensor(logits.shape, logits.data.slice());
        plus.data[i] += h;
        minus.data[i] -= h;
        numeric[i] =
          (softmaxCrossEntropy(plus, labels).loss - softmaxCrossEntropy(minus, labels).loss) /
          (plus.data[i] - minus.data[i]);
      }
      expectClose(grad.data, numeric, 2e-3, 2e-4);
    }
  });

  it('rejects labels of another shape', () => {
    expect(() => softmaxCrossEntropy(tensor([2, 3]), tensor([2, 2]))).toThrow(/\[2,2\]/);
  });
});
