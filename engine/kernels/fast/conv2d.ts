import { tensor, type Tensor } from '../../core/tensor';
import { convGeometry } from '../geometry';
import type { ConvParams } from '../types';
import { convFlops, writeGeometry } from './conv-block';
import { runShared, threadsFor, type WasmRuntime } from './runtime';

/** Conv2D forward: fused im2col per block of output pixels + the packed GEMM; threads claim blocks of pixels. */
export function fastConv2d(rt: WasmRuntime, x: Tensor, filter: Tensor, p: ConvParams): Tensor {
  const g = convGeometry(x.shape, filter.shape, p);
  const outC = filter.shape[3];
  const k = g.kh * g.kw * g.inC;
  const rows = g.batch * g.outH * g.outW;
  const { arena } = rt;
  arena.reset();
  const geo = writeGeometry(arena, g, outC);
  const px = arena.copyIn(x.data);
  const pw = arena.copyIn(filter.data);
  const packed = arena.alloc(rt.call('packedBSize', k, outC));
  rt.call('packBFull', packed, pw, outC, 1, k, outC);
  const py = arena.alloc(rows * outC);
  const counter = arena.alloc(1);
  // Each thread packs im2col rows straight into its packed-A buffer: BLOCK pixels × KC columns.
  const scratch = rt.constant('BLOCK') * rt.constant('KC');
  runShared(rt, threadsFor(rt, convFlops(g, outC)), counter, () => ({
    fn: 'conv2dForward',
    args: [geo, px, packed, py, counter, arena.alloc(scratch), arena.alloc(32)],
  }));
  return tensor([g.batch, g.outH, g.outW, outC], arena.copyOut(py, rows * outC));
}
