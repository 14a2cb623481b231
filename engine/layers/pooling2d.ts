/** MaxPooling2D and AveragePooling2D share everything but the reduction. */
import { ints, intsOrNull, joinArgs, pair, paddingField, str, tupleText } from './fields';
import { valuesEqual } from './config';
import { expectImage, windowOutput } from './spatial';
import type { LayerConfig, LayerDefinition } from './types';
import type { PoolParams } from '../kernels/types';

function poolParams(config: LayerConfig): PoolParams {
  const pool = ints(config, 'pool_size') as [number, number];
  return { poolSize: pool, strides: (intsOrNull(config, 'strides') ?? pool) as [number, number], padding: str(config, 'padding') as 'valid' | 'same' };
}

export function pooling2d(className: 'MaxPooling2D' | 'AveragePooling2D', description: string, alias: string): LayerDefinition {
  const max = className === 'MaxPooling2D';
  return {
    className,
    group: 'Pooling',
    description,
    arity: 'one',
    traits: { featureMaps: true },
    keras: {
      args: ['pool_size', 'strides', 'padding', 'data_format'],
      config: ['pool_size', 'padding', 'strides', 'data_format'],
      aliases: [alias],
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
      const pool = ints(config, 'pool_size');
      const hw = windowOutput(className, input, {
        key: 'pool_size',
        size: pool,
        strides: intsOrNull(config, 'strides') ?? pool,
        padding: str(config, 'padding') as 'valid' | 'same',
      });
      if (!Array.isArray(hw)) return hw;
      return [input[0], ...hw, input[3]];
    },
    keyArgs: (config) =>
      joinArgs(tupleText(config.pool_size), config.strides !== null && `s${tupleText(config.strides)}`, config.padding === 'same' && 'same'),
    forward: (ctx, config, [x]) => ({ output: max ? ctx.backend.maxPool(x, poolParams(config)) : ctx.backend.avgPool(x, poolParams(config)) }),
    backward: (ctx, config, dy, { inputs: [x] }) => ({
      inputs: [max ? ctx.backend.maxPoolGrad(dy, x, poolParams(config)) : ctx.backend.avgPoolGrad(dy, x.shape, poolParams(config))],
    }),
  };
}
