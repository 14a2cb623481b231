import { adamUpdate as referenceAdamUpdate, type AdamStep } from '../adam-update';
import { PARALLEL_FLOATS, claimBlock, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 4096;

/**
 * The reference's update in f64 SIMD (bit-identical to it), threaded over chunks: the arrays go in (the gradient
 * without a copy when it is a kernel result of the step), the three updated ones come back in place.
 */
export function fastAdamUpdate(
  rt: WasmRuntime,
  value: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  p: AdamStep,
): void {
  const n = value.length;
  if (n < SMALL || grad.length !== n || m.length !== n || v.length !== n) {
    referenceAdamUpdate(value, grad, m, v, p);
    return;
  }
  const { arena } = rt;
  arena.reset();
  const pw = arena.alloc(n),
    pm = arena.alloc(n),
    pv = arena.alloc(n),
    pg = arena.copyIn(grad);
  const claims = claimBlock(rt, n >= PARALLEL_FLOATS ? rt.pool.size : 1);
  const tasks = claims.ctx.map((ctx) => ({
    fn: 'adamUpdate',
    args: [pw, pg, pm, pv, n, p.alpha, 1 - p.beta1, 1 - p.beta2, p.epsilon, ctx],
  }));
  const start = () => {
    const memory = arena.f32();
    memory.set(value, pw >> 2);
    memory.set(m, pm >> 2);
    memory.set(v, pv >> 2);
    claims.reset();
  };
  start();
  // The update is in place: after a lost worker the whole step is redone on this thread from the original values.
  if (!rt.pool.run(tasks)) {
    start();
    rt.call(tasks[0].fn, ...tasks[0].args);
  }
  const memory = arena.f32();
  value.set(memory.subarray(pw >> 2, (pw >> 2) + n));
  m.set(memory.subarray(pm >> 2, (pm >> 2) + n));
  v.set(memory.subarray(pv >> 2, (pv >> 2) + n));
}
