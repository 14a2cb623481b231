/**
 * Keras 3 constructor signatures, in Keras's positional order (checked against keras/src/layers/…): positional
 * arguments map by this order, and keywords outside a layer's fields are either accepted at their Keras default
 * or refused by name. A layer added to the registry without an entry here falls back to its field order.
 */
import type { ConfigValue } from '../../layers/types';

const CONV_EXTRAS = ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'];

export const SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  InputLayer: ['shape', 'batch_size', 'dtype', 'sparse', 'ragged', 'batch_shape', 'input_tensor', 'optional', 'name'],
  Dense: ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', ...CONV_EXTRAS, 'lora_rank'],
  Rescaling: ['scale', 'offset'],
  Conv2D: ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', ...CONV_EXTRAS],
  DepthwiseConv2D: [
    'kernel_size', 'strides', 'padding', 'depth_multiplier', 'data_format', 'dilation_rate', 'activation', 'use_bias',
    'depthwise_initializer', 'bias_initializer', 'depthwise_regularizer', 'bias_regularizer', 'activity_regularizer', 'depthwise_constraint', 'bias_constraint',
  ],
  SeparableConv2D: [
    'filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'depth_multiplier', 'activation', 'use_bias',
    'depthwise_initializer', 'pointwise_initializer', 'bias_initializer', 'depthwise_regularizer', 'pointwise_regularizer', 'bias_regularizer',
    'activity_regularizer', 'depthwise_constraint', 'pointwise_constraint', 'bias_constraint',
  ],
  MaxPooling2D: ['pool_size', 'strides', 'padding', 'data_format'],
  AveragePooling2D: ['pool_size', 'strides', 'padding', 'data_format'],
  GlobalAveragePooling2D: ['data_format', 'keepdims'],
  GlobalMaxPooling2D: ['data_format', 'keepdims'],
  BatchNormalization: [
    'axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer', 'moving_variance_initializer',
    'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'synchronized',
  ],
  Dropout: ['rate', 'noise_shape', 'seed'],
  SpatialDropout2D: ['rate', 'data_format', 'seed'],
  Flatten: ['data_format'],
  Reshape: ['target_shape'],
  ZeroPadding2D: ['padding', 'data_format'],
  Cropping2D: ['cropping', 'data_format'],
  UpSampling2D: ['size', 'data_format', 'interpolation'],
  Add: [],
  Subtract: [],
  Multiply: [],
  Average: [],
  Maximum: [],
  Concatenate: ['axis'],
  Activation: ['activation'],
  ReLU: ['max_value', 'negative_slope', 'threshold'],
  LeakyReLU: ['negative_slope'],
  Softmax: ['axis'],
};

/** `keras.Input(...)`: a function whose order differs from InputLayer's. */
export const INPUT_SIGNATURE = ['shape', 'batch_size', 'dtype', 'sparse', 'ragged', 'batch_shape', 'name', 'tensor', 'optional'];

/** Keyword arguments every layer takes (Keras's base Layer). */
export const BASE_KEYWORDS = ['name', 'trainable', 'dtype', 'input_shape', 'batch_input_shape', 'batch_size', 'input_dim'];

/**
 * Arguments LayerCanvas does not model, with the values that mean "not used" (Keras's defaults, or the only
 * layout LayerCanvas computes). Any other value is refused by name, never dropped.
 */
export const NEUTRAL_VALUES: Readonly<Record<string, readonly ConfigValue[]>> = {
  data_format: [null, 'channels_last'],
  dtype: [null, 'float32'],
  noise_shape: [null],
  sparse: [null, false],
  ragged: [null, false],
  optional: [false],
  input_tensor: [null],
  tensor: [null],
  synchronized: [false],
  lora_rank: [null],
};

/** Other class names Keras exports for the same layers. */
export const CLASS_ALIASES: Readonly<Record<string, string>> = {
  Convolution2D: 'Conv2D',
  SeparableConvolution2D: 'SeparableConv2D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

/** Keras's functional merge helpers: `layers.add([a, b])` builds an `Add` layer and calls it. */
export const MERGE_FUNCTIONS: Readonly<Record<string, string>> = {
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  average: 'Average',
  maximum: 'Maximum',
  concatenate: 'Concatenate',
};

/** Keras 2 keyword spellings that mean a field under another name. */
export const RENAMED_KEYWORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  LeakyReLU: { alpha: 'negative_slope' },
  InputLayer: { input_shape: 'shape' },
};
