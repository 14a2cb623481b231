import { tensor, type Tensor } from '../../core/tensor';
import { biasAdd as referenceBiasAdd, biasAddGrad as referenceBiasAddGrad } from '../bias-add';
import type { WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 16384;

export function fastBiasAdd(rt: WasmRuntime, x: Tensor, bias: Float32Array): Tensor {
  const c = x.shape[x.shape.length - 1];
  if (x.data.length < SMALL || bias.length !== c) return referenceBiasAdd(x, bias);
  const { arena } = rt;
  arena.reset();
  const px = arena.copyIn(x.data), pb = arena.copyIn(bias), out = arena.alloc(x.data.length);
  rt.call('biasAdd', px, pb, out, x.data.length / c, c);
  return tensor(x.shape, arena.copyOut(out, x.data.length));
}

/** dy summed over every axis but the last, in f32 blocks folded into f64 (the reference sums in f64 throughout). */
export function fastBiasAddGrad(rt: WasmRuntime, dy: Tensor): Float32Array {
  const c = dy.shape[dy.shape.length - 1];
  if (dy.data.length < SMALL) return referenceBiasAddGrad(dy);
  const { arena } = rt;
  arena.reset();
  const pdy = arena.copyIn(dy.data), total = arena.alloc(2 * c);
  rt.call('biasGrad', pdy, dy.data.length / c, c, total, arena.alloc(c));
  return Float32Array.from(arena.readF64(total, c));
}
