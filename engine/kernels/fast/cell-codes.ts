import { type CellActivations, defaultActivations } from '../lstm-cell';
import type { ActivationName } from '../types';
import { SMOOTH } from './activation';
import type { CellActivationConstant, SmoothActivationConstant, WasmRuntime } from './runtime';

const PIECEWISE: Partial<Record<ActivationName, CellActivationConstant>> = {
  linear: 'ACT_LINEAR',
  relu: 'ACT_RELU',
  relu6: 'ACT_RELU6',
  leaky_relu: 'ACT_LEAKY_RELU',
};

/**
 * The wasm codes of a recurrent cell's activation and recurrent_activation (wasm/activations.ts's cellForward4), or
 * null for Keras's defaults, which the cells compute on their own path. Every name of CELL_ACTIVATIONS has one.
 */
export function cellCodes(rt: WasmRuntime, acts: CellActivations | null | undefined): [number, number] | null {
  if (defaultActivations(acts)) return null;
  const code = (name: ActivationName) => {
    const constant: CellActivationConstant | SmoothActivationConstant | undefined = PIECEWISE[name] ?? SMOOTH[name];
    if (!constant) throw new RangeError(`the recurrent cells have no kernel for the activation ${name}`);
    return rt.constant(constant);
  };
  return [code(acts!.activation), code(acts!.recurrent)];
}
