// The fused LSTM step (engine/kernels/lstm-cell.ts) against the step it replaces, written out here with the
// generic kernels as the layer computed it before (columns of z, sigmoid/tanh activations and their gradients,
// products stored in float32): bit for bit, forward and backward. Then the wasm kernel against the reference, inside
// a training step's scope (where the backend runs it), on one thread and on two: within a few float32 ulps forward,
// where its sigmoid and tanh are float32 polynomials, and bit for bit backward. Shapes are odd on
// purpose: batch 3, units 5, 4 steps, t = 2; and batch 1, units 1, 1 step; with and without a bias.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../engine/core/tensor';
import { activation, activationGrad } from '../../../engine/kernels/activations';
import { type LstmCellGradInput, type LstmCellInput, lstmCell, lstmCellGrad } from '../../../engine/kernels/lstm-cell';
import { referenceBackend } from '../../../engine/kernels/reference';
import { randomTensor } from './helpers';
import { CELL_CASES, type CellCase, caseName, MAX_ULPS, offFromReference, onEveryFastBackend } from './recurrent-cases';

function inputs(c: CellCase, seed: number): { fwd: LstmCellInput; grad: LstmCellGradInput } {
  const { batch, units, steps, t } = c;
  const g = 4 * units;
  // Wide enough (±3) that the gates saturate on some values and not on others.
  const r = (shape: number[], k: number) => randomTensor(shape, seed + k, -3, 3).data;
  const fwd: LstmCellInput = {
    xw: r([batch * steps, g], 1),
    t,
    steps,
    hu: r([batch, g], 2),
    bias: c.bias ? r([g], 3) : null,
    cPrev: r([batch, units], 4),
    batch,
    units,
  };
  const out = lstmCell(fwd);
  const grad: LstmCellGradInput = {
    dh: r([batch, units], 5),
    dhNext: r([batch, units], 6),
    dcNext: r([batch, units], 7),
    a: out.a,
    ac: out.ac,
    cPrev: fwd.cPrev,
    batch,
    units,
  };
  return { fwd, grad };
}

const mat = (rows: number, cols: number, data: Float32Array = new Float32Array(rows * cols)): Tensor => ({
  shape: [rows, cols],
  data,
});
const mul = (a: Float32Array, b: Float32Array) => a.map((v, i) => v * b[i]);
const cols = (m: Float32Array, rows: number, width: number, from: number, w: number) =>
  Float32Array.from({ length: rows * w }, (_, i) => m[Math.floor(i / w) * width + from + (i % w)]);

/** The step as the LSTM layer computed it with the generic kernels. */
function unfused(p: LstmCellInput) {
  const { batch, units, steps, t } = p;
  const g = 4 * units;
  const z = new Float32Array(batch * g);
  for (let b = 0; b < batch; b++)
    for (let k = 0; k < g; k++) {
      z[b * g + k] = p.xw[(b * steps + t) * g + k];
      z[b * g + k] += p.hu[b * g + k];
      if (p.bias) z[b * g + k] += p.bias[k];
    }
  const zs = [0, 1, 2, 3].map((k) => mat(batch, units, cols(z, batch, g, k * units, units)));
  const a = zs.map((zk, k) => activation(zk, k === 2 ? 'tanh' : 'sigmoid'));
  const c = new Float32Array(batch * units);
  for (let i = 0; i < c.length; i++) c[i] = a[1].data[i] * p.cPrev[i] + a[0].data[i] * a[2].data[i];
  const ac = activation(mat(batch, units, c), 'tanh');
  return { zs, a, c, ac: ac.data, h: mul(a[3].data, ac.data) };
}

function unfusedGrad(p: LstmCellGradInput, f: ReturnType<typeof unfused>) {
  const { batch, units } = p;
  const dht = Float32Array.from(p.dh);
  for (let i = 0; i < dht.length; i++) dht[i] += p.dhNext[i];
  const dac = mul(dht, f.a[3].data);
  const dc = activationGrad(mat(batch, units, dac), mat(batch, units, f.c), mat(batch, units, f.ac), 'tanh').data;
  for (let i = 0; i < dc.length; i++) dc[i] += p.dcNext[i];
  const da = [mul(dc, f.a[2].data), mul(dc, p.cPrev), mul(dc, f.a[0].data), mul(dht, f.ac)];
  const dzs = da.map(
    (d, k) => activationGrad(mat(batch, units, d), f.zs[k], f.a[k], k === 2 ? 'tanh' : 'sigmoid').data,
  );
  const dz = new Float32Array(batch * 4 * units);
  for (let b = 0; b < batch; b++)
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < units; j++) dz[b * 4 * units + k * units + j] = dzs[k][b * units + j];
  return { dz, dcPrev: mul(dc, f.a[1].data) };
}

const interleave = (parts: Tensor[], batch: number, units: number) => {
  const out = new Float32Array(batch * 4 * units);
  for (let b = 0; b < batch; b++)
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < units; j++) out[b * 4 * units + k * units + j] = parts[k].data[b * units + j];
  return out;
};

describe('lstmCell (reference) equals the unfused step bit for bit', () => {
  for (const c of CELL_CASES)
    it(caseName(c), () => {
      const { fwd, grad } = inputs(c, 10);
      const want = unfused(fwd);
      const got = lstmCell(fwd);
      expect(got.a).toEqual(interleave(want.a, c.batch, c.units));
      expect(got.c).toEqual(want.c);
      expect(got.ac).toEqual(want.ac);
      expect(got.h).toEqual(want.h);
      const wantGrad = unfusedGrad(grad, want);
      const gotGrad = lstmCellGrad(grad);
      expect(gotGrad.dz).toEqual(wantGrad.dz);
      expect(gotGrad.dcPrev).toEqual(wantGrad.dcPrev);
    });
});

onEveryFastBackend(
  'lstmCell',
  (fast, c) => {
    const { fwd, grad } = inputs(c, 40);
    // The inputs, and far outside them: z up to ±130, where e^z over- or underflows float32 and the gates saturate.
    // Results are views into wasm memory, valid inside the scope: compared there.
    const far = { ...fwd, xw: fwd.xw.map((v) => v * 40) };
    for (const input of [fwd, far]) {
      const want = referenceBackend.lstmCell(input);
      const got = fast.lstmCell(input);
      for (const k of ['a', 'c', 'ac', 'h'] as const) {
        const off = offFromReference(got[k], want[k]);
        expect(off, k).toEqual([]);
      }
    }
    // The backward has no exp: the reference's arithmetic exactly.
    const wantGrad = referenceBackend.lstmCellGrad(grad);
    const gotGrad = fast.lstmCellGrad(grad);
    expect(Array.from(gotGrad.dz)).toEqual(Array.from(wantGrad.dz));
    expect(Array.from(gotGrad.dcPrev)).toEqual(Array.from(wantGrad.dcPrev));
  },
  `within ${MAX_ULPS} float32 ulps (or 2^-22) forward, bit for bit backward`,
);
