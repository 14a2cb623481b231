import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../../engine/core/tensor';
import { activation, activationGrad } from '../../../engine/kernels/activations';
import type { ActivationName } from '../../../engine/kernels/types';
import { expectClose, numericGradient, randomTensor } from './helpers';

const at = (name: ActivationName, values: number[], options = {}) =>
  Array.from(activation(tensor([values.length], values), name, options).data);

describe('activation values as Keras defines them', () => {
  it('relu, relu6, leaky_relu (negative_slope 0.3 by default)', () => {
    expect(at('relu', [-1, 0, 2])).toEqual([0, 0, 2]);
    expect(at('relu6', [-1, 3, 7])).toEqual([0, 3, 6]);
    expectClose(at('leaky_relu', [-2, 2]), [-0.6, 2]);
    expectClose(at('leaky_relu', [-2], { negativeSlope: 0.1 }), [-0.2]);
  });

  it('sigmoid, tanh, softplus, softsign, linear', () => {
    expectClose(at('sigmoid', [0, 2, -100]), [0.5, 0.880797, 0], 1e-6, 1e-7);
    expectClose(at('tanh', [0.5]), [0.4621172]);
    expectClose(at('softplus', [0, 100]), [Math.LN2, 100]);
    expectClose(at('softsign', [1, -3]), [0.5, -0.75]);
    expect(at('linear', [-3.5, 2])).toEqual([-3.5, 2]);
  });

  it('elu (alpha 1) and selu (Keras constants)', () => {
    expectClose(at('elu', [-1, 2]), [-0.6321206, 2]);
    expectClose(at('selu', [-1, 1]), [-1.1113307, 1.050701]);
  });

  it('gelu exact (erf) and approximate (tanh), silu = swish = x·sigmoid(x)', () => {
    expectClose(at('gelu', [1, -1, 0]), [0.8413447, -0.1586553, 0], 1e-6, 1e-7);
    expectClose(at('gelu_approximate', [1]), [0.841192]);
    expectClose(at('silu', [1]), [0.7310586]);
    expectClose(at('swish', [-1]), [-0.2689414]);
  });

  it('softmax over the last axis of x=[2,3], stable for large logits', () => {
    const y = activation(tensor([2, 3], [1, 2, 3, 1000, 1001, 1002]), 'softmax');
    expectClose(y.data, [0.09003057, 0.24472847, 0.66524096, 0.09003057, 0.24472847, 0.66524096], 1e-6);
  });
});

/** Kinks of the piecewise activations (relu, relu6, hard_sigmoid, hard_tanh, the shrinks, sparse_plus). */
const KINKS = [0, 6, 3, -3, 1, -1, 0.5, -0.5];

/** Inputs kept 0.05 away from every kink so a central difference never straddles one. */
function awayFromKinks(t: Tensor): Tensor {
  return tensor(
    t.shape,
    t.data.map((v) => (KINKS.some((k) => Math.abs(v - k) < 0.05) ? v + 0.1 : v)),
  );
}

const names: ActivationName[] = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'relu6',
  'gelu',
  'gelu_approximate',
  'silu',
  'swish',
  'leaky_relu',
  'hard_sigmoid',
  'hard_silu',
  'hard_swish',
  'exponential',
  'mish',
  'log_softmax',
  'celu',
  'hard_tanh',
  'log_sigmoid',
  'tanh_shrink',
  'squareplus',
  'sparse_plus',
  'sparse_sigmoid',
  'soft_shrink',
  'hard_shrink',
];

describe('activation gradients match float64 central differences on x=[3,5] in [-4, 8]', () => {
  for (const name of names)
    it(name, () => {
      const x = awayFromKinks(randomTensor([3, 5], 41, -4, 8));
      const y = activation(x, name);
      const w = randomTensor([3, 5], 42);
      expectClose(
        activationGrad(w, x, y, name).data,
        numericGradient((t) => activation(t, name), x, w.data, 1e-3),
        2e-3,
        2e-3,
      );
    });

  it('leaky_relu with negative_slope 0.1', () => {
    const x = awayFromKinks(randomTensor([8], 43, -3, 3));
    const o = { negativeSlope: 0.1 };
    const w = randomTensor([8], 44);
    expectClose(
      activationGrad(w, x, activation(x, 'leaky_relu', o), 'leaky_relu', o).data,
      numericGradient((t) => activation(t, 'leaky_relu', o), x, w.data, 1e-3),
      1e-3,
      1e-3,
    );
  });
});
