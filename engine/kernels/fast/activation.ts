import { tensor, type Tensor } from '../../core/tensor';
import { activation as referenceActivation, activationGrad as referenceActivationGrad } from '../activations';
import type { ActivationName, ActivationOptions } from '../types';
import { ACTIVATION_CODE, fastBiasActivation, fastPointwiseGrad } from './bias-add';
import { runShared, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 16384;

/**
 * Softmax rows from this many values use every thread: each value costs an exp (about 20 flops), so the pass pays for
 * the threads at a quarter of PARALLEL_FLOATS, in or out of a step.
 */
const PARALLEL_SOFTMAX = 1 << 16;

/** Softmax over the last axis in SIMD (wasm/softmax.ts), threaded over rows. */
function fastSoftmax(rt: WasmRuntime, x: Tensor): Tensor {
  const c = x.shape[x.shape.length - 1];
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(x.data);
  const threads = n >= PARALLEL_SOFTMAX ? rt.pool.size : 1;
  runShared(rt, threads, (_, ctx) => ({ fn: 'softmaxRows', args: [px, out, n / c, c, ctx] }));
  return tensor(x.shape, arena.result(out, n));
}

/** relu, relu6, leaky relu and softmax in SIMD, threaded over rows; the rest are the reference. */
export function fastActivation(
  rt: WasmRuntime,
  x: Tensor,
  name: ActivationName,
  options: ActivationOptions = {},
): Tensor {
  if (name === 'softmax' && x.shape.length > 0 && x.shape[x.shape.length - 1] > 0 && worthWasm(rt, x.data, SMALL))
    return fastSoftmax(rt, x);
  if (name === 'linear' || ACTIVATION_CODE[name] === undefined || !worthWasm(rt, x.data, SMALL))
    return referenceActivation(x, name, options);
  return fastBiasActivation(rt, x, null, name, options);
}

export function fastActivationGrad(
  rt: WasmRuntime,
  dy: Tensor,
  x: Tensor,
  y: Tensor,
  name: ActivationName,
  options: ActivationOptions = {},
): Tensor {
  const kind = ACTIVATION_CODE[name];
  if (name === 'linear' || kind === undefined || !worthWasm(rt, x.data, SMALL) || dy.data.length !== x.data.length) {
    return referenceActivationGrad(dy, x, y, name, options);
  }
  return fastPointwiseGrad(rt, dy, x, kind, options.negativeSlope ?? 0.3);
}
