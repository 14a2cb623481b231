/**
 * One step of Keras's GRU (reset_after=True, its default and the only GRU computed here) with its default
 * activations (sigmoid gates, tanh candidate), the elementwise part fused, and its gradient. With x·kernel + b_x
 * (row t of the precomputed sequence, its bias added here) split into x_z, x_r, x_h and h·recurrent_kernel + b_h
 * into u_z, u_r, u_h:
 * z = σ(x_z + u_z), r = σ(x_r + u_r), h̃ = tanh(x_h + r·u_h), h = z·h_prev + (1 − z)·h̃. The matrix products stay
 * with matMul. Every value is rounded to float32 where the unfused layer stored it, in the same order, so the
 * fused step gives the unfused one's bits.
 */
import type { Tensor } from '../core/tensor';
import { type CellActivations, cellScalars, defaultActivations, type MatMul, setStepOf, stepOf } from './lstm-cell';
import { type GateMasks, gateMatMul, gateMatMulGrad } from './gate-product';
import { matMul as referenceMatMul } from './matmul';

export interface GruCellInput {
  /** (batch·steps, 3·units): x·kernel for every step, rows in (batch, step) order. */
  xw: Float32Array;
  t: number;
  steps: number;
  /** (batch, 3·units): h_prev·recurrent_kernel, without its bias. */
  hu: Float32Array;
  /** (2, 3·units): the input bias b_x, then the recurrent bias b_h; null for use_bias=False. */
  bias: Float32Array | null;
  /** (batch, units). */
  hPrev: Float32Array;
  batch: number;
  units: number;
  /** Absent or null: tanh (h̃) and σ (z, r). */
  activations?: CellActivations | null;
}

export interface GruCellOutput {
  /** (batch, 3·units): z, r and h̃, side by side. */
  a: Float32Array;
  /** (batch, units): u_h (h·recurrent_kernel's candidate part with its bias), and the new h. */
  hh: Float32Array;
  h: Float32Array;
  /** (batch, 3·units): z's, r's and h̃'s pre-activations, with other activations than the defaults. */
  z?: Float32Array;
}

export interface GruCellGradInput {
  /** (batch, units): the gradient of this step's h from above (the layer's output, or the next layer's). */
  dh: Float32Array;
  /** (batch, units): the gradient reaching h from step t + 1 through h·recurrent_kernel (zeros at the last step). */
  dhNext: Float32Array;
  /** Step t + 1's dht and a, whose z carries dht·z straight on to this step's h; null at the last step. */
  carry: { dht: Float32Array; a: Float32Array } | null;
  /** The forward step's a, u_h and h_prev. */
  a: Float32Array;
  hh: Float32Array;
  hPrev: Float32Array;
  batch: number;
  units: number;
  activations?: CellActivations | null;
  /** With other activations: the forward step's pre-activations. */
  z?: Float32Array;
}

export interface GruCellGrads {
  /** (batch, 3·units): the gradient of x·kernel + b_x: z's, r's and the candidate's pre-activations. */
  dx: Float32Array;
  /** (batch, 3·units): the gradient of h·recurrent_kernel + b_h: as dx but u_h's part is dh̃·r. */
  du: Float32Array;
  /** (batch, units): the whole gradient of h at this step (from above and from step t + 1). */
  dht: Float32Array;
}

export function gruCell(p: GruCellInput): GruCellOutput {
  const { xw, t, steps, hu, bias, hPrev, batch, units } = p;
  const g = 3 * units;
  const a = new Float32Array(batch * g),
    hh = new Float32Array(batch * units),
    h = new Float32Array(batch * units);
  const general = !defaultActivations(p.activations);
  const { act, gate } = cellScalars(p.activations);
  const zs = general ? new Float32Array(batch * g) : null;
  // Float32 temporaries: the unfused step stored each of these in a Float32Array.
  const u = new Float32Array(g),
    x = new Float32Array(g),
    f = new Float32Array(1);
  for (let b = 0; b < batch; b++) {
    const row = (b * steps + t) * g;
    for (let k = 0; k < g; k++) {
      x[k] = xw[row + k];
      u[k] = hu[b * g + k];
      if (bias) {
        x[k] += bias[k];
        u[k] += bias[g + k];
      }
    }
    for (let j = 0; j < units; j++) {
      const i = b * units + j,
        q = b * g + j;
      f[0] = x[j] + u[j];
      if (zs) zs[q] = f[0];
      a[q] = gate.f(f[0]);
      f[0] = x[units + j] + u[units + j];
      if (zs) zs[q + units] = f[0];
      a[q + units] = gate.f(f[0]);
      hh[i] = u[2 * units + j];
      f[0] = x[2 * units + j] + a[q + units] * hh[i];
      if (zs) zs[q + 2 * units] = f[0];
      a[q + 2 * units] = act.f(f[0]);
      h[i] = a[q] * hPrev[i] + (1 - a[q]) * a[q + 2 * units];
    }
  }
  return zs ? { a, hh, h, z: zs } : { a, hh, h };
}

export function gruCellGrad(p: GruCellGradInput): GruCellGrads {
  const { dh, dhNext, carry, a, hh, hPrev, batch, units } = p;
  const zs = p.z;
  // Other activations: their derivatives at the saved pre-activations (tanh's and σ's from their values otherwise).
  const { act, gate } = cellScalars(p.activations);
  const g = 3 * units;
  const dx = new Float32Array(batch * g),
    du = new Float32Array(batch * g),
    dht = new Float32Array(batch * units);
  const f = new Float32Array(5);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < units; j++) {
      const i = b * units + j,
        q = b * g + j;
      f[4] = carry ? dhNext[i] + carry.dht[i] * carry.a[q] : dhNext[i]; // dh_next, whole
      const z = a[q],
        r = a[q + units],
        cand = a[q + 2 * units];
      dht[i] = dh[i] + f[4];
      f[0] = dht[i] * (hPrev[i] - cand); // d z (after σ)
      f[1] = dht[i] * (1 - z); // d h̃
      f[2] = f[1] * act.df(zs ? zs[q + 2 * units] : 0, cand); // d of h̃'s pre-activation
      f[3] = f[2] * hh[i]; // d r (after σ)
      const dzz = f[0] * gate.df(zs ? zs[q] : 0, z);
      const dzr = f[3] * gate.df(zs ? zs[q + units] : 0, r);
      dx[q] = du[q] = dzz;
      dx[q + units] = du[q + units] = dzr;
      dx[q + 2 * units] = f[2];
      du[q + 2 * units] = f[2] * r;
    }
  }
  return { dx, du, dht };
}

// ---- a whole sequence ----

export interface GruSequenceInput {
  /** (batch·steps, 3·units): x·kernel for every step (without its bias), rows in (batch, step) order. */
  xw: Float32Array;
  /** (units, 3·units). */
  recurrentKernel: Float32Array;
  /** (2, 3·units): b_x, then b_h; null for use_bias=False. */
  bias: Float32Array | null;
  /** (batch, units): the initial h (initial_state), or null for zeros. */
  h0: Float32Array | null;
  batch: number;
  steps: number;
  units: number;
  /** Whether y holds every step's h (return_sequences) or only the last. */
  sequences: boolean;
  /** recurrent_dropout's masks while training, (batch, units) each, one per gate, as LstmSequenceInput's. */
  recurrentMasks?: GateMasks;
  /** Absent or null: tanh and σ. */
  activations?: CellActivations | null;
}

export interface GruSequenceOutput {
  /** (batch, steps, units): every step's h, when sequences; else (batch, units): the last h (a copy of h). */
  y: Float32Array;
  /** (batch, units): the last h. */
  h: Float32Array;
  /** What backpropagation needs, step-major: z, r and h̃ (steps, batch, 3·units); u_h and h (steps, batch, units). */
  a: Float32Array;
  hhs: Float32Array;
  hs: Float32Array;
  /** With other activations: every step's pre-activations (steps, batch, 3·units). */
  zs?: Float32Array;
}

export interface GruSequenceGradInput
  extends Pick<GruSequenceOutput, 'a' | 'hhs' | 'hs' | 'zs'>,
    Pick<GruSequenceInput, 'recurrentMasks' | 'activations'> {
  /** The gradient of y: (batch, steps, units) when sequences, else (batch, units). */
  dy: Float32Array;
  sequences: boolean;
  /** (batch, units): the gradient of the last h given out by return_state, or null. */
  dhLast: Float32Array | null;
  recurrentKernel: Float32Array;
  h0: Float32Array | null;
  batch: number;
  steps: number;
  units: number;
}

export interface GruSequenceGrads {
  /** (batch·steps, 3·units): every step's dx (the gradient of x·kernel + b_x), rows in (batch, step) order. */
  dx: Float32Array;
  /** (units, 3·units) and (2, 3·units): the recurrent kernel's and the bias's gradients. */
  dRecurrentKernel: Float32Array;
  dBias: Float32Array;
  /** (batch, units): the gradient reaching the initial h. */
  dh0: Float32Array;
}

/** The GRU layer's loop over time with its default activations, from h0: per step h·recurrent_kernel, then `cell`. */
export function gruSequence(
  p: GruSequenceInput,
  matMul: MatMul = referenceMatMul,
  cell: (p: GruCellInput) => GruCellOutput = gruCell,
): GruSequenceOutput {
  const { xw, bias, batch, steps, units, sequences } = p;
  const g = 3 * units,
    n = batch * units;
  const a = new Float32Array(steps * batch * g),
    hhs = new Float32Array(steps * n),
    hs = new Float32Array(steps * n);
  const y = new Float32Array(sequences ? steps * n : n);
  const U: Tensor = { shape: [units, g], data: p.recurrentKernel };
  const activations = defaultActivations(p.activations) ? null : p.activations!;
  const zs = activations ? new Float32Array(steps * batch * g) : null;
  let h = p.h0 ?? new Float32Array(n);
  for (let t = 0; t < steps; t++) {
    const hu = gateMatMul(matMul, { shape: [batch, units], data: h }, U, p.recurrentMasks ?? null).data;
    const out = cell({ xw, t, steps, hu, bias, hPrev: h, batch, units, activations });
    a.set(out.a, t * batch * g);
    if (zs) zs.set(out.z!, t * batch * g);
    hhs.set(out.hh, t * n);
    hs.set(out.h, t * n);
    if (sequences) setStepOf(y, out.h, batch, steps, t);
    h = out.h;
  }
  if (!sequences) y.set(h);
  const out = { y, h: Float32Array.from(h), a, hhs, hs };
  return zs ? { ...out, zs } : out;
}

/**
 * Backpropagation through gruSequence: per step from the last, `cellGrad` (step t + 1's dht·z carried), then
 * dU += h_prevᵀ·du and dh_next = du·Uᵀ (`matMul`), and both biases' column sums, as the GRU layer ran them.
 */
export function gruSequenceGrad(
  p: GruSequenceGradInput,
  matMul: MatMul = referenceMatMul,
  cellGrad: (p: GruCellGradInput) => GruCellGrads = gruCellGrad,
): GruSequenceGrads {
  const { dy, sequences, a, hhs, hs, batch, steps, units } = p;
  const g = 3 * units,
    n = batch * units;
  const dx = new Float32Array(steps * batch * g),
    dU = new Float32Array(units * g),
    dBias = new Float32Array(2 * g);
  const U: Tensor = { shape: [units, g], data: p.recurrentKernel };
  const zeros = new Float32Array(n);
  let dhNext = p.dhLast ?? zeros;
  let carry: { dht: Float32Array; a: Float32Array } | null = null;
  const activations = defaultActivations(p.activations) ? null : p.activations!;
  for (let t = steps - 1; t >= 0; t--) {
    const dh = sequences ? stepOf(dy, batch, steps, t, units) : t === steps - 1 ? dy : zeros;
    const hPrev = t > 0 ? hs.subarray((t - 1) * n, t * n) : (p.h0 ?? zeros);
    const at = a.subarray(t * batch * g, (t + 1) * batch * g);
    const hh = hhs.subarray(t * n, (t + 1) * n);
    const general = activations && { activations, z: p.zs!.subarray(t * batch * g, (t + 1) * batch * g) };
    const grads = cellGrad({ dh, dhNext, carry, a: at, hh, hPrev, batch, units, ...general });
    const dut: Tensor = { shape: [batch, g], data: grads.du };
    const hPrevT: Tensor = { shape: [batch, units], data: hPrev };
    const { dw, da } = gateMatMulGrad(matMul, hPrevT, U, dut, p.recurrentMasks ?? null, 1, true);
    for (let i = 0; i < dU.length; i++) dU[i] += dw[i];
    for (let b = 0; b < batch; b++)
      for (let k = 0; k < g; k++) {
        dBias[k] += grads.dx[b * g + k];
        dBias[g + k] += grads.du[b * g + k];
      }
    dhNext = da!.data;
    carry = { dht: grads.dht, a: at };
    setStepOf(dx, grads.dx, batch, steps, t);
  }
  // Step 0's dht·z reaches the initial h too.
  const dh0 = Float32Array.from(dhNext);
  if (carry)
    for (let b = 0; b < batch; b++)
      for (let j = 0; j < units; j++) dh0[b * units + j] += carry.dht[b * units + j] * carry.a[b * g + j];
  return { dx, dRecurrentKernel: dU, dBias, dh0 };
}
