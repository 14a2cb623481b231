/** MaxPooling1D and AveragePooling1D: the 2-D pools over a height-1 image, so they share their kernels. */
import { ints, intsOrNull, joinArgs, paddingField, str } from './fields';
import { valuesEqual } from './config';
import { asImage, asSequence, expectSequence, single, stepsOutput } from './temporal';
import { defineLayer } from './define';
import type { LayerConfig, LayerDefinition } from './types';
import type { PoolParams } from '../kernels/types';

function poolParams(config: LayerConfig): PoolParams {
  const pool = ints(config, 'pool_size')[0];
  const stride = intsOrNull(config, 'strides')?.[0] ?? pool;
  return { poolSize: [1, pool], strides: [1, stride], padding: str(config, 'padding') as 'valid' | 'same' };
}

export function pooling1d(
  className: 'MaxPooling1D' | 'AveragePooling1D',
  description: string,
  alias: string,
): LayerDefinition {
  const max = className === 'MaxPooling1D';
  return defineLayer({
    className,
    group: 'Pooling',
    description,
    arity: 'one',
    keras: {
      args: ['pool_size', 'strides', 'padding', 'data_format'],
      config: ['pool_size', 'padding', 'strides', 'data_format'],
      aliases: [alias],
      noBuild: true,
    },
    fields: {
      // Keras 3.15: MaxPooling1D(pool_size=2) but AveragePooling1D(pool_size) with no default.
      pool_size: single(2, 'Length of the pooling window, in steps.', max ? {} : { required: true }),
      strides: single(null, 'Step of the window; None means pool_size.', { nullable: true }),
      padding: paddingField,
    },
    normalize(config) {
      return valuesEqual(config.strides, config.pool_size) ? { ...config, strides: null } : config;
    },
    outputShape(config, [input]) {
      const bad = expectSequence(className, input);
      if (bad) return bad;
      const p = poolParams(config);
      const steps = stepsOutput(className, input, {
        key: 'pool_size',
        size: p.poolSize[1],
        stride: p.strides[1],
        padding: p.padding,
      });
      if (steps !== null && typeof steps === 'object') return steps;
      return [input[0], steps, input[2]];
    },
    keyArgs: (config) =>
      joinArgs(
        `(${ints(config, 'pool_size')[0]},)`,
        config.strides !== null && `s${ints(config, 'strides')[0]}`,
        config.padding === 'same' && 'same',
      ),
    forward(ctx, config, [x]) {
      const image = asImage(x);
      return {
        output: asSequence(
          max ? ctx.backend.maxPool(image, poolParams(config)) : ctx.backend.avgPool(image, poolParams(config)),
        ),
      };
    },
    backward(ctx, config, dy, { inputs: [x] }) {
      const image = asImage(x);
      const d = asImage(dy);
      return {
        inputs: [
          asSequence(
            max
              ? ctx.backend.maxPoolGrad(d, image, poolParams(config))
              : ctx.backend.avgPoolGrad(d, image.shape, poolParams(config)),
          ),
        ],
      };
    },
  });
}
