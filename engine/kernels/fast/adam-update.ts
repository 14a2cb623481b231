import { adamUpdate as referenceAdamUpdate, type AdamStep } from '../adam-update';
import type { WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 4096;

/** The reference's update in f64 SIMD (bit-identical to it): the four arrays go in, the three updated ones come back in place. */
export function fastAdamUpdate(rt: WasmRuntime, value: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, p: AdamStep): void {
  const n = value.length;
  if (n < SMALL || grad.length !== n || m.length !== n || v.length !== n) return referenceAdamUpdate(value, grad, m, v, p);
  const { arena } = rt;
  arena.reset();
  const pw = arena.copyIn(value), pg = arena.copyIn(grad), pm = arena.copyIn(m), pv = arena.copyIn(v);
  rt.call('adamUpdate', pw, pg, pm, pv, n, p.alpha, 1 - p.beta1, 1 - p.beta2, p.epsilon);
  const memory = arena.f32();
  value.set(memory.subarray(pw >> 2, (pw >> 2) + n));
  m.set(memory.subarray(pm >> 2, (pm >> 2) + n));
  v.set(memory.subarray(pv >> 2, (pv >> 2) + n));
}
