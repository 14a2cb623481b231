import { tensor, type Tensor } from '../../core/tensor';
import { transpose as referenceTranspose, transposedShape, transposedStrides } from '../transpose';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the pass saves. */
const SMALL = 4096;

/**
 * Permute's transpose in wasm (engine/kernels/wasm/transpose.ts), rows threaded in a step; a copy, so the reference's
 * bits. The reference's index walk took 5.6 ms a pass on 64×7×7×64 on the caller's thread.
 */
export function fastTranspose(rt: WasmRuntime, x: Tensor, axes: readonly number[]): Tensor {
  const shape = transposedShape(x.shape, axes);
  if (!worthWasm(rt, x.data, SMALL)) return referenceTranspose(x, axes);
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(x.data);
  const pshape = arena.ints32(shape),
    pstrides = arena.ints32(transposedStrides(x.shape, axes));
  runRows(rt, n, 'transposeRows', (ctx) => [px, out, shape.length, pshape, pstrides, ctx]);
  return tensor(shape, arena.result(out, n));
}
