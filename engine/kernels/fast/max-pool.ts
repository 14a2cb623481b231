import { tensor, type Tensor } from '../../core/tensor';
import { checkShape, poolGeometry, type WindowGeometry } from '../geometry';
import { maxPool as referenceMaxPool, maxPoolGrad as referenceMaxPoolGrad } from '../max-pool';
import type { PoolParams } from '../types';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

/** Below this many input values the copies into wasm memory cost more than the kernel saves. */
const SMALL = 16384;

function windowArgs(g: WindowGeometry): number[] {
  return [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.kh, g.kw, g.sh, g.sw, g.padT, g.padL];
}

/** Threads claim output rows. */
export function fastMaxPool(rt: WasmRuntime, x: Tensor, p: PoolParams): Tensor {
  if (!worthWasm(rt, x.data, SMALL)) return referenceMaxPool(x, p);
  const g = poolGeometry(x.shape, p);
  const count = g.batch * g.outH * g.outW * g.inC;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(count);
  const px = arena.copyIn(x.data);
  runRows(rt, x.data.length, 'maxPoolForward', (ctx) => [px, out, ...windowArgs(g), ctx]);
  return tensor([g.batch, g.outH, g.outW, g.inC], arena.result(out, count));
}

/** Each dy to the first maximum of its window (recomputed from x, as the reference does); threads claim images. */
export function fastMaxPoolGrad(rt: WasmRuntime, dy: Tensor, x: Tensor, p: PoolParams): Tensor {
  if (!worthWasm(rt, x.data, SMALL)) return referenceMaxPoolGrad(dy, x, p);
  const g = poolGeometry(x.shape, p);
  checkShape('maxPool dy', dy.shape, [g.batch, g.outH, g.outW, g.inC]);
  const { arena } = rt;
  arena.reset();
  const dx = arena.output(x.data.length);
  const px = arena.copyIn(x.data),
    pdy = arena.copyIn(dy.data);
  runRows(rt, x.data.length, 'maxPoolGrad', (ctx) => [px, pdy, dx, ...windowArgs(g), ctx]);
  return tensor(x.shape, arena.result(dx, x.data.length));
}
