/**
 * Keras 3 optimizers with Keras's defaults. They share one `step` loop and differ only in the per-weight update,
 * written as Keras's `update_step` computes it.
 */
import { adamUpdate, adamUpdateMany } from '../kernels/adam-update';
import type { Backend } from '../kernels/types';

export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface OptimizerConfig {
  name: OptimizerName;
  learning_rate?: number;
  /** SGD, RMSprop. */
  momentum?: number;
  /** SGD. */
  nesterov?: boolean;
  /** Adam. */
  beta_1?: number;
  beta_2?: number;
  /** Adam, RMSprop. */
  epsilon?: number;
  /** RMSprop. */
  rho?: number;
  centered?: boolean;
}

/** Keras's constructor defaults. */
export const OPTIMIZER_DEFAULTS: Record<OptimizerName, Required<Omit<OptimizerConfig, 'name'>>> = {
  sgd: { learning_rate: 0.01, momentum: 0, nesterov: false, beta_1: 0, beta_2: 0, epsilon: 0, rho: 0, centered: false },
  adam: {
    learning_rate: 0.001,
    momentum: 0,
    nesterov: false,
    beta_1: 0.9,
    beta_2: 0.999,
    epsilon: 1e-7,
    rho: 0,
    centered: false,
  },
  rmsprop: {
    learning_rate: 0.001,
    momentum: 0,
    nesterov: false,
    beta_1: 0,
    beta_2: 0,
    epsilon: 1e-7,
    rho: 0.9,
    centered: false,
  },
};

export interface Optimizer {
  config: Required<OptimizerConfig>;
  /** Applies one update to each variable from its gradient. Keys identify the variables across steps. */
  step(variables: Map<string, { value: Float32Array; grad: Float32Array }>): void;
  iterations: number;
}

/**
 * `kernels`: the backend whose Adam update to use (the fast one runs every variable of a step in one threaded SIMD
 * call); default the reference loop.
 */
export function makeOptimizer(
  given: OptimizerConfig,
  kernels?: Pick<Backend, 'adamUpdate'> & Partial<Pick<Backend, 'adamUpdateMany'>>,
): Optimizer {
  const adamMany = kernels?.adamUpdateMany ?? (kernels?.adamUpdate ? undefined : adamUpdateMany);
  const adam = kernels?.adamUpdate ?? adamUpdate;
  const config = { ...OPTIMIZER_DEFAULTS[given.name], ...stripUndefined(given) } as Required<OptimizerConfig>;
  const slots = new Map<string, Float32Array[]>();
  const slot = (key: string, count: number, size: number) => {
    let s = slots.get(key);
    if (!s) {
      s = Array.from({ length: count }, () => new Float32Array(size));
      slots.set(key, s);
    }
    return s;
  };
  const opt: Optimizer = {
    config,
    iterations: 0,
    step(variables) {
      const t = opt.iterations + 1;
      const lr = config.learning_rate;
      if (config.name === 'adam' && adamMany) {
        const { beta_1: b1, beta_2: b2, epsilon } = config;
        const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
        const all = [...variables].map(([key, { value, grad }]) => {
          const [m, v] = slot(key, 2, value.length);
          return { value, grad, m, v };
        });
        adamMany(all, { alpha, beta1: b1, beta2: b2, epsilon });
        opt.iterations = t;
        return;
      }
      for (const [key, { value: v, grad: g }] of variables) {
        if (config.name === 'sgd') {
          if (config.momentum === 0) {
            for (let i = 0; i < v.length; i++) v[i] -= lr * g[i];
            continue;
          }
          const [m] = slot(key, 1, v.length);
          const mu = config.momentum;
          for (let i = 0; i < v.length; i++) {
            m[i] = mu * m[i] - lr * g[i];
            v[i] += config.nesterov ? mu * m[i] - lr * g[i] : m[i];
          }
        } else if (config.name === 'adam') {
          const [m, s] = slot(key, 2, v.length);
          const { beta_1: b1, beta_2: b2, epsilon } = config;
          const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
          adam(v, g, m, s, { alpha, beta1: b1, beta2: b2, epsilon });
        } else {
          const [velocity, avg, mom] = slot(key, 3, v.length);
          const { rho, epsilon, momentum, centered } = config;
          for (let i = 0; i < v.length; i++) {
            velocity[i] = rho * velocity[i] + (1 - rho) * g[i] * g[i];
            let denominator = velocity[i];
            if (centered) {
              avg[i] = rho * avg[i] + (1 - rho) * g[i];
              denominator -= avg[i] * avg[i];
            }
            const increment = (lr * g[i]) / Math.sqrt(denominator + epsilon);
            if (momentum > 0) {
              mom[i] = momentum * mom[i] + increment;
              v[i] -= mom[i];
            } else v[i] -= increment;
          }
        }
      }
      opt.iterations = t;
    },
  };
  return opt;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
