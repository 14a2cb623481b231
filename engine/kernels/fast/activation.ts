import type { Tensor } from '../../core/tensor';
import { activation as referenceActivation, activationGrad as referenceActivationGrad } from '../activations';
import type { ActivationName, ActivationOptions } from '../types';
import { ACTIVATION_CODE, fastBiasActivation, fastPointwiseGrad } from './bias-add';
import { worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 16384;

/** relu, relu6 and leaky relu in SIMD, threaded over rows; the rest are the reference. */
export function fastActivation(
  rt: WasmRuntime,
  x: Tensor,
  name: ActivationName,
  options: ActivationOptions = {},
): Tensor {
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
