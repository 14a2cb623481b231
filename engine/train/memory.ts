/** Estimating a training run's memory before it starts, so a model that can't fit is refused with the figure. */
import type { Dataset } from '../data/types';
import type { RunnableModel } from './executor';

export interface MemoryEstimate {
  /** Weights, their gradients and up to two optimizer slots each. */
  weights: number;
  /** Per batch: every layer's output, its gradient and what its backward keeps (about three copies). */
  activations: number;
  data: number;
  total: number;
}

export function estimateMemory(model: RunnableModel, batchSize: number, dataset?: Pick<Dataset, 'x' | 'y'>): MemoryEstimate {
  let params = 0;
  for (const n of model.nodes) for (const w of Object.values(n.weights)) params += w.data.length;
  let perSample = 0;
  for (const id of model.inference.order) {
    const shape = model.inference.nodes.get(id)!.outputShape!;
    perSample += shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  }
  const weights = params * 4 * 4;
  const activations = perSample * batchSize * 4 * 3;
  const data = dataset ? dataset.x.byteLength + dataset.y.byteLength : 0;
  return { weights, activations, data, total: weights + activations + data };
}
