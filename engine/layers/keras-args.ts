/**
 * Keras arguments LayerCanvas does not model, with the values that mean "not used" (Keras's defaults, or the only
 * layout LayerCanvas computes); the first is what `get_config()` holds. Any other value is refused by name, never
 * dropped. tf.keras 2's BatchNormalization renormalization and fused flags and InputLayer's sparse/ragged/optional
 * are here too, as their files write them.
 */
import type { ConfigValue, LayerDefinition } from './types';

export const NEUTRAL_ARGS: Readonly<Record<string, readonly ConfigValue[]>> = {
  data_format: ['channels_last', null],
  dtype: [null, 'float32'],
  sparse: [false, null],
  ragged: [false, null],
  optional: [false],
  input_tensor: [null],
  tensor: [null],
  synchronized: [false],
  renorm: [false],
  renorm_clipping: [null],
  renorm_momentum: [0.99],
  virtual_batch_size: [null],
  adjustment: [null],
  fused: [null, true, false],
  lora_rank: [null],
  lora_alpha: [null],
  quantization_config: [null],
  activity_regularizer: [null],
  output_padding: [null],
  // Embedding: no mask is computed, and weights come from a weights file, not the constructor.
  mask_zero: [false],
  weights: [null],
  input_length: [null],
  // LSTM and GRU: the plain many-to-one or many-to-many RNN from zero state.
  stateful: [false],
  unroll: [false, true],
  // Only matters with a mask, which LayerCanvas never computes; Keras sets it on the layers Bidirectional wraps.
  zero_output_for_mask: [false, true],
  use_cudnn: ['auto', true, false],
  reset_after: [true],
  implementation: [2, 1],
  time_major: [false],
};

/** Why an argument above has only its neutral value, and what to do instead, where "drop it" alone would puzzle. */
export const NEUTRAL_HINTS: Readonly<Record<string, string>> = {
  mask_zero: 'LayerCanvas computes no masks: drop mask_zero (id 0 is then an ordinary token)',
  stateful: 'LayerCanvas starts every batch from zero state: drop stateful',
  reset_after: "LayerCanvas computes GRU with Keras's default reset_after=True: drop the argument",
};

/** A regularizer or constraint argument: a field where the layer has one (fields.ts), else None only. */
export const isRegularizerOrConstraint = (key: string): boolean => /_regularizer$|_constraint$/.test(key);

/** What `get_config()` holds for an argument LayerCanvas doesn't model. */
export function neutralValue(key: string): ConfigValue {
  return Object.hasOwn(NEUTRAL_ARGS, key) ? NEUTRAL_ARGS[key][0] : null;
}

/** tf.keras 2's spelling of a field where it differs (`alpha` for LeakyReLU's `negative_slope`). */
export function olderSpelling(def: Pick<LayerDefinition, 'keras'>, field: string): string | undefined {
  const renamed = def.keras.renamed;
  return renamed ? Object.keys(renamed).find((old) => renamed[old] === field) : undefined;
}
