import { tensor, type Tensor } from '../core/tensor';

/** Checks every id of an Embedding's input against the vocabulary (TensorFlow's gather on CPU refuses the same). */
export function checkIds(ids: Float32Array, vocab: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = Math.trunc(ids[i]);
    if (!(id >= 0 && id < vocab))
      throw new RangeError(
        `Embedding: token id ${ids[i]} is outside 0 … ${vocab - 1}; raise input_dim to the vocabulary size`,
      );
  }
}

/** Row trunc(id) of the (vocab, dim) table for every id: ids [..] → [.., dim]. */
export function embedding(ids: Tensor, table: Tensor): Tensor {
  const [vocab, dim] = table.shape;
  checkIds(ids.data, vocab);
  const out = new Float32Array(ids.data.length * dim);
  for (let i = 0; i < ids.data.length; i++) {
    const row = Math.trunc(ids.data[i]) * dim;
    out.set(table.data.subarray(row, row + dim), i * dim);
  }
  return tensor([...ids.shape, dim], out);
}

/** The table's gradient: each id's row of dy added into its row, in token order (float32 sums). */
export function embeddingGrad(dy: Tensor, ids: Tensor, tableShape: readonly number[]): Tensor {
  const [vocab, dim] = tableShape;
  checkIds(ids.data, vocab);
  const dE = new Float32Array(vocab * dim);
  for (let i = 0; i < ids.data.length; i++) {
    const row = Math.trunc(ids.data[i]) * dim;
    for (let j = 0; j < dim; j++) dE[row + j] += dy.data[i * dim + j];
  }
  return tensor([...tableShape], dE);
}
