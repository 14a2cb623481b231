/**
 * One small model per registry layer, with non-default values in its options wherever the layer has any, so a
 * round trip that lost or renamed an option would show. A layer added to the registry without a case here fails
 * the coverage test.
 */
import { graphDocument, type LayerSpec } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';

const IMAGE = { className: 'InputLayer', config: { shape: [12, 12, 4] } };
const SEQUENCE = { className: 'InputLayer', config: { shape: [20, 4] } };

export const LAYER_CASES: Record<string, LayerSpec & { input?: LayerSpec }> = {
  InputLayer: {
    className: 'InputLayer',
    config: { shape: [7, 3], batch_size: 8 },
    input: { className: 'InputLayer', config: { shape: [4] } },
  },
  Dense: {
    className: 'Dense',
    config: {
      units: 7,
      activation: 'tanh',
      use_bias: false,
      kernel_initializer: 'he_normal',
      bias_initializer: 'ones',
      trainable: false,
    },
  },
  Rescaling: { className: 'Rescaling', config: { scale: 0.5, offset: -1 } },
  Conv2D: {
    className: 'Conv2D',
    config: {
      filters: 8,
      kernel_size: [3, 2],
      strides: [1, 1],
      padding: 'same',
      dilation_rate: [2, 1],
      groups: 2,
      activation: 'gelu',
      kernel_initializer: 'lecun_uniform',
      bias_initializer: 'random_normal',
    },
  },
  DepthwiseConv2D: {
    className: 'DepthwiseConv2D',
    config: {
      kernel_size: [3, 3],
      strides: [2, 2],
      padding: 'same',
      depth_multiplier: 2,
      activation: 'relu6',
      depthwise_initializer: 'truncated_normal',
    },
  },
  SeparableConv2D: {
    className: 'SeparableConv2D',
    config: {
      filters: 6,
      kernel_size: [5, 5],
      padding: 'same',
      depth_multiplier: 3,
      activation: 'elu',
      use_bias: false,
      depthwise_initializer: 'he_uniform',
      pointwise_initializer: 'glorot_normal',
    },
  },
  MaxPooling2D: { className: 'MaxPooling2D', config: { pool_size: [3, 3], strides: [1, 2], padding: 'same' } },
  AveragePooling2D: { className: 'AveragePooling2D', config: { pool_size: [2, 3], strides: null, padding: 'valid' } },
  GlobalAveragePooling2D: { className: 'GlobalAveragePooling2D', config: { keepdims: true } },
  GlobalMaxPooling2D: { className: 'GlobalMaxPooling2D', config: { keepdims: false } },
  BatchNormalization: {
    className: 'BatchNormalization',
    config: {
      axis: 3,
      momentum: 0.9,
      epsilon: 0.01,
      center: false,
      scale: true,
      gamma_initializer: 'random_uniform',
      moving_variance_initializer: 'zeros',
    },
  },
  LayerNormalization: {
    className: 'LayerNormalization',
    config: { epsilon: 1e-5, center: false, gamma_initializer: 'random_uniform' },
  },
  Normalization: { className: 'Normalization', config: { axis: 2, invert: true } },
  LayerScale: { className: 'LayerScale', config: { init_values: 0.25, projection_dim: 4 } },
  Conv2DTranspose: {
    className: 'Conv2DTranspose',
    config: {
      filters: 5,
      kernel_size: [3, 2],
      strides: [2, 1],
      padding: 'same',
      activation: 'mish',
      use_bias: false,
      kernel_initializer: 'he_uniform',
    },
  },
  Dropout: { className: 'Dropout', config: { rate: 0.25, seed: 42 } },
  SpatialDropout2D: { className: 'SpatialDropout2D', config: { rate: 0.1, seed: 3 } },
  Flatten: { className: 'Flatten' },
  Reshape: { className: 'Reshape', config: { target_shape: [24, -1] } },
  ZeroPadding2D: {
    className: 'ZeroPadding2D',
    config: {
      padding: [
        [1, 2],
        [3, 4],
      ],
    },
  },
  Cropping2D: {
    className: 'Cropping2D',
    config: {
      cropping: [
        [2, 1],
        [0, 3],
      ],
    },
  },
  UpSampling2D: { className: 'UpSampling2D', config: { size: [2, 3], interpolation: 'bilinear' } },
  Add: { className: 'Add' },
  Subtract: { className: 'Subtract' },
  Multiply: { className: 'Multiply' },
  Average: { className: 'Average' },
  Maximum: { className: 'Maximum' },
  Concatenate: { className: 'Concatenate', config: { axis: 2 } },
  Activation: { className: 'Activation', config: { activation: 'softplus' } },
  ReLU: { className: 'ReLU', config: { max_value: 6, negative_slope: 0.1, threshold: 0.5 } },
  LeakyReLU: { className: 'LeakyReLU', config: { negative_slope: 0.2 } },
  Softmax: { className: 'Softmax', config: { axis: 2 } },
  Conv1D: {
    className: 'Conv1D',
    config: {
      filters: 6,
      kernel_size: [3],
      strides: [2],
      padding: 'causal',
      groups: 2,
      activation: 'relu',
      kernel_initializer: 'he_uniform',
    },
    input: SEQUENCE,
  },
  MaxPooling1D: {
    className: 'MaxPooling1D',
    config: { pool_size: [3], strides: [1], padding: 'same' },
    input: SEQUENCE,
  },
  AveragePooling1D: { className: 'AveragePooling1D', config: { pool_size: [4], strides: null }, input: SEQUENCE },
  GlobalAveragePooling1D: { className: 'GlobalAveragePooling1D', config: { keepdims: true }, input: SEQUENCE },
  GlobalMaxPooling1D: { className: 'GlobalMaxPooling1D', config: { keepdims: false }, input: SEQUENCE },
  RepeatVector: {
    className: 'RepeatVector',
    config: { n: 5 },
    input: { className: 'InputLayer', config: { shape: [6] } },
  },
  Permute: { className: 'Permute', config: { dims: [2, 1] }, input: SEQUENCE },
  Embedding: {
    className: 'Embedding',
    config: { input_dim: 50, output_dim: 6, embeddings_initializer: 'he_normal' },
    input: { className: 'InputLayer', config: { shape: [10] } },
  },
  LSTM: {
    className: 'LSTM',
    config: {
      units: 5,
      activation: 'relu',
      recurrent_activation: 'softsign',
      unit_forget_bias: false,
      return_sequences: true,
      go_backwards: true,
      kernel_initializer: 'he_uniform',
      recurrent_initializer: 'glorot_normal',
      bias_initializer: 'ones',
    },
    input: SEQUENCE,
  },
  GRU: {
    className: 'GRU',
    config: { units: 3, activation: 'softsign', recurrent_activation: 'hard_sigmoid', use_bias: false, seed: 4 },
    input: SEQUENCE,
  },
  Bidirectional: {
    className: 'Bidirectional',
    config: {
      layer: 'LSTM',
      merge_mode: 'ave',
      units: 4,
      activation: 'softsign',
      return_sequences: true,
      recurrent_initializer: 'he_normal',
      trainable: false,
    },
    input: SEQUENCE,
  },
};

/** The layer's model: Input → layer (merge layers take two branches from the input), named, positioned. */
export function caseDocument(className: string): ModelDocument {
  const c = LAYER_CASES[className];
  if (!c) throw new Error(`no test case for ${className}`);
  if (className === 'InputLayer') {
    const doc = graphDocument(
      [
        { ...c, name: 'x_in', position: { x: 1.5, y: -20 } },
        { className: 'Dense', config: { units: 2 }, position: { x: 0, y: 100 } },
      ],
      [[0, 1]],
      'input_case',
    );
    return doc;
  }
  const layer: LayerSpec = {
    className: c.className,
    config: c.config,
    name: `my_${className.toLowerCase()}`,
    position: { x: 40, y: 80.25 },
  };
  const input = { ...(c.input ?? IMAGE), position: { x: 0, y: 0 } };
  const many = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Concatenate'].includes(className);
  if (!many) return graphDocument([input, layer], [[0, 1]], `case_${className.toLowerCase()}`);
  const branch = { className: 'Conv2D', config: { filters: 4, kernel_size: [1, 1] }, position: { x: 100, y: 40 } };
  return graphDocument(
    [input, branch, layer],
    [
      [0, 1],
      [0, 2],
      [1, 2],
    ],
    `case_${className.toLowerCase()}`,
  );
}
