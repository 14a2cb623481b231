/**
 * One step of Keras's LSTM, the elementwise part fused: z = x·kernel (row t of the precomputed sequence) +
 * h·recurrent_kernel + bias, the gates i, f, c̃, o (Keras's column order), c = f·c_prev + i·c̃, h = o·act(c); and its
 * gradient. The matrix products stay with matMul. With the default activations (sigmoid gates, tanh candidate and
 * output) every value is rounded to float32 where the unfused layer stored it, in the same order, so the fused step
 * gives the unfused one's bits; other pointwise activations (CELL_ACTIVATIONS) keep the pre-activations z, which
 * their derivatives need.
 */
import type { Tensor } from '../core/tensor';
import type { ActivationName } from './activation-name';
import { type Pointwise, pointwise, SMOOTH_ACTIVATIONS } from './activations';
import { type GateMasks, gateMatMul, gateMatMulGrad, type MatMul } from './gate-product';
import { matMul as referenceMatMul } from './matmul';
import { sigmoid } from './sigmoid';

/** A recurrent layer's activation (LSTM's candidate and output, GRU's candidate) and recurrent_activation (gates). */
export interface CellActivations {
  activation: ActivationName;
  recurrent: ActivationName;
}

/**
 * The activations the cells and whole sequences compute, on every backend: every pointwise one (linear, the relu
 * family and those of the activation kernel). softmax and log_softmax step through the layer's own loop.
 */
export const CELL_ACTIVATIONS: ReadonlySet<ActivationName> = new Set<ActivationName>([
  'linear',
  'relu',
  'relu6',
  'leaky_relu',
  ...SMOOTH_ACTIVATIONS,
]);

/** What an activation's name means in Keras: 'leaky_relu' is leaky_relu(x, negative_slope=0.2). */
const CELL_ACTIVATION_OPTIONS = { negativeSlope: 0.2 };

/** A cell's activation and recurrent_activation as scalars (the defaults' derivatives from their values). */
export function cellScalars(acts: CellActivations | null | undefined): { act: Pointwise; gate: Pointwise } {
  if (defaultActivations(acts))
    return { act: { f: Math.tanh, df: (_, y) => 1 - y * y }, gate: { f: sigmoid, df: (_, y) => y * (1 - y) } };
  return {
    act: pointwise(acts!.activation, CELL_ACTIVATION_OPTIONS),
    gate: pointwise(acts!.recurrent, CELL_ACTIVATION_OPTIONS),
  };
}

/** Keras's defaults (tanh, and σ for the gates), which the cells compute on their own path, keeping no z. */
export const defaultActivations = (acts: CellActivations | null | undefined): boolean =>
  !acts || (acts.activation === 'tanh' && acts.recurrent === 'sigmoid');

export interface LstmCellInput {
  /** (batch·steps, 4·units): x·kernel for every step, rows in (batch, step) order. */
  xw: Float32Array;
  /** Which step's rows of xw to take, and how many steps xw holds. */
  t: number;
  steps: number;
  /** (batch, 4·units): h_prev·recurrent_kernel. */
  hu: Float32Array;
  /** (4·units) or null for use_bias=False. */
  bias: Float32Array | null;
  /** (batch, units). */
  cPrev: Float32Array;
  batch: number;
  units: number;
  /** Absent or null: tanh and σ. */
  activations?: CellActivations | null;
}

export interface LstmCellOutput {
  /** (batch, 4·units): the gates after their activations, i, f, c̃, o. */
  a: Float32Array;
  /** (batch, units): the new cell state, its activation, and h = o·act(c). */
  c: Float32Array;
  ac: Float32Array;
  h: Float32Array;
  /** (batch, 4·units): the gates' pre-activations, with other activations than the defaults. */
  z?: Float32Array;
}

export interface LstmCellGradInput {
  /** (batch, units): the gradient of this step's h from above (the layer's output, or the next layer's). */
  dh: Float32Array;
  /** (batch, units): the gradients reaching h and c from step t + 1. */
  dhNext: Float32Array;
  dcNext: Float32Array;
  /** The forward step's gates, act(c) and c_prev. */
  a: Float32Array;
  ac: Float32Array;
  cPrev: Float32Array;
  batch: number;
  units: number;
  activations?: CellActivations | null;
  /** With other activations: the forward step's pre-activations z and its c (act's input). */
  z?: Float32Array;
  c?: Float32Array;
}

export interface LstmCellGrads {
  /** (batch, 4·units): the gradient of z, the gates' pre-activations. */
  dz: Float32Array;
  /** (batch, units): the gradient of c_prev. */
  dcPrev: Float32Array;
}

export function lstmCell(p: LstmCellInput): LstmCellOutput {
  const { xw, t, steps, hu, bias, cPrev, batch, units } = p;
  const g = 4 * units;
  const a = new Float32Array(batch * g);
  const c = new Float32Array(batch * units),
    ac = new Float32Array(batch * units),
    h = new Float32Array(batch * units);
  const general = !defaultActivations(p.activations);
  const { act, gate } = cellScalars(p.activations);
  const zs = general ? new Float32Array(batch * g) : null;
  const z = new Float32Array(g);
  for (let b = 0; b < batch; b++) {
    const row = (b * steps + t) * g;
    for (let k = 0; k < g; k++) {
      z[k] = xw[row + k] + hu[b * g + k];
      if (bias) z[k] += bias[k];
      a[b * g + k] = k >= 2 * units && k < 3 * units ? act.f(z[k]) : gate.f(z[k]);
    }
    if (zs) zs.set(z, b * g);
    for (let j = 0; j < units; j++) {
      const i = b * units + j,
        q = b * g + j;
      c[i] = a[q + units] * cPrev[i] + a[q] * a[q + 2 * units];
      ac[i] = act.f(c[i]);
      h[i] = a[q + 3 * units] * ac[i];
    }
  }
  return zs ? { a, c, ac, h, z: zs } : { a, c, ac, h };
}

export function lstmCellGrad(p: LstmCellGradInput): LstmCellGrads {
  const { dh, dhNext, dcNext, a, ac, cPrev, batch, units } = p;
  const g = 4 * units;
  const dz = new Float32Array(batch * g),
    dcPrev = new Float32Array(batch * units);
  // Other activations: their derivatives at the saved z and c (tanh's and σ's from their values otherwise).
  const z = p.z,
    c = p.c;
  const { act, gate } = cellScalars(p.activations);
  // Float32 temporaries: the unfused step stored each of these in a Float32Array.
  const f = new Float32Array(4);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < units; j++) {
      const i = b * units + j,
        q = b * g + j;
      const ai = a[q],
        af = a[q + units],
        ag = a[q + 2 * units],
        ao = a[q + 3 * units];
      f[0] = dh[i] + dhNext[i]; // dh_t
      f[1] = f[0] * ao; // d act(c)
      f[2] = f[1] * act.df(c ? c[i] : 0, ac[i]); // dc from h
      f[2] += dcNext[i];
      const dc = f[2];
      f[3] = dc * ag;
      dz[q] = f[3] * gate.df(z ? z[q] : 0, ai);
      f[3] = dc * cPrev[i];
      dz[q + units] = f[3] * gate.df(z ? z[q + units] : 0, af);
      f[3] = dc * ai;
      dz[q + 2 * units] = f[3] * act.df(z ? z[q + 2 * units] : 0, ag);
      f[3] = f[0] * ac[i];
      dz[q + 3 * units] = f[3] * gate.df(z ? z[q + 3 * units] : 0, ao);
      dcPrev[i] = dc * af;
    }
  }
  return { dz, dcPrev };
}

// ---- a whole sequence ----

export type { MatMul };

export interface LstmSequenceInput {
  /** (batch·steps, 4·units): x·kernel for every step, rows in (batch, step) order. */
  xw: Float32Array;
  /** (units, 4·units). */
  recurrentKernel: Float32Array;
  /** (4·units) or null for use_bias=False. */
  bias: Float32Array | null;
  /** (batch, units): the initial h and c (initial_state), or null for zeros. */
  h0: Float32Array | null;
  c0: Float32Array | null;
  batch: number;
  steps: number;
  units: number;
  /** Whether y holds every step's h (return_sequences) or only the last. */
  sequences: boolean;
  /**
   * recurrent_dropout's masks while training, (batch, units) each, one per gate: gate k reads (h·m_k)·U_k
   * (gateMatMul). Absent or null: h·U.
   */
  recurrentMasks?: GateMasks;
  /** Absent or null: tanh and σ. */
  activations?: CellActivations | null;
}

export interface LstmSequenceOutput {
  /** (batch, steps, units): every step's h, when sequences; else (batch, units): the last h (a copy of h). */
  y: Float32Array;
  /** (batch, units): the last h and c. */
  h: Float32Array;
  c: Float32Array;
  /** What backpropagation needs, step-major: the gates (steps, batch, 4·units); h, c and tanh(c) (steps, batch, units). */
  a: Float32Array;
  hs: Float32Array;
  cs: Float32Array;
  acs: Float32Array;
  /** With other activations: every step's pre-activations z (steps, batch, 4·units). */
  zs?: Float32Array;
}

export interface LstmSequenceGradInput
  extends Pick<LstmSequenceOutput, 'a' | 'hs' | 'cs' | 'acs' | 'zs'>,
    Pick<LstmSequenceInput, 'recurrentMasks' | 'activations'> {
  /** The gradient of y: (batch, steps, units) when sequences, else (batch, units). */
  dy: Float32Array;
  sequences: boolean;
  /** (batch, units): the gradients of the last h and c given out by return_state, or null. */
  dhLast: Float32Array | null;
  dcLast: Float32Array | null;
  recurrentKernel: Float32Array;
  h0: Float32Array | null;
  c0: Float32Array | null;
  batch: number;
  steps: number;
  units: number;
}

export interface LstmSequenceGrads {
  /** (batch·steps, 4·units): every step's dz, rows in (batch, step) order as xw's (the gradient of x·kernel). */
  dz: Float32Array;
  /** (units, 4·units) and (4·units): the recurrent kernel's and the bias's gradients. */
  dRecurrentKernel: Float32Array;
  dBias: Float32Array;
  /** (batch, units): the gradients reaching the initial h and c. */
  dh0: Float32Array;
  dc0: Float32Array;
}

/** Row t of each sequence of a (batch, steps, width) array, as a (batch, width) copy. */
export function stepOf(seq: Float32Array, batch: number, steps: number, t: number, width: number): Float32Array {
  const out = new Float32Array(batch * width);
  for (let b = 0; b < batch; b++)
    out.set(seq.subarray((b * steps + t) * width, (b * steps + t + 1) * width), b * width);
  return out;
}

/** Writes a (batch, width) step into row t of each sequence of a (batch, steps, width) array. */
export function setStepOf(seq: Float32Array, part: Float32Array, batch: number, steps: number, t: number): void {
  const width = part.length / batch;
  for (let b = 0; b < batch; b++) seq.set(part.subarray(b * width, (b + 1) * width), (b * steps + t) * width);
}

/**
 * The LSTM layer's loop over time, from h0 and c0: per step h·recurrent_kernel (`matMul`; gate by gate with
 * recurrent_dropout's masks), then `cell` with the layer's activations. The fast backend runs it in wasm (the same kernels in the same order) or, outside a step
 * scope, with its own matMul.
 */
export function lstmSequence(
  p: LstmSequenceInput,
  matMul: MatMul = referenceMatMul,
  cell: (p: LstmCellInput) => LstmCellOutput = lstmCell,
): LstmSequenceOutput {
  const { xw, bias, batch, steps, units, sequences } = p;
  const g = 4 * units,
    n = batch * units;
  const a = new Float32Array(steps * batch * g),
    hs = new Float32Array(steps * n),
    cs = new Float32Array(steps * n),
    acs = new Float32Array(steps * n);
  const y = new Float32Array(sequences ? steps * n : n);
  const U: Tensor = { shape: [units, g], data: p.recurrentKernel };
  const activations = defaultActivations(p.activations) ? null : p.activations!;
  const zs = activations ? new Float32Array(steps * batch * g) : null;
  let h = p.h0 ?? new Float32Array(n),
    c = p.c0 ?? new Float32Array(n);
  for (let t = 0; t < steps; t++) {
    const hu = gateMatMul(matMul, { shape: [batch, units], data: h }, U, p.recurrentMasks ?? null).data;
    const out = cell({ xw, t, steps, hu, bias, cPrev: c, batch, units, activations });
    a.set(out.a, t * batch * g);
    if (zs) zs.set(out.z!, t * batch * g);
    hs.set(out.h, t * n);
    cs.set(out.c, t * n);
    acs.set(out.ac, t * n);
    if (sequences) setStepOf(y, out.h, batch, steps, t);
    h = out.h;
    c = out.c;
  }
  if (!sequences) y.set(h);
  const out = { y, h: Float32Array.from(h), c: Float32Array.from(c), a, hs, cs, acs };
  return zs ? { ...out, zs } : out;
}

/**
 * Backpropagation through lstmSequence: per step from the last, `cellGrad`, then dU += h_prevᵀ·dz and
 * dh_next = dz·Uᵀ (`matMul`), and the bias's column sums, as the LSTM layer ran them.
 */
export function lstmSequenceGrad(
  p: LstmSequenceGradInput,
  matMul: MatMul = referenceMatMul,
  cellGrad: (p: LstmCellGradInput) => LstmCellGrads = lstmCellGrad,
): LstmSequenceGrads {
  const { dy, sequences, a, hs, cs, acs, batch, steps, units } = p;
  const g = 4 * units,
    n = batch * units;
  const dz = new Float32Array(steps * batch * g),
    dU = new Float32Array(units * g),
    dBias = new Float32Array(g);
  const U: Tensor = { shape: [units, g], data: p.recurrentKernel };
  const zeros = new Float32Array(n);
  const activations = defaultActivations(p.activations) ? null : p.activations!;
  let dhNext = p.dhLast ?? zeros,
    dcNext = p.dcLast ?? zeros;
  for (let t = steps - 1; t >= 0; t--) {
    const dh = sequences ? stepOf(dy, batch, steps, t, units) : t === steps - 1 ? dy : zeros;
    const cPrev = t > 0 ? cs.subarray((t - 1) * n, t * n) : (p.c0 ?? zeros);
    const hPrev = t > 0 ? hs.subarray((t - 1) * n, t * n) : (p.h0 ?? zeros);
    const grads = cellGrad({
      dh,
      dhNext,
      dcNext,
      a: a.subarray(t * batch * g, (t + 1) * batch * g),
      ac: acs.subarray(t * n, (t + 1) * n),
      cPrev,
      batch,
      units,
      ...(activations && {
        activations,
        z: p.zs!.subarray(t * batch * g, (t + 1) * batch * g),
        c: cs.subarray(t * n, (t + 1) * n),
      }),
    });
    const dzt: Tensor = { shape: [batch, g], data: grads.dz };
    const hPrevT: Tensor = { shape: [batch, units], data: hPrev };
    const { dw, da } = gateMatMulGrad(matMul, hPrevT, U, dzt, p.recurrentMasks ?? null, 1, true);
    for (let i = 0; i < dU.length; i++) dU[i] += dw[i];
    for (let b = 0; b < batch; b++) for (let k = 0; k < g; k++) dBias[k] += grads.dz[b * g + k];
    dhNext = da!.data;
    dcNext = grads.dcPrev;
    setStepOf(dz, grads.dz, batch, steps, t);
  }
  return { dz, dRecurrentKernel: dU, dBias, dh0: Float32Array.from(dhNext), dc0: Float32Array.from(dcNext) };
}
