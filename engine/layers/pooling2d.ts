/** MaxPooling2D and AveragePooling2D share everything but the reduction. */
import { joinArgs, pair, paddingField, tupleText } from './fields';
import { valuesEqual } from './config';
import { expectImage, windowOutput } from './spatial';
import type { LayerDefinition } from './types';
import type { Padding, PoolParams } from '../kernels/types';
import { defineLayer } from './define';

interface PoolConfig {
  readonly pool_size: [number, number];
  readonly strides: [number, number] | null;
  readonly padding: Padding;
}

function poolParams(config: PoolConfig): PoolParams {
  return { poolSize: config.pool_size, strides: config.strides ?? config.pool_size, padding: config.padding };
}

export function pooling2d(
  className: 'MaxPooling2D' | 'AveragePooling2D',
  description: string,
  alias: string,
): LayerDefinition {
  const max = className === 'MaxPooling2D';
  return defineLayer({
    className,
    group: 'Pooling',
    description,
    arity: 'one',
    traits: { featureMaps: true },
    keras: {
      args: ['pool_size', 'strides', 'padding', 'data_format'],
      config: ['pool_size', 'padding', 'strides', 'data_format'],
      aliases: [alias],
      noBuild: true,
    },
    fields: {
      // Keras 3: MaxPooling2D(pool_size=(2, 2)) but AveragePooling2D(pool_size) with no default.
      pool_size: pair([2, 2], 'Height and width of the pooling window.', max ? {} : { required: true }),
      strides: pair(null, 'Step of the window; None means pool_size.', { nullable: true }),
      padding: paddingField,
    },
    normalize(config) {
      return valuesEqual(config.strides, config.pool_size) ? { ...config, strides: null } : config;
    },
    outputShape(config, [input]) {
      const bad = expectImage(className, input);
      if (bad) return bad;
      const { poolSize, strides, padding } = poolParams(config);
      const hw = windowOutput(className, input, { key: 'pool_size', size: poolSize, strides, padding });
      if (!Array.isArray(hw)) return hw;
      return [input[0], ...hw, input[3]];
    },
    keyArgs: (config) =>
      joinArgs(
        tupleText(config.pool_size),
        config.strides !== null && `s${tupleText(config.strides)}`,
        config.padding === 'same' && 'same',
      ),
    forward: (ctx, config, [x]) => ({
      output: max ? ctx.backend.maxPool(x, poolParams(config)) : ctx.backend.avgPool(x, poolParams(config)),
    }),
    backward: (ctx, config, dy, { inputs: [x] }) => ({
      inputs: [
        max
          ? ctx.backend.maxPoolGrad(dy, x, poolParams(config))
          : ctx.backend.avgPoolGrad(dy, x.shape, poolParams(config)),
      ],
    }),
  });
}
