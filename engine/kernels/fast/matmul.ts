import { tensor, type Tensor } from '../../core/tensor';
import { matMul as referenceMatMul, matMulDims } from '../matmul';
import { runShared, threadsFor, type WasmRuntime } from './runtime';

/** Below this many multiply-adds the copies into wasm memory cost more than the plain loop. */
const SMALL = 4096;

/** op(a) · op(b) with the packed SIMD GEMM; B is packed once and shared, threads claim blocks of rows of C. */
export function fastMatMul(rt: WasmRuntime, a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  const [m, k, n] = matMulDims(a, b, transposeA, transposeB);
  if (m * n * k < SMALL) return referenceMatMul(a, b, transposeA, transposeB);
  const { arena } = rt;
  arena.reset();
  const pc = arena.output(m * n);
  const pa = arena.copyIn(a.data);
  const pb = arena.copyIn(b.data);
  const packed = arena.alloc(rt.call('packedBSize', k, n));
  const counter = arena.alloc(1);
  // Element (i, p) of op(a) sits at i·ars + p·acs; (p, j) of op(b) at p·brs + j·bcs.
  const [ars, acs] = transposeA ? [1, m] : [k, 1];
  const [brs, bcs] = transposeB ? [1, k] : [n, 1];
  rt.call('packBFull', packed, pb, brs, bcs, k, n);
  const scratch = rt.constant('MC') * rt.constant('KC');
  runShared(rt, threadsFor(rt, 2 * m * n * k), counter, () => ({
    fn: 'gemmShared',
    args: [m, n, k, pa, ars, acs, packed, pc, n, counter, arena.alloc(scratch), arena.alloc(32)],
  }));
  return tensor([m, n], arena.result(pc, m * n));
}
