import { tensor, type Tensor } from '../../core/tensor';
import { checkShape } from '../geometry';
import {
  globalAvgPool as referenceGlobalAvgPool,
  globalAvgPoolGrad as referenceGlobalAvgPoolGrad,
  globalMaxPool as referenceGlobalMaxPool,
  globalMaxPoolGrad as referenceGlobalMaxPoolGrad,
} from '../global-pool';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

/** Below this many input values the copies into wasm memory cost more than the kernel saves. */
const SMALL = 16384;

/**
 * GlobalAveragePooling2D in wasm, threads claiming images: the reference's f64 sums in pixel order, so the same bits.
 * In JavaScript it ran on the caller's thread alone, 4.9 ms forward and 3.2 ms backward per step on 64×7×7×256.
 */
export function fastGlobalAvgPool(rt: WasmRuntime, x: Tensor): Tensor {
  if (x.shape.length !== 4 || !worthWasm(rt, x.data, SMALL)) return referenceGlobalAvgPool(x);
  const [n, h, w, c] = x.shape;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n * c);
  const px = arena.copyIn(x.data);
  runRows(rt, x.data.length, 'globalAvgPoolForward', (ctx) => [px, out, n, h * w, c, arena.alloc(2 * c), ctx]);
  return tensor([n, c], arena.result(out, n * c));
}

export function fastGlobalAvgPoolGrad(rt: WasmRuntime, dy: Tensor, xShape: readonly number[]): Tensor {
  if (xShape.length !== 4) return referenceGlobalAvgPoolGrad(dy, xShape);
  const [n, h, w, c] = xShape;
  const size = n * h * w * c;
  if (size < (rt.arena.locate(dy.data) >= 0 ? 256 : SMALL)) return referenceGlobalAvgPoolGrad(dy, xShape);
  checkShape('globalAvgPool dy', dy.shape, [n, c]);
  const { arena } = rt;
  arena.reset();
  const dx = arena.output(size);
  const pdy = arena.copyIn(dy.data);
  runRows(rt, size, 'globalAvgPoolBackward', (ctx) => [pdy, dx, n, h * w, c, ctx]);
  return tensor([...xShape], arena.result(dx, size));
}

/**
 * GlobalMaxPooling2D in wasm, threads claiming images, channels as SIMD lanes: the reference's first maximum, by
 * selection alone, so its bits. In JavaScript it took 4.0 ms forward and 3.2 ms backward per step on 64×14×14×64.
 */
export function fastGlobalMaxPool(rt: WasmRuntime, x: Tensor): Tensor {
  if (x.shape.length !== 4 || !worthWasm(rt, x.data, SMALL)) return referenceGlobalMaxPool(x);
  const [n, h, w, c] = x.shape;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n * c);
  const px = arena.copyIn(x.data);
  runRows(rt, x.data.length, 'globalMaxPoolForward', (ctx) => [px, out, n, h * w, c, ctx]);
  return tensor([n, c], arena.result(out, n * c));
}

/** dy to each channel's first maximum (found again from x), zeros elsewhere. */
export function fastGlobalMaxPoolGrad(rt: WasmRuntime, dy: Tensor, x: Tensor): Tensor {
  if (x.shape.length !== 4 || !worthWasm(rt, x.data, SMALL)) return referenceGlobalMaxPoolGrad(dy, x);
  const [n, h, w, c] = x.shape;
  checkShape('globalMaxPool dy', dy.shape, [n, c]);
  const size = x.data.length;
  const { arena } = rt;
  arena.reset();
  const dx = arena.output(size);
  const px = arena.copyIn(x.data),
    pdy = arena.copyIn(dy.data);
  runRows(rt, size, 'globalMaxPoolBackward', (ctx) => [px, pdy, dx, n, h * w, c, arena.alloc(2 * c), ctx]);
  return tensor([...x.shape], arena.result(dx, size));
}
