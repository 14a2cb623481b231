/**
 * What Python code may call besides a layer's constructor; each layer's own signature is in its definition
 * (engine/layers/*.ts, `keras`).
 */

/** `keras.Input(...)`: a function whose order differs from InputLayer's. */
export const INPUT_SIGNATURE = [
  'shape',
  'batch_size',
  'dtype',
  'sparse',
  'ragged',
  'batch_shape',
  'name',
  'tensor',
  'optional',
];

/** Keyword arguments every layer takes (Keras's base Layer). */
export const BASE_KEYWORDS = [
  'name',
  'trainable',
  'dtype',
  'input_shape',
  'batch_input_shape',
  'batch_size',
  'input_dim',
];
