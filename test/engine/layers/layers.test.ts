// Keras-style layer cases: config + input shape → output shape and weight counts, as Keras reports them.
// Every number here is what Keras 3 gives for the same layer (model.summary() / layer.count_params()).
import { describe, expect, it } from 'vitest';
import type { Shape } from '../../../engine/core/shape';
import { completeConfig, defaultConfig, validateConfig } from '../../../engine/layers/config';
import { getLayer, layerDefinitions } from '../../../engine/layers/registry';
import { isIssue } from '../../../engine/layers/types';

interface Case {
  layer: string;
  config?: Record<string, unknown>;
  inputs: Shape[];
  output: Shape;
  trainable?: number;
  nonTrainable?: number;
  weightNames?: string[];
}

const N = null;
const CASES: Case[] = [
  { layer: 'InputLayer', config: { shape: [28, 28, 3] }, inputs: [], output: [N, 28, 28, 3] },
  { layer: 'InputLayer', config: { shape: [N, 5], batch_size: 8 }, inputs: [], output: [8, N, 5] },
  {
    layer: 'Dense',
    config: { units: 64 },
    inputs: [[N, 784]],
    output: [N, 64],
    trainable: 50240,
    weightNames: ['kernel', 'bias'],
  },
  {
    layer: 'Dense',
    config: { units: 2, activation: 'softmax' },
    inputs: [[N, 12, 12, 32]],
    output: [N, 12, 12, 2],
    trainable: 66,
  },
  {
    layer: 'Dense',
    config: { units: 10, use_bias: false },
    inputs: [[N, 20]],
    output: [N, 10],
    trainable: 200,
    weightNames: ['kernel'],
  },
  { layer: 'Dense', config: { units: 16 }, inputs: [[N, 1, 5]], output: [N, 1, 16], trainable: 96 },
  {
    layer: 'Conv2D',
    config: { filters: 32, kernel_size: [3, 3] },
    inputs: [[N, 28, 28, 3]],
    output: [N, 26, 26, 32],
    trainable: 896,
  },
  {
    layer: 'Conv2D',
    config: { filters: 32, kernel_size: 3 },
    inputs: [[N, 26, 26, 32]],
    output: [N, 24, 24, 32],
    trainable: 9248,
  },
  {
    layer: 'Conv2D',
    config: { filters: 64, kernel_size: 3, strides: 2, padding: 'same' },
    inputs: [[N, 28, 28, 32]],
    output: [N, 14, 14, 64],
    trainable: 18496,
  },
  {
    layer: 'Conv2D',
    config: { filters: 16, kernel_size: 5, strides: 2 },
    inputs: [[N, 28, 28, 1]],
    output: [N, 12, 12, 16],
    trainable: 416,
  },
  {
    layer: 'Conv2D',
    config: { filters: 8, kernel_size: 3, dilation_rate: 2 },
    inputs: [[N, 10, 10, 3]],
    output: [N, 6, 6, 8],
    trainable: 224,
  },
  {
    layer: 'Conv2D',
    config: { filters: 8, kernel_size: 3, strides: 2, padding: 'same' },
    inputs: [[N, 7, 7, 3]],
    output: [N, 4, 4, 8],
    trainable: 224,
  },
  {
    layer: 'Conv2D',
    config: { filters: 8, kernel_size: 3, groups: 2 },
    inputs: [[N, 9, 9, 4]],
    output: [N, 7, 7, 8],
    trainable: 152,
  },
  {
    layer: 'Conv2D',
    config: { filters: 32, kernel_size: [3, 3], use_bias: false },
    inputs: [[N, 28, 28, 1]],
    output: [N, 26, 26, 32],
    trainable: 288,
  },
  {
    layer: 'Conv2D',
    config: { filters: 4, kernel_size: [1, 3], strides: [1, 2] },
    inputs: [[N, N, 9, 2]],
    output: [N, N, 4, 4],
    trainable: 28,
  },
  {
    layer: 'DepthwiseConv2D',
    config: { kernel_size: 3, depth_multiplier: 2 },
    inputs: [[N, 28, 28, 3]],
    output: [N, 26, 26, 6],
    trainable: 60,
  },
  {
    layer: 'DepthwiseConv2D',
    config: { kernel_size: 3, padding: 'same', use_bias: false },
    inputs: [[N, 8, 8, 16]],
    output: [N, 8, 8, 16],
    trainable: 144,
  },
  {
    layer: 'SeparableConv2D',
    config: { filters: 16, kernel_size: 3 },
    inputs: [[N, 28, 28, 3]],
    output: [N, 26, 26, 16],
    trainable: 91,
    weightNames: ['depthwise_kernel', 'pointwise_kernel', 'bias'],
  },
  {
    layer: 'SeparableConv2D',
    config: { filters: 64, kernel_size: 3, depth_multiplier: 2, padding: 'same' },
    inputs: [[N, 16, 16, 32]],
    output: [N, 16, 16, 64],
    trainable: 576 + 4096 + 64,
  },
  {
    layer: 'BatchNormalization',
    inputs: [[N, 26, 26, 32]],
    output: [N, 26, 26, 32],
    trainable: 64,
    nonTrainable: 64,
    weightNames: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  },
  {
    layer: 'BatchNormalization',
    config: { center: false },
    inputs: [[N, 16]],
    output: [N, 16],
    trainable: 16,
    nonTrainable: 32,
    weightNames: ['gamma', 'moving_mean', 'moving_variance'],
  },
  {
    layer: 'BatchNormalization',
    config: { scale: false, center: false },
    inputs: [[N, 16]],
    output: [N, 16],
    trainable: 0,
    nonTrainable: 32,
  },
  {
    layer: 'BatchNormalization',
    config: { axis: 1 },
    inputs: [[N, 3, 10, 10]],
    output: [N, 3, 10, 10],
    trainable: 6,
    nonTrainable: 6,
  },
  { layer: 'MaxPooling2D', inputs: [[N, 24, 24, 32]], output: [N, 12, 12, 32] },
  { layer: 'MaxPooling2D', inputs: [[N, 25, 25, 8]], output: [N, 12, 12, 8] },
  {
    layer: 'MaxPooling2D',
    config: { pool_size: 3, strides: 2, padding: 'same' },
    inputs: [[N, 25, 25, 8]],
    output: [N, 13, 13, 8],
  },
  { layer: 'AveragePooling2D', config: { pool_size: 2, strides: 1 }, inputs: [[N, 5, 5, 2]], output: [N, 4, 4, 2] },
  { layer: 'AveragePooling2D', config: { padding: 'same' }, inputs: [[N, 5, 5, 2]], output: [N, 3, 3, 2] },
  { layer: 'GlobalAveragePooling2D', inputs: [[N, 7, 7, 64]], output: [N, 64] },
  { layer: 'GlobalMaxPooling2D', config: { keepdims: true }, inputs: [[N, 7, 7, 64]], output: [N, 1, 1, 64] },
  { layer: 'Flatten', inputs: [[N, 12, 12, 32]], output: [N, 4608] },
  { layer: 'Flatten', inputs: [[N, N, 12, 3]], output: [N, N] },
  { layer: 'Reshape', config: { target_shape: [7, 7, 16] }, inputs: [[N, 784]], output: [N, 7, 7, 16] },
  { layer: 'Reshape', config: { target_shape: [-1, 4] }, inputs: [[N, 784]], output: [N, 196, 4] },
  { layer: 'Dropout', config: { rate: 0.25 }, inputs: [[N, 128]], output: [N, 128] },
  { layer: 'SpatialDropout2D', config: { rate: 0.2 }, inputs: [[N, 8, 8, 4]], output: [N, 8, 8, 4] },
  { layer: 'Activation', config: { activation: 'softmax' }, inputs: [[N, 10]], output: [N, 10] },
  { layer: 'ReLU', config: { max_value: 6 }, inputs: [[N, 4, 4, 2]], output: [N, 4, 4, 2] },
  { layer: 'LeakyReLU', inputs: [[N, 4]], output: [N, 4] },
  { layer: 'Softmax', inputs: [[N, 4]], output: [N, 4] },
  { layer: 'Rescaling', config: { scale: 1 / 255 }, inputs: [[N, 28, 28, 1]], output: [N, 28, 28, 1] },
  { layer: 'ZeroPadding2D', inputs: [[N, 28, 28, 3]], output: [N, 30, 30, 3] },
  { layer: 'ZeroPadding2D', config: { padding: [2, 3] }, inputs: [[N, 28, 28, 3]], output: [N, 32, 34, 3] },
  {
    layer: 'ZeroPadding2D',
    config: {
      padding: [
        [1, 2],
        [3, 4],
      ],
    },
    inputs: [[N, 28, 28, 3]],
    output: [N, 31, 35, 3],
  },
  {
    layer: 'Cropping2D',
    config: {
      cropping: [
        [1, 1],
        [2, 2],
      ],
    },
    inputs: [[N, 28, 28, 3]],
    output: [N, 26, 24, 3],
  },
  { layer: 'UpSampling2D', inputs: [[N, 7, 7, 3]], output: [N, 14, 14, 3] },
  { layer: 'UpSampling2D', config: { size: [2, 3] }, inputs: [[N, 7, 7, 3]], output: [N, 14, 21, 3] },
  {
    layer: 'Add',
    inputs: [
      [N, 8, 8, 16],
      [N, 8, 8, 16],
    ],
    output: [N, 8, 8, 16],
  },
  {
    layer: 'Add',
    inputs: [
      [N, 8, 8, 16],
      [N, 1, 1, 16],
    ],
    output: [N, 8, 8, 16],
  },
  {
    layer: 'Multiply',
    inputs: [
      [N, 4],
      [N, 4],
      [N, 4],
    ],
    output: [N, 4],
  },
  {
    layer: 'Multiply',
    inputs: [
      [N, 8, 8, 32],
      [N, 32],
    ],
    output: [N, 8, 8, 32],
  },
  {
    layer: 'Add',
    inputs: [
      [N, 5],
      [N, N],
    ],
    output: [N, N],
  },
  {
    layer: 'Add',
    inputs: [
      [4, 5],
      [N, 5],
    ],
    output: [4, 5],
  },
  {
    layer: 'Subtract',
    inputs: [
      [N, 4],
      [N, 4],
    ],
    output: [N, 4],
  },
  {
    layer: 'Average',
    inputs: [
      [N, 4],
      [N, 4],
    ],
    output: [N, 4],
  },
  {
    layer: 'Maximum',
    inputs: [
      [N, 4],
      [N, 4],
    ],
    output: [N, 4],
  },
  {
    layer: 'Concatenate',
    inputs: [
      [N, 8, 8, 16],
      [N, 8, 8, 32],
    ],
    output: [N, 8, 8, 48],
  },
  {
    layer: 'Concatenate',
    config: { axis: 1 },
    inputs: [
      [N, 3, 5],
      [N, 4, 5],
    ],
    output: [N, 7, 5],
  },
  {
    layer: 'Conv1D',
    config: { filters: 16, kernel_size: 3 },
    inputs: [[N, 100, 8]],
    output: [N, 98, 16],
    trainable: 400,
  },
  {
    layer: 'Conv1D',
    config: { filters: 4, kernel_size: 5, strides: 2, padding: 'same' },
    inputs: [[N, 9, 2]],
    output: [N, 5, 4],
    trainable: 44,
  },
  {
    layer: 'Conv1D',
    config: { filters: 4, kernel_size: 3, padding: 'causal', dilation_rate: 4 },
    inputs: [[N, N, 2]],
    output: [N, N, 4],
    trainable: 28,
  },
  {
    layer: 'Conv1D',
    config: { filters: 6, kernel_size: 2, groups: 3, use_bias: false },
    inputs: [[N, 7, 3]],
    output: [N, 6, 6],
    trainable: 12,
    weightNames: ['kernel'],
  },
  { layer: 'MaxPooling1D', inputs: [[N, 9, 3]], output: [N, 4, 3] },
  {
    layer: 'MaxPooling1D',
    config: { pool_size: 3, strides: 2, padding: 'same' },
    inputs: [[N, 9, 3]],
    output: [N, 5, 3],
  },
  { layer: 'AveragePooling1D', config: { pool_size: 4 }, inputs: [[N, 10, 2]], output: [N, 2, 2] },
  { layer: 'GlobalAveragePooling1D', inputs: [[N, 10, 2]], output: [N, 2] },
  { layer: 'GlobalMaxPooling1D', config: { keepdims: true }, inputs: [[N, N, 5]], output: [N, 1, 5] },
  { layer: 'RepeatVector', config: { n: 4 }, inputs: [[N, 3]], output: [N, 4, 3] },
  { layer: 'Permute', config: { dims: [2, 1] }, inputs: [[N, 3, 5]], output: [N, 5, 3] },
  { layer: 'Permute', config: { dims: [3, 1, 2] }, inputs: [[N, 2, 3, 4]], output: [N, 4, 2, 3] },
];

const name = (c: Case) =>
  `${c.layer}(${JSON.stringify(c.config ?? {})}) on ${c.inputs.map((s) => JSON.stringify(s)).join(' + ') || 'nothing'}`;

describe('layer output shapes and weights equal Keras', () => {
  for (const c of CASES) {
    it(name(c), () => {
      const def = getLayer(c.layer)!;
      const { config, unknownKeys } = completeConfig(def, c.config ?? {});
      expect(unknownKeys).toEqual([]);
      expect(validateConfig(def, config)).toEqual([]);
      const out = def.outputShape(config, c.inputs);
      expect(isIssue(out) ? out.message : out).toEqual(c.output);
      const weights = def.weights?.(config, c.inputs) ?? [];
      const count = (trainable: boolean) =>
        weights.filter((w) => w.trainable === trainable).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
      expect(count(true)).toBe(c.trainable ?? 0);
      expect(count(false)).toBe(c.nonTrainable ?? 0);
      if (c.weightNames) expect(weights.map((w) => w.name)).toEqual(c.weightNames);
    });
  }
});

describe('layer configs', () => {
  it('every layer has the Keras defaults that KERAS-NOTES lists', () => {
    const bn = defaultConfig(getLayer('BatchNormalization')!);
    expect(bn).toMatchObject({ axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true });
    expect(defaultConfig(getLayer('Conv2D')!)).toMatchObject({
      strides: [1, 1],
      padding: 'valid',
      dilation_rate: [1, 1],
      use_bias: true,
      kernel_initializer: 'glorot_uniform',
      bias_initializer: 'zeros',
      activation: 'linear',
    });
    expect(defaultConfig(getLayer('MaxPooling2D')!)).toMatchObject({
      pool_size: [2, 2],
      strides: null,
      padding: 'valid',
    });
    expect(defaultConfig(getLayer('LeakyReLU')!)).toMatchObject({ negative_slope: 0.3 });
    expect(defaultConfig(getLayer('Dropout')!)).toMatchObject({ rate: 0.5 });
  });

  it('every default config is valid and survives completeConfig unchanged (config round trip)', () => {
    for (const def of layerDefinitions()) {
      const config = defaultConfig(def);
      expect(validateConfig(def, config), def.className).toEqual([]);
      expect(completeConfig(def, config).config, def.className).toEqual(config);
    }
  });

  it('an int kernel_size means the same value on both axes', () => {
    const { config } = completeConfig(getLayer('Conv2D')!, { filters: 4, kernel_size: 5 });
    expect(config.kernel_size).toEqual([5, 5]);
  });

  it("pooling strides equal to pool_size are Keras's None", () => {
    const { config } = completeConfig(getLayer('MaxPooling2D')!, { pool_size: [3, 3], strides: [3, 3] });
    expect(config.strides).toBeNull();
  });

  it('unknown keys are reported, not dropped silently', () => {
    expect(completeConfig(getLayer('Dense')!, { units: 3, kernel_regulariser: 'l2' }).unknownKeys).toEqual([
      'kernel_regulariser',
    ]);
  });

  it('bad values name the key and the value', () => {
    const def = getLayer('Conv2D')!;
    const bad = (over: Record<string, unknown>) =>
      validateConfig(def, completeConfig(def, { filters: 8, kernel_size: 3, ...over }).config).map((i) => i.message);
    expect(bad({ filters: 0 })).toEqual(['filters must be at least 1, got 0']);
    expect(bad({ filters: 2.5 })).toEqual(['filters must be an integer, got 2.5']);
    expect(bad({ padding: 'full' })).toEqual(["padding must be one of 'valid', 'same', got 'full'"]);
    expect(bad({ strides: [2, 2], dilation_rate: [2, 2] })[0]).toContain(
      'cannot be combined with dilation_rate (2, 2)',
    );
    expect(bad({ filters: 9, groups: 2 })).toEqual(['filters 9 is not divisible by groups 2']);
    const bn = getLayer('BatchNormalization')!;
    expect(validateConfig(bn, completeConfig(bn, { epsilon: 0 }).config)[0].message).toBe(
      'epsilon must be greater than 0, got 0',
    );
    const drop = getLayer('Dropout')!;
    expect(validateConfig(drop, completeConfig(drop, { rate: 1 }).config)[0].message).toBe(
      'rate must be less than 1, got 1',
    );
  });
});

describe('layer shape errors are specific', () => {
  const issue = (layer: string, config: Record<string, unknown>, inputs: Shape[]) => {
    const def = getLayer(layer)!;
    const out = def.outputShape(completeConfig(def, config).config, inputs);
    if (!isIssue(out)) throw new Error(`expected an issue, got ${JSON.stringify(out)}`);
    return out;
  };
  it('Conv2D fed a 2-D tensor', () => {
    const i = issue('Conv2D', { filters: 8, kernel_size: 3 }, [[N, 4608]]);
    expect(i.message).toBe('Conv2D expects a 4-D input (batch, height, width, channels), got (None, 4608)');
    expect(i.hint).toContain('Flatten');
  });
  it('a kernel larger than its input', () => {
    expect(issue('Conv2D', { filters: 8, kernel_size: 5 }, [[N, 3, 3, 1]]).message).toContain(
      'kernel_size (5, 5) is larger than the input (3, 3)',
    );
  });
  it('a pool larger than its input', () => {
    const i = issue('MaxPooling2D', { pool_size: 4 }, [[N, 3, 3, 1]]);
    expect(i.code).toBe('pool-larger-than-input');
    expect(i.message).toContain('pool_size (4, 4) is larger than the input (3, 3)');
  });
  it('Add of unequal shapes names both', () => {
    expect(
      issue('Add', {}, [
        [N, 8, 8, 16],
        [N, 8, 8, 32],
      ]).message,
    ).toBe('Add needs inputs of the same shape, got (None, 8, 8, 16) and (None, 8, 8, 32)');
  });
  it('Concatenate mismatch off the axis names the axis', () => {
    expect(
      issue('Concatenate', {}, [
        [N, 8, 8, 16],
        [N, 4, 4, 16],
      ]).message,
    ).toContain('axis 1 differs');
  });
  it('Reshape to a different size', () => {
    expect(issue('Reshape', { target_shape: [5, 5] }, [[N, 12, 12, 2]]).message).toBe(
      'target_shape (5, 5) has 25 elements but each sample of (None, 12, 12, 2) has 288',
    );
  });
});
