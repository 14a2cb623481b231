/**
 * What LSTM and GRU share: Keras 3.15's constructor arguments and fields, the (batch, steps, features) shape rule,
 * and the small matrix pieces of their loops over time. Both run h (and c) from zeros over the steps in order.
 */
import { formatShape, type Shape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import {
  activationField,
  activityRegularizerField,
  constraintFields,
  initializerField,
  regularizerFields,
  useBiasField,
} from './fields';
import { activate, activateGrad } from './run-helpers';
import { knownChannels } from './spatial';
import { expectSequence } from './temporal';
import { columns, gateMatMul, gateMatMulGrad, setColumns } from '../kernels/gate-product';
import { CELL_ACTIVATIONS, type CellActivations, type MatMul } from '../kernels/lstm-cell';
import type { ActivationName } from '../kernels/types';
import type { OutputShapeResult, RunContext } from './types';

const CELL = [
  'units',
  'activation',
  'recurrent_activation',
  'use_bias',
  'kernel_initializer',
  'recurrent_initializer',
  'bias_initializer',
];
const UNMODELLED = [
  'kernel_regularizer',
  'recurrent_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'recurrent_constraint',
  'bias_constraint',
];
/** Modelled, but in `__init__`'s order after the regularizers and constraints. */
const DROPOUTS = ['dropout', 'recurrent_dropout'];
const RNN = ['return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll'];

/** `__init__`'s arguments of LSTM (with unit_forget_bias) and GRU (with reset_after), in Keras's order. */
export function recurrentArgs(own: 'unit_forget_bias' | 'reset_after'): string[] {
  const lstm = own === 'unit_forget_bias';
  return [
    ...CELL,
    ...(lstm ? [own] : []),
    ...UNMODELLED,
    ...DROPOUTS,
    'seed',
    ...RNN,
    ...(lstm ? [] : [own]),
    'use_cudnn',
  ];
}

/** `get_config()`'s keys after name, trainable and dtype: the RNN's own first, then the cell's. */
export function recurrentConfig(own: 'unit_forget_bias' | 'reset_after'): string[] {
  const lstm = own === 'unit_forget_bias';
  return [
    ...RNN,
    'zero_output_for_mask',
    ...CELL,
    ...(lstm ? [own] : []),
    ...UNMODELLED,
    ...DROPOUTS,
    ...(lstm ? [] : [own]),
    'seed',
  ];
}

export const recurrentFields = {
  units: { type: 'int', default: 32, min: 1, required: true, doc: 'Size of the hidden state: the output features.' },
  activation: activationField('tanh', 'Activation of the candidate state and of the output (tanh).'),
  recurrent_activation: activationField('sigmoid', 'Activation of the gates (sigmoid).'),
  use_bias: useBiasField,
  kernel_initializer: initializerField('glorot_uniform', 'Initializer of the input kernel.'),
  recurrent_initializer: initializerField('orthogonal', 'Initializer of the recurrent kernel.'),
  bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
  ...regularizerFields('kernel', 'recurrent', 'bias'),
  activity_regularizer: activityRegularizerField,
  ...constraintFields('kernel', 'recurrent', 'bias'),
  dropout: {
    type: 'float',
    default: 0,
    min: 0,
    max: 1,
    doc: 'While training, the fraction of input features dropped: one mask per batch, the same at every step.',
  },
  recurrent_dropout: {
    type: 'float',
    default: 0,
    min: 0,
    max: 1,
    advanced: true,
    doc: 'While training, the fraction of the previous h dropped where it enters the gates: one mask per gate and batch, the same at every step.',
  },
  return_sequences: {
    type: 'bool',
    default: false,
    doc: 'Output the hidden state at every step (batch, steps, units), not only the last one (batch, units).',
  },
  return_state: {
    type: 'bool',
    default: false,
    advanced: true,
    doc: 'Also output the last state: LSTM gives [output, h, c], GRU [output, h] (e.g. to start a decoder from).',
  },
  go_backwards: {
    type: 'bool',
    default: false,
    advanced: true,
    doc: 'Read the sequence from its last step to its first; with return_sequences the output is in that order too.',
  },
  seed: {
    type: 'int',
    default: null,
    nullable: true,
    advanced: true,
    doc: "Seed of Keras's dropout masks; LayerCanvas draws them from the run's seed.",
  },
} as const;

/**
 * The layer's activations as the whole-sequence kernels take them (Backend.lstmSequence, gruSequence), or null for
 * those they don't compute (softmax, log_softmax), which step through the layer's own loop.
 */
export function sequenceActivations(config: {
  activation: ActivationName;
  recurrent_activation: ActivationName;
}): CellActivations | null {
  const { activation, recurrent_activation: recurrent } = config;
  return CELL_ACTIVATIONS.has(activation) && CELL_ACTIVATIONS.has(recurrent) ? { activation, recurrent } : null;
}

/** The last state's shape, once per state (LSTM: h and c; GRU: h), when return_state asks for them. */
export function stateShapes(states: number, config: { units: number; return_state: boolean }, input: Shape): Shape[] {
  return config.return_state ? Array.from({ length: states }, () => [input[0], config.units]) : [];
}

export function recurrentOutputShape(
  className: string,
  config: { units: number; return_sequences: boolean },
  [input, ...states]: readonly Shape[],
): OutputShapeResult {
  const bad = expectSequence(className, input);
  if (bad) return bad;
  const c = knownChannels(className, input);
  if (typeof c !== 'number') return c;
  // initial_state: each state is (batch, units), as Keras's cell.state_size says.
  for (const [k, s] of states.entries()) {
    const fits = s.length === 2 && (s[1] === null || s[1] === config.units);
    const batch = s[0] === null || input[0] === null || s[0] === input[0];
    if (!fits || !batch)
      return {
        code: 'bad-initial-state',
        message: `initial_state[${k}] has shape ${formatShape(s)}, but ${className}(${config.units})'s states are ${formatShape([input[0], config.units])}`,
        hint: `give each state ${config.units} features, one row per sample of the sequence`,
      };
  }
  return config.return_sequences ? [input[0], input[1], config.units] : [input[0], config.units];
}

/** The state an RNN starts from: initial_state's tensor (copied, the loop writes its own), or zeros. */
export function initialState(state: Tensor | undefined, batch: number, units: number): Tensor {
  return state ? mat(batch, units, Float32Array.from(state.data)) : mat(batch, units);
}

// ---- the loop's pieces, on row-major (rows, cols) Float32Arrays ----

export const mat = (rows: number, cols: number, data?: Float32Array): Tensor => ({
  shape: [rows, cols],
  data: data ?? new Float32Array(rows * cols),
});

export { columns, setColumns };

/** Step t of a (batch, steps, width) tensor held as (batch·steps, width) rows. */
export function step(seq: Tensor, batch: number, steps: number, t: number): Tensor {
  const width = seq.shape[seq.shape.length - 1];
  const out = new Float32Array(batch * width);
  for (let b = 0; b < batch; b++)
    out.set(seq.data.subarray((b * steps + t) * width, (b * steps + t + 1) * width), b * width);
  return mat(batch, width, out);
}

export function setStep(seq: Tensor, batch: number, steps: number, t: number, part: Tensor): void {
  const width = part.shape[1];
  for (let b = 0; b < batch; b++) seq.data.set(part.data.subarray(b * width, (b + 1) * width), (b * steps + t) * width);
}

export function addRowVector(m: Tensor, v: Float32Array, offset = 0): void {
  const [rows, cols] = m.shape;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m.data[r * cols + c] += v[offset + c];
}

/** Adds the column sums of m into out[offset …]. */
export function addColumnSums(out: Float32Array, m: Tensor, offset = 0): void {
  const [rows, cols] = m.shape;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[offset + c] += m.data[r * cols + c];
}

export function addInto(out: Float32Array, d: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] += d[i];
}

export const act = (ctx: RunContext, x: Tensor, name: ActivationName): Tensor => activate(ctx, x, name);
export const actGrad = (ctx: RunContext, dy: Tensor, x: Tensor, y: Tensor, name: ActivationName): Tensor =>
  activateGrad(ctx, dy, x, y, name);

/** The (batch, steps, units) gradient of every step's h from the layer's output gradient. */
export function stepGradients(dy: Tensor, batch: number, steps: number, units: number, sequences: boolean): Tensor {
  if (sequences) return dy;
  const out = new Float32Array(batch * steps * units);
  for (let b = 0; b < batch; b++)
    out.set(dy.data.subarray(b * units, (b + 1) * units), (b * steps + steps - 1) * units);
  return { shape: [batch, steps, units], data: out };
}

/** The layer's output: every step's h (already written to `out`), or the last one. */
export function recurrentOutput(out: Tensor, h: Tensor, shape: number[], sequences: boolean, saved: unknown) {
  if (!sequences) out.data.set(h.data);
  return { output: { shape, data: out.data }, saved };
}

/** x (batch, steps, …) read from its last step (go_backwards), on the backend. */
export const reverseSteps = (ctx: RunContext, x: Tensor): Tensor => ctx.backend.reverseSteps(x);

/** Every step's x·kernel as (batch·steps, gates) rows, through the input dropout masks when training drew them. */
export function inputProjection(ctx: RunContext, x: Tensor, kernel: Tensor, masks: DropoutMasks): Tensor {
  const [batch, steps, features] = x.shape;
  return maskedGateMatMul(ctx, mat(batch * steps, features, x.data), kernel, masks.input, steps);
}

/** The kernel gradient and the input gradient from the gradients of every step's x·kernel part, (batch·steps, gates). */
export function inputSideGradients(
  ctx: RunContext,
  x: Tensor,
  kernel: Tensor,
  dZ: Tensor,
  weights: Record<string, Float32Array>,
  inputGradsNeeded: boolean | undefined,
  backwards: boolean,
  masks: DropoutMasks,
) {
  const [batch, steps, features] = x.shape;
  const rows = mat(batch * steps, features, x.data);
  const needX = inputGradsNeeded !== false;
  const { dw, da } = maskedGateMatMulGrad(ctx, rows, kernel, dZ, masks.input, steps, needX);
  const all = { kernel: dw, ...weights };
  if (!da) return { inputs: [], weights: all };
  const dx = { shape: x.shape, data: da.data };
  return { inputs: [backwards ? reverseSteps(ctx, dx) : dx], weights: all };
}

// ---- dropout masks (Keras's DropoutRNNCell) ----

/**
 * One call's dropout masks, drawn as Keras 3.15 draws them: once per call (per batch), shared by every step, only
 * while training and only for a rate strictly between 0 and 1 (Keras's cell skips 0 and 1 alike). A mask holds
 * 0 or 1/(1 − rate) per (sample, feature). With recurrent_dropout Keras switches the cell to implementation 1:
 * each gate gets its own input mask and its own mask on h; otherwise one input mask serves every gate.
 */
export interface DropoutMasks {
  /** (batch, features) each: one for all gates, or one per gate; null when the input isn't dropped. */
  input: Float32Array[] | null;
  /** (batch, units) each, one per gate; null when h isn't dropped. */
  recurrent: Float32Array[] | null;
}

export function dropoutMasks(
  ctx: RunContext,
  config: { dropout: number; recurrent_dropout: number; units: number },
  batch: number,
  features: number,
  gates: number,
): DropoutMasks {
  const applies = (rate: number) => ctx.training && rate > 0 && rate < 1;
  const draw = (count: number, width: number, rate: number) =>
    Array.from(
      { length: count },
      () => ctx.backend.dropout(mat(batch, width, new Float32Array(batch * width).fill(1)), rate, ctx.nextSeed()).mask,
    );
  const perGate = config.recurrent_dropout !== 0;
  return {
    input: applies(config.dropout) ? draw(perGate ? gates : 1, features, config.dropout) : null,
    recurrent: applies(config.recurrent_dropout) ? draw(gates, config.units, config.recurrent_dropout) : null,
  };
}

/** a·w with the gates' masks (gateMatMul) on the backend's matMul. */
export function maskedGateMatMul(
  ctx: RunContext,
  a: Tensor,
  w: Tensor,
  masks: Float32Array[] | null,
  repeat = 1,
): Tensor {
  return gateMatMul(backendMatMul(ctx), a, w, masks, repeat);
}

/** maskedGateMatMul's gradients: dw, and da when asked (gateMatMulGrad). */
export function maskedGateMatMulGrad(
  ctx: RunContext,
  a: Tensor,
  w: Tensor,
  dz: Tensor,
  masks: Float32Array[] | null,
  repeat: number,
  needA: boolean,
): { dw: Float32Array; da: Tensor | null } {
  return gateMatMulGrad(backendMatMul(ctx), a, w, dz, masks, repeat, needA);
}

const backendMatMul =
  (ctx: RunContext): MatMul =>
  (a, b, ta, tb) =>
    ctx.backend.matMul(a, b, ta, tb);
