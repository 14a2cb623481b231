import { tensor, type Tensor } from '../../core/tensor';
import { activation as referenceActivation, activationGrad as referenceActivationGrad } from '../activations';
import type { ActivationName, ActivationOptions } from '../types';
import { ACTIVATION_CODE, fastBiasActivation, fastPointwiseGrad } from './bias-add';
import { runShared, type SmoothActivationConstant, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 16384;

/**
 * Softmax rows from this many values use every thread: each value costs an exp (about 20 flops), so the pass pays for
 * the threads at a quarter of PARALLEL_FLOATS, in or out of a step.
 */
const PARALLEL_SOFTMAX = 1 << 16;

/** Softmax or log_softmax over the last axis in SIMD (wasm/softmax.ts), threaded over rows. */
function fastSoftmax(rt: WasmRuntime, x: Tensor, log = false): Tensor {
  const c = x.shape[x.shape.length - 1];
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(x.data);
  const threads = n >= PARALLEL_SOFTMAX ? rt.pool.size : 1;
  const fn = log ? 'logSoftmaxRows' : 'softmaxRows';
  runShared(rt, threads, (_, ctx) => ({ fn, args: [px, out, n / c, c, ctx] }));
  return tensor(x.shape, arena.result(out, n));
}

/**
 * The activations the wasm kernel computes besides relu, relu6 and leaky relu: every pointwise one of Keras 3 (in
 * float32 on Cephes's expf and logf, as TensorFlow's Eigen kernels do; within a few float32 ulps of the reference's
 * f64). In JavaScript a swish or gelu took 17–19 ms per 700K values on the caller's thread, a mish 60 ms.
 */
export const SMOOTH: Partial<Record<ActivationName, SmoothActivationConstant>> = {
  sigmoid: 'ACT_SIGMOID',
  tanh: 'ACT_TANH',
  silu: 'ACT_SILU',
  swish: 'ACT_SILU',
  gelu: 'ACT_GELU',
  gelu_approximate: 'ACT_GELU_TANH',
  elu: 'ACT_ELU',
  selu: 'ACT_SELU',
  exponential: 'ACT_EXP',
  hard_sigmoid: 'ACT_HARD_SIGMOID',
  hard_silu: 'ACT_HARD_SILU',
  hard_swish: 'ACT_HARD_SILU',
  softplus: 'ACT_SOFTPLUS',
  softsign: 'ACT_SOFTSIGN',
  mish: 'ACT_MISH',
  celu: 'ACT_CELU',
  log_sigmoid: 'ACT_LOG_SIGMOID',
  tanh_shrink: 'ACT_TANH_SHRINK',
  squareplus: 'ACT_SQUAREPLUS',
  hard_tanh: 'ACT_HARD_TANH',
  sparse_plus: 'ACT_SPARSE_PLUS',
  sparse_sigmoid: 'ACT_SPARSE_SIGMOID',
  soft_shrink: 'ACT_SOFT_SHRINK',
  hard_shrink: 'ACT_HARD_SHRINK',
};

/** Threads for a pass of n values at a transcendental or two each: from PARALLEL_SOFTMAX, in a step or not. */
const smoothThreads = (rt: WasmRuntime, n: number) => (n >= PARALLEL_SOFTMAX ? rt.pool.size : 1);

function smooth(rt: WasmRuntime, x: Tensor, name: SmoothActivationConstant, alpha: number): Tensor {
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(x.data);
  const kind = rt.constant(name);
  runShared(rt, smoothThreads(rt, n), (_, ctx) => ({ fn: 'activationForward', args: [px, out, n, kind, alpha, ctx] }));
  return tensor(x.shape, arena.result(out, n));
}

function smoothGrad(rt: WasmRuntime, dy: Tensor, x: Tensor, y: Tensor, name: SmoothActivationConstant, alpha: number) {
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const dx = arena.output(n);
  const pdy = arena.copyIn(dy.data),
    px = arena.copyIn(x.data),
    py = arena.copyIn(y.data);
  const kind = rt.constant(name);
  runShared(rt, smoothThreads(rt, n), (_, ctx) => ({
    fn: 'activationBackward',
    args: [pdy, px, py, dx, n, kind, alpha, ctx],
  }));
  return tensor(x.shape, arena.result(dx, n));
}

/**
 * The gradient of softmax (dx = y·(dy − Σ dy·y)) or log_softmax (dx = dy − e^y·Σ dy) over the last axis from y, the
 * sums in float32 (the reference's in f64): a softmax inside a model (attention weights, a gate) rather than before
 * the loss, which fuses it. Threaded over rows as the forward.
 */
function fastSoftmaxGrad(rt: WasmRuntime, dy: Tensor, y: Tensor, log: boolean): Tensor {
  const c = y.shape[y.shape.length - 1];
  const n = y.data.length;
  const { arena } = rt;
  arena.reset();
  const dx = arena.output(n);
  const pdy = arena.copyIn(dy.data),
    py = arena.copyIn(y.data);
  const threads = n >= PARALLEL_SOFTMAX ? rt.pool.size : 1;
  runShared(rt, threads, (_, ctx) =>
    log
      ? { fn: 'logSoftmaxGradRows', args: [pdy, py, dx, n / c, c, ctx] }
      : { fn: 'softmaxGradLines', args: [pdy, py, dx, n / c, c, 1, ctx] },
  );
  return tensor(y.shape, arena.result(dx, n));
}

/** Whether a softmax-family op over the last axis runs in wasm: rows of at least one value, worth the copies. */
const softmaxInWasm = (rt: WasmRuntime, x: Tensor) =>
  x.shape.length > 0 && x.shape[x.shape.length - 1] > 0 && worthWasm(rt, x.data, SMALL);

/** Every activation in SIMD, threaded; linear is the reference (a copy). */
export function fastActivation(
  rt: WasmRuntime,
  x: Tensor,
  name: ActivationName,
  options: ActivationOptions = {},
): Tensor {
  if (name === 'softmax' && softmaxInWasm(rt, x)) return fastSoftmax(rt, x);
  if (name === 'log_softmax' && softmaxInWasm(rt, x)) return fastSoftmax(rt, x, true);
  const code = SMOOTH[name];
  if (code && worthWasm(rt, x.data, SMALL)) return smooth(rt, x, code, options.alpha ?? 1);
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
  const code = SMOOTH[name];
  const fits = dy.data.length === x.data.length && y.data.length === x.data.length;
  if ((name === 'softmax' || name === 'log_softmax') && fits && softmaxInWasm(rt, y))
    return fastSoftmaxGrad(rt, dy, y, name === 'log_softmax');
  if (code && fits && worthWasm(rt, x.data, SMALL)) return smoothGrad(rt, dy, x, y, code, options.alpha ?? 1);
  const kind = ACTIVATION_CODE[name];
  if (name === 'linear' || kind === undefined || !worthWasm(rt, x.data, SMALL) || dy.data.length !== x.data.length) {
    return referenceActivationGrad(dy, x, y, name, options);
  }
  return fastPointwiseGrad(rt, dy, x, kind, options.negativeSlope ?? 0.3);
}
