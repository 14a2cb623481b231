// The whole-sequence LSTM and GRU kernels (Backend.lstmSequence, gruSequence and their gradients). The fast backend
// runs a sequence in one wasm call in a step scope; it must give the bits of the loop it replaced: per step the fast
// matMul and the fused step kernel, called one at a time (the reference's loop run with the fast backend's kernels),
// forward and backward, on one thread and on two, with the products small (the reference matMul's arithmetic), large
// (the GEMM), large enough for the thread pool (samples and weight columns split between threads, the last share
// short), with a batch above the GEMM's KC block (dU's sum in two blocks), and with recurrent_dropout's masks (one
// per gate, each gate's product on its own: Keras's implementation 1), and with other activations than tanh and σ
// (their pre-activations kept for the derivatives).
// Against the reference backend: within the step kernels' float32 activations and the GEMM's summation.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastBackend, type FastBackend } from '../../../engine/kernels/fast/backend';
import { gruSequence, gruSequenceGrad } from '../../../engine/kernels/gru-cell';
import {
  CELL_ACTIVATIONS,
  type CellActivations,
  lstmSequence,
  lstmSequenceGrad,
} from '../../../engine/kernels/lstm-cell';
import { referenceBackend } from '../../../engine/kernels/reference';
import type { Backend } from '../../../engine/kernels/types';
import { simdVariants, useFastBackend } from './fast-backend';
import { expectClose, maxAbs, randomTensor } from './helpers';

interface SequenceCase {
  batch: number;
  units: number;
  steps: number;
  /** Bias, initial states, return_sequences, gradients of the last states (return_state). */
  bias: boolean;
  initial: boolean;
  sequences: boolean;
  lastGrads: boolean;
  why: string;
  /** recurrent_dropout's masks, one per gate. */
  masked?: boolean;
  /** activation and recurrent_activation, when not tanh and sigmoid. */
  activations?: CellActivations;
}

const CASES: SequenceCase[] = [
  { batch: 1, units: 1, steps: 1, bias: true, initial: false, sequences: false, lastGrads: false, why: 'smallest' },
  { batch: 3, units: 5, steps: 4, bias: true, initial: true, sequences: true, lastGrads: true, why: 'small products' },
  { batch: 3, units: 5, steps: 4, bias: false, initial: false, sequences: false, lastGrads: false, why: 'no bias' },
  { batch: 7, units: 19, steps: 5, bias: true, initial: true, sequences: false, lastGrads: true, why: 'GEMM, tails' },
  { batch: 2, units: 8, steps: 3, bias: true, initial: false, sequences: true, lastGrads: false, why: 'whole lanes' },
  { batch: 34, units: 150, steps: 5, bias: true, initial: true, sequences: true, lastGrads: true, why: 'threaded' },
  {
    batch: 5,
    units: 201,
    steps: 11,
    bias: true,
    initial: true,
    sequences: false,
    lastGrads: true,
    why: 'threaded LSTM, 5 samples',
  },
  { batch: 301, units: 3, steps: 2, bias: true, initial: false, sequences: true, lastGrads: false, why: 'batch > KC' },
  ...[
    {
      batch: 3,
      units: 5,
      steps: 4,
      bias: true,
      initial: true,
      sequences: true,
      lastGrads: true,
      why: 'small products',
    },
    { batch: 7, units: 27, steps: 5, bias: true, initial: true, sequences: false, lastGrads: true, why: 'GEMM, tails' },
    { batch: 34, units: 150, steps: 5, bias: true, initial: false, sequences: true, lastGrads: false, why: 'threaded' },
    {
      batch: 301,
      units: 4,
      steps: 2,
      bias: false,
      initial: false,
      sequences: true,
      lastGrads: false,
      why: 'batch > KC',
    },
  ].map((c) => ({ ...c, masked: true })),
  ...(
    [
      [{ batch: 3, units: 5, steps: 4, why: 'small products' }, 'relu', 'sigmoid'],
      [{ batch: 7, units: 19, steps: 5, why: 'GEMM, tails' }, 'elu', 'hard_sigmoid'],
      [{ batch: 2, units: 8, steps: 3, why: 'whole lanes' }, 'sigmoid', 'tanh'],
      [{ batch: 4, units: 6, steps: 3, why: 'small products' }, 'linear', 'relu6'],
      [{ batch: 5, units: 9, steps: 4, why: 'small products' }, 'leaky_relu', 'hard_silu'],
      [{ batch: 34, units: 150, steps: 5, why: 'threaded', masked: true }, 'gelu', 'softsign'],
    ] as const
  ).map(([c, activation, recurrent]) => ({
    ...{ bias: true, initial: true, sequences: true, lastGrads: true, ...c },
    activations: { activation, recurrent },
  })),
];

const caseName = (c: SequenceCase) =>
  `batch=${c.batch} units=${c.units} steps=${c.steps}${c.bias ? '' : ' no bias'}${c.initial ? ' initial state' : ''}` +
  `${c.sequences ? ' sequences' : ''}${c.lastGrads ? ' last-state grads' : ''}` +
  `${c.masked ? ' recurrent dropout' : ''}` +
  `${c.activations ? ` ${c.activations.activation}/${c.activations.recurrent}` : ''} (${c.why})`;

/** recurrent_dropout's masks at rate 0.3 when the case has them: 0 or 1/0.7 per (sample, unit), one per gate. */
function gateMasks(c: SequenceCase, gates: number, seed: number): Float32Array[] | null {
  if (!c.masked) return null;
  const scale = Math.fround(1 / 0.7);
  return Array.from({ length: gates }, (_, k) =>
    Float32Array.from(randomTensor([c.batch, c.units], seed + 40 + k, 0, 1).data, (v) => (v < 0.3 ? 0 : scale)),
  );
}

/** A case's inputs, gates ±3 wide so that some saturate. */
function lstmInputs(c: SequenceCase, seed: number) {
  const { batch, units, steps } = c;
  const g = 4 * units;
  const r = (shape: number[], k: number, s = 1) => randomTensor(shape, seed + k, -s, s).data;
  return {
    fwd: {
      xw: r([batch * steps, g], 1, 3),
      recurrentKernel: r([units, g], 2, 1.5 / Math.sqrt(units)),
      bias: c.bias ? r([g], 3) : null,
      h0: c.initial ? r([batch, units], 4) : null,
      c0: c.initial ? r([batch, units], 5) : null,
      batch,
      steps,
      units,
      sequences: c.sequences,
      recurrentMasks: gateMasks(c, 4, seed),
      activations: c.activations ?? null,
    },
    dy: r(c.sequences ? [batch, steps, units] : [batch, units], 6),
    dhLast: c.lastGrads ? r([batch, units], 7) : null,
    dcLast: c.lastGrads ? r([batch, units], 8) : null,
  };
}

function gruInputs(c: SequenceCase, seed: number) {
  const { batch, units, steps } = c;
  const g = 3 * units;
  const r = (shape: number[], k: number, s = 1) => randomTensor(shape, seed + k, -s, s).data;
  return {
    fwd: {
      xw: r([batch * steps, g], 1, 3),
      recurrentKernel: r([units, g], 2, 1.5 / Math.sqrt(units)),
      bias: c.bias ? r([2 * g], 3) : null,
      h0: c.initial ? r([batch, units], 4) : null,
      batch,
      steps,
      units,
      sequences: c.sequences,
      recurrentMasks: gateMasks(c, 3, seed),
      activations: c.activations ?? null,
    },
    dy: r(c.sequences ? [batch, steps, units] : [batch, units], 6),
    dhLast: c.lastGrads ? r([batch, units], 7) : null,
  };
}

/** Every array of a result, copied out of wasm memory (valid only in the scope), by name. */
const copied = (r: object): Record<string, Float64Array> =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Float64Array.from(v as Float32Array)]));

/** Forward and backward of a case on `b`; `loop`: the per-step loop with b's own matMul and step kernels. */
function runLstm(b: Backend, c: SequenceCase, loop: boolean) {
  const { fwd, dy, dhLast, dcLast } = lstmInputs(c, 10);
  const matMul = b.matMul.bind(b);
  const out = loop ? lstmSequence(fwd, matMul, (p) => b.lstmCell(p)) : b.lstmSequence(fwd);
  const gradInput = { ...out, ...fwd, dy, dhLast, dcLast };
  const grads = loop ? lstmSequenceGrad(gradInput, matMul, (p) => b.lstmCellGrad(p)) : b.lstmSequenceGrad(gradInput);
  return { ...copied(out), ...copied(grads) };
}

function runGru(b: Backend, c: SequenceCase, loop: boolean) {
  const { fwd, dy, dhLast } = gruInputs(c, 20);
  const matMul = b.matMul.bind(b);
  const out = loop ? gruSequence(fwd, matMul, (p) => b.gruCell(p)) : b.gruSequence(fwd);
  const gradInput = { ...out, ...fwd, dy, dhLast };
  const grads = loop ? gruSequenceGrad(gradInput, matMul, (p) => b.gruCellGrad(p)) : b.gruSequenceGrad(gradInput);
  return { ...copied(out), ...copied(grads) };
}

const KINDS = { lstm: runLstm, gru: runGru };

function sameBits(got: Record<string, Float64Array>, want: Record<string, Float64Array>) {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, w] of Object.entries(want)) {
    const g = got[k];
    expect(g.length, k).toBe(w.length);
    const at = w.findIndex((v, i) => !Object.is(v, g[i]));
    expect(at, `${k}[${at}]: ${g[at]} vs ${w[at]}`).toBe(-1);
  }
}

describe('the reference sequences are the per-step loop of the reference kernels', () => {
  for (const [kind, run] of Object.entries(KINDS))
    for (const c of [...CASES.slice(0, 5), ...CASES.filter((c) => c.masked || c.activations)])
      it(`${kind} ${caseName(c)}`, () => sameBits(run(referenceBackend, c, false), run(referenceBackend, c, true)));
});

for (const variant of simdVariants)
  describe(`the wasm sequences (${variant}, 2 threads) give the bits of the per-step fast kernels`, () => {
    const fast = useFastBackend(variant);
    for (const [kind, run] of Object.entries(KINDS))
      for (const c of CASES)
        it(`${kind} ${caseName(c)}`, () => {
          const b = fast();
          const want = b.stepScope(() => run(b, c, true));
          const posted = b.poolStats.posted;
          const got = b.stepScope(() => run(b, c, false));
          sameBits(got, want);
          if (c.why === 'threaded' || (kind === 'lstm' && c.why.startsWith('threaded LSTM')))
            expect(b.poolStats.posted, 'the products ran on the pool').toBeGreaterThan(posted);
          // Outside a scope: the same loop, run by the backend.
          sameBits(run(b, c, false), run(b, c, true));
        });
  });

describe('the wasm sequences on 1 thread and on 2 give the same bits, near the reference', () => {
  let one: FastBackend | null = null;
  beforeAll(async () => {
    one = await createFastBackend({ binaries: { simd: await readFile('dist/wasm/kernels-simd.wasm') } });
  });
  afterAll(async () => {
    await one?.dispose();
  });
  const two = useFastBackend('plain SIMD');
  for (const [kind, run] of Object.entries(KINDS))
    for (const c of CASES)
      it(`${kind} ${caseName(c)}`, () => {
        const got = one!.stepScope(() => run(one!, c, false));
        sameBits(
          two().stepScope(() => run(two(), c, false)),
          got,
        );
        const want = run(referenceBackend, c, false);
        for (const [k, w] of Object.entries(want)) expectClose(got[k], w, 1e-4, 1e-5 * Math.max(1, maxAbs(w)));
      });
});

describe('every activation the cells take has a wasm code and matches the reference', () => {
  const fast = useFastBackend();
  const c: SequenceCase = {
    batch: 3,
    units: 6,
    steps: 3,
    bias: true,
    initial: true,
    sequences: true,
    lastGrads: true,
    why: 'each name as both activations',
  };
  // exponential as a gate overflows within three steps of these ±3 inputs (e^e^x), where float32's and f64's
  // infinities part ways (0·∞ on one side, a finite product on the other): the activation kernel's tests cover it.
  for (const name of [...CELL_ACTIVATIONS].filter((n) => n !== 'exponential'))
    it(`${name} as activation and recurrent_activation: LSTM and GRU, forward and backward`, () => {
      const activations = { activation: name, recurrent: name };
      for (const [kind, run] of Object.entries(KINDS)) {
        const withActs = { ...c, activations };
        const want = run(referenceBackend, withActs, false);
        const got = fast().stepScope(() => run(fast(), withActs, false));
        for (const [k, w] of Object.entries(want)) {
          const scale = Math.max(1, maxAbs(w));
          const at = w.findIndex((v, i) => !(Math.abs(got[k][i] - v) <= 1e-4 * Math.abs(v) + 1e-5 * scale));
          expect(at, `${kind} ${k}[${at}]: ${got[k][at]} vs ${w[at]}`).toBe(-1);
        }
      }
    });
});
