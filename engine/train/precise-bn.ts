/**
 * Re-estimating BatchNormalization's moving statistics after training, as PreciseBN does (Wu & Johnson, "Rethinking
 * 'Batch' in BatchNorm", and fvcore's `update_bn_stats`): run N training batches forward in training mode with every
 * weight frozen, and set each BN layer's moving_mean and moving_variance to the average of the batch means and
 * (biased, as Keras's update uses) batch variances. Keras's `fit` does not do this: its moving averages follow the
 * batches with `momentum` and keep momentum^steps of their starting values (mean 0, variance 1), which after a short
 * run is most of them. This pass replaces that lag with the population statistics of the weights as trained.
 */
import { batches } from '../data/dataset';
import type { Dataset } from '../data/types';
import type { Backend } from '../kernels/types';
import { forward, makeContext, type RunnableModel } from './executor';

export interface ReestimateOptions {
  /** How many training batches to average over (fewer when the data runs out). */
  batches: number;
  batchSize: number;
  seed: number;
  backend: Backend;
}

export interface Reestimated {
  /** Batches and samples actually averaged over. */
  batches: number;
  samples: number;
  /** Names of the BatchNormalization layers whose statistics were replaced. */
  layers: string[];
}

interface BatchStatistics {
  mean: Float32Array;
  variance: Float32Array;
}

/**
 * Replaces the moving statistics of every BatchNormalization layer of `model` in place. The forward passes run in
 * training mode, so each BN normalizes with its batch's statistics and the layers after it see what they saw while
 * training; nothing trainable changes. Returns what was averaged; zero batches leaves the model as it was.
 */
export function reestimateBnStatistics(model: RunnableModel, data: Dataset, options: ReestimateOptions): Reestimated {
  const bnNodes = model.nodes.filter(
    (n) => n.def.traits?.batchStatistics && n.weights.moving_mean && n.weights.moving_variance,
  );
  const sums = new Map(
    bnNodes.map((n) => [
      n.id,
      {
        mean: new Float64Array(n.weights.moving_mean.data.length),
        variance: new Float64Array(n.weights.moving_variance.data.length),
      },
    ]),
  );
  let count = 0;
  let samples = 0;
  if (bnNodes.length === 0 || options.batches < 1) return { batches: 0, samples: 0, layers: [] };
  for (const b of batches(data, options.batchSize, { shuffle: true, seed: options.seed * 1000003 + 7 })) {
    if (count >= options.batches) break;
    const ctx = makeContext(options.backend, true, options.seed * 7919 + count);
    const pass = forward(model, [{ shape: b.xShape, data: b.x }], ctx);
    for (const node of bnNodes) {
      const saved = pass.caches.get(node.id)?.saved as BatchStatistics | undefined;
      const sum = sums.get(node.id)!;
      if (!saved?.mean || !saved.variance) continue;
      for (let c = 0; c < sum.mean.length; c++) {
        sum.mean[c] += saved.mean[c];
        sum.variance[c] += saved.variance[c];
      }
    }
    count++;
    samples += b.size;
  }
  if (count === 0) return { batches: 0, samples: 0, layers: [] };
  for (const node of bnNodes) {
    const sum = sums.get(node.id)!;
    node.weights.moving_mean.data.set(Float32Array.from(sum.mean, (v) => v / count));
    node.weights.moving_variance.data.set(Float32Array.from(sum.variance, (v) => v / count));
  }
  return { batches: count, samples, layers: bnNodes.map((n) => n.name) };
}
