import { tensor, type Tensor } from '../core/tensor';

export function biasAdd(x: Tensor, bias: Float32Array): Tensor {
  const c = x.shape[x.shape.length - 1];
  if (bias.length !== c)
    throw new RangeError(`bias has ${bias.length} values but the last axis of [${x.shape}] is ${c}`);
  const y = new Float32Array(x.data.length);
  for (let i = 0; i < y.length; i += c) for (let j = 0; j < c; j++) y[i + j] = x.data[i + j] + bias[j];
  return tensor(x.shape, y);
}

/** The bias gradient: dy summed over every axis but the last. */
export function biasAddGrad(dy: Tensor): Float32Array {
  const c = dy.shape[dy.shape.length - 1];
  const sum = new Float64Array(c);
  for (let i = 0; i < dy.data.length; i += c) for (let j = 0; j < c; j++) sum[j] += dy.data[i + j];
  return Float32Array.from(sum);
}
