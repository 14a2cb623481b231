/** A dense float32 tensor: row-major data and its full shape (batch included when there is one). */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export function tensor(shape: number[], data?: Float32Array | number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const buf = data instanceof Float32Array ? data : data ? Float32Array.from(data) : new Float32Array(size);
  if (buf.length !== size)
    throw new RangeError(`tensor data has ${buf.length} values but shape [${shape}] needs ${size}`);
  return { shape: [...shape], data: buf };
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
