import { tensor, type Tensor } from '../../core/tensor';
import { activation as referenceActivation, activationGrad as referenceActivationGrad } from '../activations';
import type { ActivationName, ActivationOptions } from '../types';
import type { WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 16384;

/** The piecewise-linear activations the wasm kernel runs; codes as in wasm/elementwise.ts (ACT_*). */
const KIND: Partial<Record<ActivationName, number>> = { relu: 0, relu6: 1, leaky_relu: 2 };

function wasmKind(n: number, name: ActivationName): number | undefined {
  return n < SMALL ? undefined : KIND[name];
}

/** relu, relu6 and leaky relu in SIMD; the rest are the reference. */
export function fastActivation(rt: WasmRuntime, x: Tensor, name: ActivationName, options: ActivationOptions = {}): Tensor {
  const kind = wasmKind(x.data.length, name);
  if (kind === undefined) return referenceActivation(x, name, options);
  const { arena } = rt;
  arena.reset();
  const px = arena.copyIn(x.data), out = arena.alloc(x.data.length);
  rt.call('pointwiseActivation', px, out, x.data.length, kind, options.negativeSlope ?? 0.3);
  return tensor(x.shape, arena.copyOut(out, x.data.length));
}

export function fastActivationGrad(rt: WasmRuntime, dy: Tensor, x: Tensor, y: Tensor, name: ActivationName, options: ActivationOptions = {}): Tensor {
  const kind = wasmKind(x.data.length, name);
  if (kind === undefined || dy.data.length !== x.data.length) return referenceActivationGrad(dy, x, y, name, options);
  const { arena } = rt;
  arena.reset();
  const pdy = arena.copyIn(dy.data), px = arena.copyIn(x.data), out = arena.alloc(x.data.length);
  rt.call('pointwiseActivationGrad', pdy, px, out, x.data.length, kind, options.negativeSlope ?? 0.3);
  return tensor(x.shape, arena.copyOut(out, x.data.length));
}
