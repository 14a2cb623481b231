import { tensor, type Tensor } from '../../core/tensor';
import { checkIds, embedding as referenceEmbedding, embeddingGrad as referenceGrad } from '../embedding';
import { runRows, runShared, type WasmRuntime } from './runtime';

/** Below this many output values the copies into wasm memory cost more than the pass saves. */
const SMALL = 4096;

/**
 * Embedding in wasm (engine/kernels/wasm/embedding.ts): the rows gathered, and the table's gradient scattered with the
 * reference's bits, both threaded in a step, the results left in wasm memory for the next layer and for Adam.
 */
export function fastEmbedding(rt: WasmRuntime, ids: Tensor, table: Tensor): Tensor {
  const [vocab, dim] = table.shape;
  const n = ids.data.length * dim;
  if (table.shape.length !== 2 || n < SMALL) return referenceEmbedding(ids, table);
  checkIds(ids.data, vocab);
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const pids = arena.copyIn(ids.data),
    ptable = arena.copyIn(table.data);
  runRows(rt, n, 'embeddingGather', (ctx) => [pids, ptable, out, ids.data.length, dim, ctx]);
  return tensor([...ids.shape, dim], arena.result(out, n));
}

export function fastEmbeddingGrad(rt: WasmRuntime, dy: Tensor, ids: Tensor, tableShape: readonly number[]): Tensor {
  const [vocab, dim] = tableShape;
  const tokens = ids.data.length;
  if (tableShape.length !== 2 || dy.data.length !== tokens * dim || tokens * dim < SMALL)
    return referenceGrad(dy, ids, tableShape);
  checkIds(ids.data, vocab);
  const size = vocab * dim;
  const { arena } = rt;
  arena.reset();
  const dE = arena.output(size);
  const pids = arena.copyIn(ids.data),
    pdy = arena.copyIn(dy.data);
  // At most 16 ranges of rows, each thread scanning every token once per range it claims.
  const step = Math.ceil(vocab / 16);
  const threads = arena.scoped && size + tokens * dim >= 1 << 16 ? rt.pool.size : 1;
  runShared(rt, threads, (_, ctx) => ({
    fn: 'embeddingScatter',
    args: [pids, pdy, dE, tokens, vocab, dim, step, ctx],
  }));
  return tensor([...tableShape], arena.result(dE, size));
}
