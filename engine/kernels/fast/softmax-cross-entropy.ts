import { tensor, type Tensor } from '../../core/tensor';
import type { CrossEntropyFromLogits } from '../types';
import { runShared, type WasmRuntime } from './runtime';

/**
 * Below this many values the loss stays on the host (engine/train/losses.ts). From it, every thread: each value
 * costs an f64 exp and a division (about 23 ns in wasm here, 47 ns on the host), so 16K values are ~0.4 ms of one core.
 */
const SMALL = 16384;

/**
 * Keras's cross-entropy from logits (wasm/softmax-cross-entropy.ts), threaded over rows: each row's loss and the
 * gradient with respect to the logits, as engine/train/losses.ts computes them. Null (the host computes it) for small
 * operands, or sparse labels that aren't an Int32Array of one class per row.
 */
export function fastCrossEntropyFromLogits(
  rt: WasmRuntime,
  logits: Tensor,
  labels: Int32Array | Float32Array,
  sparse: boolean,
): CrossEntropyFromLogits | null {
  const k = logits.shape[logits.shape.length - 1] ?? 0;
  const n = logits.data.length;
  if (k === 0 || n < SMALL) return null;
  const rows = n / k;
  if (sparse ? !(labels instanceof Int32Array) || labels.length !== rows : labels.length !== n) return null;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(logits.data);
  let pl: number;
  if (labels instanceof Int32Array) {
    pl = arena.alloc(labels.length);
    new Int32Array(arena.f32().buffer, pl, labels.length).set(labels);
  } else pl = arena.copyIn(labels);
  const losses = arena.alloc(2 * rows);
  const threads = rt.pool.size;
  runShared(rt, threads, (_, ctx) => ({
    fn: 'softmaxCrossEntropyRows',
    args: [px, pl, sparse ? 1 : 0, rows, k, out, losses, arena.alloc(2 * k), ctx],
  }));
  return { rowLosses: arena.readF64(losses, rows), grad: tensor(logits.shape, arena.result(out, n)) };
}
