import { tensor, type Tensor } from '../core/tensor';

function resolve(axis: number, rank: number): number {
  const a = axis < 0 ? rank + axis : axis;
  if (a < 0 || a >= rank) throw new RangeError(`concat axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** [outer, axis·inner] view: concatenation interleaves each operand's contiguous run of axis·inner values. */
function outerInner(shape: readonly number[], a: number): [number, number] {
  let outer = 1,
    inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, inner];
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new RangeError('concat needs at least one tensor');
  const first = xs[0].shape;
  const a = resolve(axis, first.length);
  for (const x of xs)
    if (x.shape.length !== first.length || x.shape.some((d, i) => i !== a && d !== first[i]))
      throw new RangeError(`concat along axis ${axis} needs every other axis equal: [${first}] vs [${x.shape}]`);
  const [outer, inner] = outerInner(first, a);
  const total = xs.reduce((s, x) => s + x.shape[a], 0);
  const out = new Float32Array(outer * total * inner);
  const rowOut = total * inner;
  let offset = 0;
  for (const x of xs) {
    const run = x.shape[a] * inner;
    for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * run, (o + 1) * run), o * rowOut + offset);
    offset += run;
  }
  const shape = [...first];
  shape[a] = total;
  return tensor(shape, out);
}

/** The gradient of concat: dy sliced back into each operand's part. */
export function concatGrad(dy: Tensor, shapes: readonly (readonly number[])[], axis: number): Tensor[] {
  const a = resolve(axis, dy.shape.length);
  const [outer, inner] = outerInner(dy.shape, a);
  const rowIn = dy.shape[a] * inner;
  let offset = 0;
  return shapes.map((shape) => {
    const run = shape[a] * inner;
    const out = new Float32Array(outer * run);
    for (let o = 0; o < outer; o++) out.set(dy.data.subarray(o * rowIn + offset, o * rowIn + offset + run), o * run);
    offset += run;
    return tensor([...shape], out);
  });
}
