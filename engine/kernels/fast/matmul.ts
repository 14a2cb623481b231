import { tensor, type Tensor } from '../../core/tensor';
import { matMul as referenceMatMul, matMulDims } from '../matmul';
import { runShared, threadsFor, type WasmRuntime } from './runtime';

/** Below this many multiply-adds the copies into wasm memory cost more than the plain loop. */
export const SMALL = 4096;
/** B is packed by every thread from this many floats (a serial pack would cap the speed-up of a large product). */
const PARALLEL_PACK = 1 << 16;
/** Blocks per thread the split aims at, so that a thread the OS delays leaves its share to the others. */
const BLOCKS_PER_THREAD = 4;
/** Columns per block at least (8 panels): narrower blocks re-pack A more than they balance. */
const MIN_BLOCK_COLUMNS = 64;

/**
 * The block shape for `threads`: MC-row blocks when there are enough of them; otherwise the columns are split too,
 * into multiples of NR, until there are BLOCKS_PER_THREAD blocks per thread (MatMul 1024³ on 16 threads: 16 row
 * blocks × 4 column blocks); when the columns are too few for half that, the rows are split below MC, in whole
 * MR-row panels. A batch-64 Dense layer with 10 units was one block, all its rows on one thread: the partition study of
 * 16 threads (`layercanvas train --profile --study-threads 16`) found the article CNN's last layer's forward pass
 * at 6% balance, 0.29 of its 0.30 ms in one share. MR-row blocks repack nothing (B is packed once for all), and
 * every C value is still summed by one block in the same order: the same bits on any split.
 */
export function gemmBlocks(
  m: number,
  n: number,
  threads: number,
  mc: number,
  nr: number,
  mr: number,
): { mcStep: number; ncStep: number } {
  const rowBlocks = Math.ceil(m / mc);
  const want = threads > 1 ? threads * BLOCKS_PER_THREAD : 1;
  if (rowBlocks >= want) return { mcStep: mc, ncStep: n };
  const colBlocks = Math.ceil(want / rowBlocks);
  const ncStep = Math.min(Math.max(MIN_BLOCK_COLUMNS, Math.ceil(n / colBlocks / nr) * nr), Math.ceil(n / nr) * nr);
  const columns = Math.ceil(n / ncStep);
  if (rowBlocks * columns >= want / 2) return { mcStep: mc, ncStep };
  const mcStep = Math.ceil(m / Math.ceil(want / columns) / mr) * mr;
  return { mcStep: Math.min(mc, Math.max(mr, mcStep)), ncStep };
}

/** op(a) · op(b) with the packed SIMD GEMM; B is packed once and shared, threads claim blocks of C. */
export function fastMatMul(rt: WasmRuntime, a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  const [m, k, n] = matMulDims(a, b, transposeA, transposeB);
  if (m * n * k < SMALL) return referenceMatMul(a, b, transposeA, transposeB);
  const { arena } = rt;
  arena.reset();
  const pc = arena.output(m * n);
  const pa = arena.copyIn(a.data);
  const pb = arena.copyIn(b.data);
  const packed = arena.alloc(rt.call('packedBSize', k, n));
  // Element (i, p) of op(a) sits at i·ars + p·acs; (p, j) of op(b) at p·brs + j·bcs.
  const [ars, acs] = transposeA ? [1, m] : [k, 1];
  const [brs, bcs] = transposeB ? [1, k] : [n, 1];
  const threads = threadsFor(rt, 2 * m * n * k);
  const packThreads = threads > 1 && k * n >= PARALLEL_PACK ? threads : 1;
  runShared(rt, packThreads, (_, ctx) => ({ fn: 'packBShared', args: [packed, pb, brs, bcs, k, n, ctx] }));
  const scratch = rt.constant('MC') * rt.constant('KC');
  const { mcStep, ncStep } = gemmBlocks(m, n, threads, rt.constant('MC'), rt.constant('NR'), rt.constant('MR'));
  runShared(rt, threads, (_, ctx) => ({
    fn: 'gemmShared',
    args: [m, n, k, pa, ars, acs, packed, pc, n, ctx, arena.alloc(scratch), arena.alloc(32), mcStep, ncStep],
  }));
  return tensor([m, n], arena.result(pc, m * n));
}
