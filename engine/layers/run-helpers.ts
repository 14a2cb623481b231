/** Pieces the layers' forward and backward share: activations, bias, reshapes. */
import type { Tensor } from '../core/tensor';
import { isEpilogueActivation } from '../kernels/bias-activation';
import type { ActivationName, ConvEpilogue, EpilogueActivation } from '../kernels/types';
import type { RunContext } from './types';

/** The string 'leaky_relu' is `keras.activations.leaky_relu`, whose slope defaults to 0.2 (the layer's is 0.3). */
const ACTIVATION_DEFAULTS = { negativeSlope: 0.2 };

// Keras activation names are the kernels' names: `silu`/`swish` are one function; `gelu` is exact (erf) in Keras 3.
export function activate(ctx: RunContext, x: Tensor, name: ActivationName): Tensor {
  return name === 'linear' ? x : ctx.backend.activation(x, name, ACTIVATION_DEFAULTS);
}

export function activateGrad(ctx: RunContext, dy: Tensor, x: Tensor, y: Tensor, name: ActivationName): Tensor {
  return name === 'linear' ? dy : ctx.backend.activationGrad(dy, x, y, name, ACTIVATION_DEFAULTS);
}

export function reshape(t: Tensor, shape: number[]): Tensor {
  return { shape, data: t.data };
}

/** What a linear layer (Dense, convolutions) keeps: its pre-activation output, unless the epilogue was fused. */
export interface LinearSaved {
  preActivation?: Tensor;
}

/** Bias and activation in one kernel when the backward can do without the pre-activation (linear, relu, relu6). */
function fusedEpilogue(activation: ActivationName, hasBias: boolean): activation is EpilogueActivation {
  return isEpilogueActivation(activation) && (hasBias || activation !== 'linear');
}

/** bias (when present) then activation, keeping the pre-activation for backward where it needs it. */
export function biasThenActivate(ctx: RunContext, z: Tensor, bias: Tensor | undefined, activation: ActivationName) {
  if (fusedEpilogue(activation, !!bias)) {
    const y = ctx.backend.biasActivation(z, bias?.data ?? null, activation);
    return { output: y, saved: { preActivation: activation === 'linear' ? y : undefined } satisfies LinearSaved };
  }
  const pre = bias ? ctx.backend.biasAdd(z, bias.data) : z;
  return { output: activate(ctx, pre, activation), saved: { preActivation: pre } satisfies LinearSaved };
}

/**
 * A linear op (`run`, a convolution) then bias and activation: handed to the op as its epilogue where the backward
 * can do without the pre-activation, so kernels that fuse it store each result once; otherwise as biasThenActivate.
 */
export function linearThenActivate(
  ctx: RunContext,
  run: (epilogue?: ConvEpilogue) => Tensor,
  bias: Tensor | undefined,
  activation: ActivationName,
) {
  if (!fusedEpilogue(activation, !!bias)) return biasThenActivate(ctx, run(), bias, activation);
  const y = run({ bias: bias?.data ?? null, activation });
  return { output: y, saved: { preActivation: activation === 'linear' ? y : undefined } satisfies LinearSaved };
}

/** dL/d(pre-activation) and the bias gradient (when there is a bias). */
export function activationAndBiasGrad(
  ctx: RunContext,
  dy: Tensor,
  output: Tensor,
  saved: unknown,
  activation: ActivationName,
  hasBias: boolean,
) {
  if (fusedEpilogue(activation, hasBias)) {
    const { dz, dBias } = ctx.backend.biasActivationGrad(dy, output, activation, hasBias);
    return { dz, dBias: dBias ?? undefined };
  }
  const dz = activateGrad(ctx, dy, (saved as LinearSaved).preActivation!, output, activation);
  return { dz, dBias: hasBias ? ctx.backend.biasAddGrad(dz) : undefined };
}
