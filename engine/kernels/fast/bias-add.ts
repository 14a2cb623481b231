import { tensor, type Tensor } from '../../core/tensor';
import {
  biasActivation as referenceBiasActivation,
  biasActivationGrad as referenceBiasActivationGrad,
} from '../bias-activation';
import { biasAdd as referenceBiasAdd, biasAddGrad as referenceBiasAddGrad } from '../bias-add';
import type { ActivationName, ActivationOptions, EpilogueActivation } from '../types';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 16384;

/** The activations the wasm kernels run; codes as in wasm/elementwise.ts (ACT_*). */
export const ACTIVATION_CODE: Partial<Record<ActivationName, number>> = { relu: 0, relu6: 1, leaky_relu: 2, linear: 3 };

/** f(x + bias) (bias null: f(x)) in one threaded pass, for the activations the wasm kernel knows. */
export function fastBiasActivation(
  rt: WasmRuntime,
  x: Tensor,
  bias: Float32Array | null,
  name: ActivationName,
  options: ActivationOptions = {},
): Tensor {
  const c = x.shape[x.shape.length - 1];
  const kind = ACTIVATION_CODE[name];
  if (kind === undefined || !worthWasm(rt, x.data, SMALL) || (bias && bias.length !== c))
    return referenceBiasActivation(x, bias, name, options);
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(x.data),
    pb = bias ? arena.copyIn(bias) : 0;
  runRows(rt, n, 'biasActivation', (ctx) => [px, pb, out, n / c, c, kind, options.negativeSlope ?? 0.3, ctx]);
  return tensor(x.shape, arena.result(out, n));
}

export function fastBiasAdd(rt: WasmRuntime, x: Tensor, bias: Float32Array): Tensor {
  if (bias.length !== x.shape[x.shape.length - 1]) return referenceBiasAdd(x, bias);
  return fastBiasActivation(rt, x, bias, 'linear');
}

/**
 * dz = dy · f'(y) and Σ dz over rows in one threaded pass: f32 sums per chunk of rows folded into f64 in chunk order
 * (the reference sums in f64 throughout), the same on any number of threads. `v` is what decides f' (x or y).
 */
function gradPass(
  rt: WasmRuntime,
  dy: Tensor,
  v: Float32Array | null,
  kind: number,
  slope: number,
  withBias: boolean,
): { dz: Tensor; dBias: Float32Array | null } {
  const n = dy.data.length,
    c = dy.shape[dy.shape.length - 1],
    rows = n / c;
  const { arena } = rt;
  arena.reset();
  const linear = kind === ACTIVATION_CODE.linear;
  const dz = linear ? 0 : arena.output(n);
  const pdy = arena.copyIn(dy.data),
    pv = v && !linear ? arena.copyIn(v) : 0;
  const chunks = Math.ceil(rows / rt.constant('CHUNK'));
  const partials = withBias ? arena.alloc(chunks * c) : 0;
  runRows(rt, n, 'activationGradRows', (ctx) => [pdy, pv, dz, rows, c, kind, slope, partials, ctx]);
  let dBias: Float32Array | null = null;
  if (withBias) {
    const total = arena.alloc(2 * c);
    rt.call('foldPartials', partials, chunks, c, total);
    dBias = Float32Array.from(arena.readF64(total, c));
  }
  return { dz: linear ? dy : tensor(dy.shape, arena.result(dz, n)), dBias };
}

export function fastBiasActivationGrad(
  rt: WasmRuntime,
  dy: Tensor,
  y: Tensor,
  name: EpilogueActivation,
  withBias: boolean,
): { dz: Tensor; dBias: Float32Array | null } {
  if (!worthWasm(rt, dy.data, SMALL) || (name !== 'linear' && y.data.length !== dy.data.length))
    return referenceBiasActivationGrad(dy, y, name, withBias);
  return gradPass(rt, dy, y.data, ACTIVATION_CODE[name]!, 0, withBias);
}

/** dy summed over every axis but the last. */
export function fastBiasAddGrad(rt: WasmRuntime, dy: Tensor): Float32Array {
  if (!worthWasm(rt, dy.data, SMALL)) return referenceBiasAddGrad(dy);
  return gradPass(rt, dy, null, ACTIVATION_CODE.linear!, 0, true).dBias!;
}

/** dx = dy · f'(x) for relu, relu6 and leaky relu. */
export function fastPointwiseGrad(rt: WasmRuntime, dy: Tensor, x: Tensor, kind: number, slope: number): Tensor {
  return gradPass(rt, dy, x.data, kind, slope, false).dz;
}
