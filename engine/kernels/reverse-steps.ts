import { tensor, type Tensor } from '../core/tensor';

/**
 * x (batch, steps, …) with each sample's steps in reverse order: what a recurrent layer with go_backwards reads, and
 * how Bidirectional lines its backward layer's sequences up with the forward one's. A copy, row by row.
 */
export function reverseSteps(x: Tensor): Tensor {
  const [batch, steps] = x.shape;
  const width = batch * steps > 0 ? x.data.length / (batch * steps) : 0;
  const out = new Float32Array(x.data.length);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < steps; t++)
      out.set(
        x.data.subarray((b * steps + t) * width, (b * steps + t + 1) * width),
        (b * steps + steps - 1 - t) * width,
      );
  return tensor([...x.shape], out);
}
