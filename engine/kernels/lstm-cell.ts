/**
 * One step of Keras's LSTM with its default activations (sigmoid gates, tanh candidate and output), the elementwise
 * part fused: z = x·kernel (row t of the precomputed sequence) + h·recurrent_kernel + bias, the gates i, f, c̃, o
 * (Keras's column order), c = f·c_prev + i·c̃, h = o·tanh(c); and its gradient. The matrix products stay with
 * matMul. Every value is rounded to float32 where the unfused layer stored it, in the same order, so the fused
 * step gives the unfused one's bits.
 */
import { sigmoid } from './sigmoid';

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
}

export interface LstmCellOutput {
  /** (batch, 4·units): the gates after their activations, i, f, c̃, o. */
  a: Float32Array;
  /** (batch, units): the new cell state, its tanh, and h = o·tanh(c). */
  c: Float32Array;
  ac: Float32Array;
  h: Float32Array;
}

export interface LstmCellGradInput {
  /** (batch, units): the gradient of this step's h from above (the layer's output, or the next layer's). */
  dh: Float32Array;
  /** (batch, units): the gradients reaching h and c from step t + 1. */
  dhNext: Float32Array;
  dcNext: Float32Array;
  /** The forward step's gates, tanh(c) and c_prev. */
  a: Float32Array;
  ac: Float32Array;
  cPrev: Float32Array;
  batch: number;
  units: number;
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
  const z = new Float32Array(g);
  for (let b = 0; b < batch; b++) {
    const row = (b * steps + t) * g;
    for (let k = 0; k < g; k++) {
      z[k] = xw[row + k] + hu[b * g + k];
      if (bias) z[k] += bias[k];
      a[b * g + k] = k >= 2 * units && k < 3 * units ? Math.tanh(z[k]) : sigmoid(z[k]);
    }
    for (let j = 0; j < units; j++) {
      const i = b * units + j,
        q = b * g + j;
      c[i] = a[q + units] * cPrev[i] + a[q] * a[q + 2 * units];
      ac[i] = Math.tanh(c[i]);
      h[i] = a[q + 3 * units] * ac[i];
    }
  }
  return { a, c, ac, h };
}

export function lstmCellGrad(p: LstmCellGradInput): LstmCellGrads {
  const { dh, dhNext, dcNext, a, ac, cPrev, batch, units } = p;
  const g = 4 * units;
  const dz = new Float32Array(batch * g),
    dcPrev = new Float32Array(batch * units);
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
      f[1] = f[0] * ao; // d tanh(c)
      f[2] = f[1] * (1 - ac[i] * ac[i]); // dc from h
      f[2] += dcNext[i];
      const dc = f[2];
      f[3] = dc * ag;
      dz[q] = f[3] * (ai * (1 - ai));
      f[3] = dc * cPrev[i];
      dz[q + units] = f[3] * (af * (1 - af));
      f[3] = dc * ai;
      dz[q + 2 * units] = f[3] * (1 - ag * ag);
      f[3] = f[0] * ac[i];
      dz[q + 3 * units] = f[3] * (ao * (1 - ao));
      dcPrev[i] = dc * af;
    }
  }
  return { dz, dcPrev };
}
