import { tensor, type Tensor } from '../../core/tensor';
import { checkShape, poolGeometry, type WindowGeometry } from '../geometry';
import { maxPool as referenceMaxPool, maxPoolGrad as referenceMaxPoolGrad } from '../max-pool';
import type { PoolParams } from '../types';
import type { WasmRuntime } from './runtime';

/** Below this many input values the copies into wasm memory cost more than the kernel saves. */
const SMALL = 16384;

function windowArgs(g: WindowGeometry): number[] {
  return [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.kh, g.kw, g.sh, g.sw, g.padT, g.padL];
}

export function fastMaxPool(rt: WasmRuntime, x: Tensor, p: PoolParams): Tensor {
  if (x.data.length < SMALL) return referenceMaxPool(x, p);
  const g = poolGeometry(x.shape, p);
  const count = g.batch * g.outH * g.outW * g.inC;
  const { arena } = rt;
  arena.reset();
  const px = arena.copyIn(x.data), out = arena.alloc(count);
  rt.call('maxPoolForward', px, out, 0, ...windowArgs(g));
  return tensor([g.batch, g.outH, g.outW, g.inC], arena.copyOut(out, count));
}

/** Each dy to the first maximum of its window (recomputed from x, as the reference does). */
export function fastMaxPoolGrad(rt: WasmRuntime, dy: Tensor, x: Tensor, p: PoolParams): Tensor {
  if (x.data.length < SMALL) return referenceMaxPoolGrad(dy, x, p);
  const g = poolGeometry(x.shape, p);
  checkShape('maxPool dy', dy.shape, [g.batch, g.outH, g.outW, g.inC]);
  const count = dy.data.length;
  const { arena } = rt;
  arena.reset();
  const px = arena.copyIn(x.data), pdy = arena.copyIn(dy.data);
  const out = arena.alloc(count), idx = arena.alloc(count), dx = arena.alloc(x.data.length);
  rt.call('maxPoolForward', px, out, idx, ...windowArgs(g));
  rt.call('maxPoolScatter', pdy, idx, count, dx, x.data.length);
  return tensor(x.shape, arena.copyOut(dx, x.data.length));
}
