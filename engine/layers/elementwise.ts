/** Element-wise maps and Keras's broadcasting of size-1 axes, for the layers too simple to need a kernel. */
import type { Tensor } from '../core/tensor';
import { sourceIndex } from '../kernels/add';

export function mapTensor(x: Tensor, f: (v: number, i: number) => number): Tensor {
  const out = new Float32Array(x.data.length);
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = f(d[i], i);
  return { shape: x.shape, data: out };
}

export function broadcastShape(shapes: readonly (readonly number[])[]): number[] {
  const out = [...shapes[0]];
  for (const s of shapes.slice(1)) for (let i = 0; i < s.length; i++) out[i] = out[i] === 1 ? s[i] : out[i];
  return out;
}

/** For each flat index of `outShape`, the flat index into a (broadcast) operand of `shape`; null when equal. */
export function broadcastIndex(outShape: readonly number[], shape: readonly number[]): Int32Array | null {
  return outShape.length === shape.length && outShape.every((d, i) => d === shape[i])
    ? null
    : sourceIndex(outShape, shape);
}

/** Sums a gradient of the broadcast shape back onto an operand's shape. */
export function reduceTo(dy: Float32Array, index: Int32Array | null, shape: readonly number[]): Tensor {
  if (!index) return { shape: [...shape], data: dy.slice() };
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let k = 0; k < dy.length; k++) out[index[k]] += dy[k];
  return { shape: [...shape], data: out };
}

/** Values of every input at each output position, with broadcasting. */
export function gather(inputs: readonly Tensor[]) {
  const shape = broadcastShape(inputs.map((t) => t.shape));
  const indices = inputs.map((t) => broadcastIndex(shape, t.shape));
  const size = shape.reduce((a, b) => a * b, 1);
  const at = (input: number, k: number) => inputs[input].data[indices[input] ? indices[input]![k] : k];
  return { shape, indices, size, at };
}
