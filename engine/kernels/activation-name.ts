// The names of Keras activations the kernels run and their options: a leaf module, so the kernel files that
// need the names (activations, the recurrent cells) and the Backend interface in types.ts import it without a cycle.

export type ActivationName =
  | 'linear'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'softmax'
  | 'elu'
  | 'selu'
  | 'softplus'
  | 'softsign'
  | 'relu6'
  | 'gelu'
  | 'gelu_approximate'
  | 'silu'
  | 'swish'
  | 'leaky_relu'
  | 'hard_sigmoid'
  | 'hard_silu'
  | 'hard_swish'
  | 'exponential'
  | 'mish'
  | 'log_softmax'
  | 'celu'
  | 'hard_tanh'
  | 'log_sigmoid'
  | 'tanh_shrink'
  | 'squareplus'
  | 'sparse_plus'
  | 'sparse_sigmoid'
  | 'soft_shrink'
  | 'hard_shrink';

export interface ActivationOptions {
  /** LeakyReLU's `negative_slope` (Keras 3; `alpha` in tf.keras 2); default 0.3. */
  negativeSlope?: number;
  /** ELU's alpha; default 1. */
  alpha?: number;
}
