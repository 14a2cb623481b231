/** The concrete shape Flatten or Reshape gives a batch (the batch axis kept, -1 resolved). */
import type { Tensor } from '../core/tensor';

/** `target` is Reshape's checked target_shape; Flatten has none. */
export function reshapeTarget(x: Tensor, target?: readonly number[]): number[] {
  const batch = x.shape[0];
  const perSample = x.data.length / batch;
  if (!target) return [batch, perSample];
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return [batch, ...target.map((d) => (d === -1 ? perSample / known : d))];
}
