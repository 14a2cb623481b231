import type { Tensor } from '../core/tensor';
import { activation, activationGrad } from './activations';
import { biasAdd, biasAddGrad } from './bias-add';
import type { ActivationName, ActivationOptions, EpilogueActivation } from './types';

/** The activations whose derivative the output alone decides (relu: y > 0 ⇔ x > 0), so backward needs no input. */
export const EPILOGUE_ACTIVATIONS: readonly EpilogueActivation[] = ['linear', 'relu', 'relu6'];

export function isEpilogueActivation(name: string): name is EpilogueActivation {
  return (EPILOGUE_ACTIVATIONS as readonly string[]).includes(name);
}

/** f(x + bias), or f(x) without a bias: a linear layer's epilogue, as the two kernels compute it one after the other. */
export function biasActivation(
  x: Tensor,
  bias: Float32Array | null,
  name: ActivationName,
  options?: ActivationOptions,
): Tensor {
  const z = bias ? biasAdd(x, bias) : x;
  return name === 'linear' ? z : activation(z, name, options);
}

/** dL/dz of y = f(z) from dL/dy and y alone, and the bias gradient (Σ dL/dz over every axis but the last). */
export function biasActivationGrad(
  dy: Tensor,
  y: Tensor,
  name: EpilogueActivation,
  withBias: boolean,
): { dz: Tensor; dBias: Float32Array | null } {
  const dz = name === 'linear' ? dy : activationGrad(dy, y, y, name);
  return { dz, dBias: withBias ? biasAddGrad(dz) : null };
}
