import { tensor, type Tensor } from '../../core/tensor';
import { axisSplit, softmaxAxis as referenceSoftmaxAxis, softmaxAxisGrad as referenceGrad } from '../softmax-axis';
import { fastActivation } from './activation';
import { runRows, runShared, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 4096;

/** From this many values every thread shares a pass (an exp a value: compute-bound, as the activations). */
const PARALLEL = 1 << 16;

/**
 * Softmax along any axis in wasm (wasm/softmax.ts): the last axis by rows, a middle one with the inner values as SIMD
 * lanes; within a few float32 ulps of the reference's f64. The Softmax layer's JavaScript loop took 12 ms forward and
 * 6 ms backward along axis 1 of 64×7×7×64.
 */
export function fastSoftmaxAxis(rt: WasmRuntime, x: Tensor, axis: number): Tensor {
  const { outer, size, inner } = axisSplit(x.shape, axis);
  if (inner === 1) return fastActivation(rt, x, 'softmax');
  if (!worthWasm(rt, x.data, SMALL)) return referenceSoftmaxAxis(x, axis);
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(x.data);
  runShared(rt, n >= PARALLEL ? rt.pool.size : 1, (_, ctx) => ({
    fn: 'softmaxInner',
    args: [px, out, outer, size, inner, arena.alloc(4 * size), ctx],
  }));
  return tensor(x.shape, arena.result(out, n));
}

/**
 * dx = y · (dy − Σ dy·y) along the axis (the last too), the dot in float32: within float32 error of the reference's
 * f64 dot. A memory pass: threaded over rows in a step.
 */
export function fastSoftmaxAxisGrad(rt: WasmRuntime, dy: Tensor, y: Tensor, axis: number): Tensor {
  const { outer, size, inner } = axisSplit(y.shape, axis);
  const n = y.data.length;
  if (dy.data.length !== n || !worthWasm(rt, y.data, SMALL)) return referenceGrad(dy, y, axis);
  const { arena } = rt;
  arena.reset();
  const dx = arena.output(n);
  const pdy = arena.copyIn(dy.data),
    py = arena.copyIn(y.data);
  runRows(rt, n, 'softmaxGradLines', (ctx) => [pdy, py, dx, outer, size, inner, ctx]);
  return tensor(y.shape, arena.result(dx, n));
}
