// The fused GRU step (engine/kernels/gru-cell.ts, reset_after) against the step it replaces, written out here with
// the generic kernels as the layer computed it before: bit for bit, forward and backward. Then the wasm kernel
// against the reference inside a training step's scope, on one thread and on two: within a few float32 ulps
// forward, where its sigmoid and tanh are float32 polynomials, and bit for bit backward. Odd shapes: batch 3, units
// 5, 4 steps, t = 2; batch 1, units 1, 1 step; with and without a bias; and batch 2, units 8 (whole SIMD lanes).
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../engine/core/tensor';
import { activation, activationGrad } from '../../../engine/kernels/activations';
import { type GruCellGradInput, type GruCellInput, gruCell, gruCellGrad } from '../../../engine/kernels/gru-cell';
import { referenceBackend } from '../../../engine/kernels/reference';
import { randomTensor } from './helpers';
import { CELL_CASES, type CellCase, caseName, MAX_ULPS, offFromReference, onEveryFastBackend } from './recurrent-cases';

function inputs(c: CellCase, seed: number): { fwd: GruCellInput; grad: GruCellGradInput } {
  const { batch, units, steps, t } = c;
  const g = 3 * units;
  const r = (shape: number[], k: number) => randomTensor(shape, seed + k, -3, 3).data;
  const fwd: GruCellInput = {
    xw: r([batch * steps, g], 1),
    t,
    steps,
    hu: r([batch, g], 2),
    bias: c.bias ? r([2 * g], 3) : null,
    hPrev: r([batch, units], 4),
    batch,
    units,
  };
  const out = gruCell(fwd);
  const grad: GruCellGradInput = {
    dh: r([batch, units], 5),
    dhNext: r([batch, units], 6),
    // A later step's dht and gates, where there is a later step.
    carry: t < steps - 1 ? { dht: r([batch, units], 7), a: r([batch, g], 8).map((v) => (v + 3) / 6) } : null,
    a: out.a,
    hh: out.hh,
    hPrev: fwd.hPrev,
    batch,
    units,
  };
  return { fwd, grad };
}

const mat = (rows: number, cols: number, data: Float32Array = new Float32Array(rows * cols)): Tensor => ({
  shape: [rows, cols],
  data,
});
const part = (m: Float32Array, rows: number, width: number, from: number, w: number) =>
  Float32Array.from({ length: rows * w }, (_, i) => m[Math.floor(i / w) * width + from + (i % w)]);
const sideBySide = (parts: Float32Array[], batch: number, units: number) => {
  const out = new Float32Array(batch * parts.length * units);
  for (let b = 0; b < batch; b++)
    parts.forEach((p, k) => out.set(p.subarray(b * units, (b + 1) * units), (b * parts.length + k) * units));
  return out;
};

/** The step as the GRU layer computed it with the generic kernels. */
function unfused(p: GruCellInput) {
  const { batch, units, steps, t } = p;
  const g = 3 * units;
  const xt = Float32Array.from({ length: batch * g }, (_, i) => {
    const b = Math.floor(i / g);
    return p.xw[(b * steps + t) * g + (i % g)];
  });
  const hu = Float32Array.from(p.hu);
  if (p.bias) {
    // As the layer does: the input bias onto x·kernel, the recurrent one onto h·recurrent_kernel.
    for (let i = 0; i < xt.length; i++) xt[i] += p.bias[i % g];
    for (let i = 0; i < hu.length; i++) hu[i] += p.bias[g + (i % g)];
  }
  const zz = part(xt, batch, g, 0, units);
  part(hu, batch, g, 0, units).forEach((v, i) => (zz[i] += v));
  const zr = part(xt, batch, g, units, units);
  part(hu, batch, g, units, units).forEach((v, i) => (zr[i] += v));
  const z = activation(mat(batch, units, zz), 'sigmoid');
  const r = activation(mat(batch, units, zr), 'sigmoid');
  const hh = part(hu, batch, g, 2 * units, units);
  const zc = part(xt, batch, g, 2 * units, units);
  for (let i = 0; i < zc.length; i++) zc[i] += r.data[i] * hh[i];
  const cand = activation(mat(batch, units, zc), 'tanh');
  const h = new Float32Array(batch * units);
  for (let i = 0; i < h.length; i++) h[i] = z.data[i] * p.hPrev[i] + (1 - z.data[i]) * cand.data[i];
  return { zz, z, zr, r, hh, zc, cand, h };
}

function unfusedGrad(p: GruCellGradInput, f: ReturnType<typeof unfused>) {
  const { batch, units } = p;
  // The layer's unfused loop: dh_next = h·recurrent_kernel's part + the later step's dht·z, stored; then + dh.
  const dhNext = Float32Array.from(p.dhNext);
  const carry = p.carry;
  if (carry)
    for (let i = 0; i < dhNext.length; i++)
      dhNext[i] += carry.dht[i] * carry.a[Math.floor(i / units) * 3 * units + (i % units)];
  const dht = Float32Array.from(p.dh);
  for (let i = 0; i < dht.length; i++) dht[i] += dhNext[i];
  const n = dht.length;
  const dzA = new Float32Array(n),
    dcand = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    dzA[i] = dht[i] * (p.hPrev[i] - f.cand.data[i]);
    dcand[i] = dht[i] * (1 - f.z.data[i]);
  }
  const dzc = activationGrad(mat(batch, units, dcand), mat(batch, units, f.zc), f.cand, 'tanh').data;
  const dhh = new Float32Array(n),
    drA = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    dhh[i] = dzc[i] * f.r.data[i];
    drA[i] = dzc[i] * f.hh[i];
  }
  const dzz = activationGrad(mat(batch, units, dzA), mat(batch, units, f.zz), f.z, 'sigmoid').data;
  const dzr = activationGrad(mat(batch, units, drA), mat(batch, units, f.zr), f.r, 'sigmoid').data;
  return { dx: sideBySide([dzz, dzr, dzc], batch, units), du: sideBySide([dzz, dzr, dhh], batch, units), dht };
}

describe('gruCell (reference) equals the unfused step bit for bit', () => {
  for (const c of CELL_CASES)
    it(caseName(c), () => {
      const { fwd, grad } = inputs(c, 10);
      const want = unfused(fwd);
      const got = gruCell(fwd);
      expect(got.a).toEqual(sideBySide([want.z.data, want.r.data, want.cand.data], c.batch, c.units));
      expect(got.hh).toEqual(want.hh);
      expect(got.h).toEqual(want.h);
      const wantGrad = unfusedGrad(grad, want);
      const gotGrad = gruCellGrad(grad);
      expect(gotGrad.dx).toEqual(wantGrad.dx);
      expect(gotGrad.du).toEqual(wantGrad.du);
      expect(gotGrad.dht).toEqual(wantGrad.dht);
    });
});

onEveryFastBackend(
  'gruCell',
  (fast, c) => {
    const { fwd, grad } = inputs(c, 40);
    // The inputs, and far outside them: z up to ±130, where e^z over- or underflows float32 and the gates saturate.
    // Results are views into wasm memory, valid inside the scope: compared there.
    const far = { ...fwd, xw: fwd.xw.map((v) => v * 40) };
    for (const input of [fwd, far]) {
      const want = referenceBackend.gruCell(input);
      const got = fast.gruCell(input);
      expect(Array.from(got.hh), 'hh').toEqual(Array.from(want.hh));
      for (const k of ['a', 'h'] as const) expect(offFromReference(got[k], want[k]), k).toEqual([]);
    }
    // The backward has no exp: the reference's arithmetic exactly.
    const wantGrad = referenceBackend.gruCellGrad(grad);
    const gotGrad = fast.gruCellGrad(grad);
    for (const k of ['dx', 'du', 'dht'] as const) expect(Array.from(gotGrad[k]), k).toEqual(Array.from(wantGrad[k]));
  },
  `within ${MAX_ULPS} float32 ulps (or 2^-22) forward, bit for bit backward`,
);
