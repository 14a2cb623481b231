/** A Keras tensor shape, batch axis first: `null` is an unknown size (the batch is always `null`). */
export type Shape = readonly (number | null)[];

/** Keras prints shapes as Python tuples: `(None, 12, 12, 2)`, and a 1-tuple as `(None, 10)`. */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** A tuple of ints as Keras writes it in an error: `(3, 3)`. */
export function formatTuple(values: readonly (number | null)[]): string {
  return formatShape(values);
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The number of elements of a shape without its batch axis, or null when a size is unknown. */
export function elementsPerSample(shape: Shape): number | null {
  let n = 1;
  for (let i = 1; i < shape.length; i++) {
    const d = shape[i];
    if (d === null) return null;
    n *= d;
  }
  return n;
}

export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Output size of a convolution or pooling window along one axis, as TensorFlow computes it. */
export function convOutputLength(
  input: number | null,
  kernel: number,
  stride: number,
  padding: 'valid' | 'same',
  dilation = 1,
): number | null {
  if (input === null) return null;
  if (padding === 'same') return Math.ceil(input / stride);
  const effective = dilation * (kernel - 1) + 1;
  return Math.floor((input - effective) / stride) + 1;
}

/** TensorFlow's 'same' padding along one axis: [before, after]; the extra one goes after. */
export function samePadding(input: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + dilation * (kernel - 1) + 1 - input, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
