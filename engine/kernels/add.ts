import { tensor, type Tensor } from '../core/tensor';

/** The broadcast result shape (aligned at the right; a size-1 axis stretches), or a RangeError naming both shapes. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1,
      db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new RangeError(`shapes [${a}] and [${b}] cannot be broadcast together`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For each flat index of `out`, the flat index into an operand of `shape` (broadcast axes read index 0). */
export function sourceIndex(out: readonly number[], shape: readonly number[]): Int32Array {
  const rank = out.length;
  const padded = [...Array(rank - shape.length).fill(1), ...shape];
  const strides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 ? 0 : s;
    s *= padded[i];
  }
  const size = out.reduce((a, b) => a * b, 1);
  const idx = new Int32Array(size);
  const coord = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < size; i++) {
    idx[i] = src;
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]++;
      src += strides[d];
      if (coord[d] < out[d]) break;
      src -= strides[d] * coord[d];
      coord[d] = 0;
    }
  }
  return idx;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function add(a: Tensor, b: Tensor): Tensor {
  if (sameShape(a.shape, b.shape))
    return tensor(
      a.shape,
      a.data.map((v, i) => v + b.data[i]),
    );
  const shape = broadcastShape(a.shape, b.shape);
  const ia = sourceIndex(shape, a.shape),
    ib = sourceIndex(shape, b.shape);
  return tensor(
    shape,
    Float32Array.from(ia, (j, i) => a.data[j] + b.data[ib[i]]),
  );
}

/** Sums dy over the axes an operand was broadcast along. */
export function reduceToShape(dy: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(dy.shape, shape)) return tensor([...shape], dy.data.slice());
  const idx = sourceIndex(dy.shape, shape);
  const out = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < idx.length; i++) out[idx[i]] += dy.data[i];
  return tensor([...shape], out);
}

export function addGrad(dy: Tensor, aShape: readonly number[], bShape: readonly number[]): [Tensor, Tensor] {
  return [reduceToShape(dy, aShape), reduceToShape(dy, bShape)];
}
