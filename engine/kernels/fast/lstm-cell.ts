import {
  lstmCell as referenceLstmCell,
  lstmCellGrad as referenceLstmCellGrad,
  type LstmCellGradInput,
  type LstmCellGrads,
  type LstmCellInput,
  type LstmCellOutput,
} from '../lstm-cell';
import { cellCodes } from './cell-codes';
import type { WasmRuntime } from './runtime';

/**
 * The LSTM step in wasm inside a training step's scope, where its operands (x·kernel of the whole sequence,
 * h·recurrent_kernel, the previous step's c) are earlier kernels' results already in wasm memory and its own
 * results stay there for the next step and for backpropagation: no copies but the bias. Outside a scope each call
 * would copy the whole sequence's x·kernel in, so the reference runs there.
 */
export function fastLstmCell(rt: WasmRuntime, p: LstmCellInput): LstmCellOutput {
  const { arena } = rt;
  if (!arena.scoped) return referenceLstmCell(p);
  const n = p.batch * p.units;
  arena.reset();
  const a = arena.output(4 * n),
    c = arena.output(n),
    ac = arena.output(n),
    h = arena.output(n);
  const xw = arena.copyIn(p.xw),
    hu = arena.copyIn(p.hu),
    bias = p.bias ? arena.copyIn(p.bias) : 0,
    cPrev = arena.copyIn(p.cPrev);
  const codes = cellCodes(rt, p.activations);
  const z = codes ? arena.output(4 * n) : 0;
  if (codes) rt.call('lstmCellAct', xw, p.t, p.steps, hu, bias, cPrev, a, c, ac, h, p.batch, p.units, ...codes, z);
  else rt.call('lstmCell', xw, p.t, p.steps, hu, bias, cPrev, a, c, ac, h, p.batch, p.units);
  const out = { a: arena.result(a, 4 * n), c: arena.result(c, n), ac: arena.result(ac, n), h: arena.result(h, n) };
  return codes ? { ...out, z: arena.result(z, 4 * n) } : out;
}

export function fastLstmCellGrad(rt: WasmRuntime, p: LstmCellGradInput): LstmCellGrads {
  const { arena } = rt;
  if (!arena.scoped) return referenceLstmCellGrad(p);
  const n = p.batch * p.units;
  arena.reset();
  const dz = arena.output(4 * n),
    dcPrev = arena.output(n);
  const dh = arena.copyIn(p.dh),
    dhNext = arena.copyIn(p.dhNext),
    dcNext = arena.copyIn(p.dcNext),
    a = arena.copyIn(p.a),
    ac = arena.copyIn(p.ac),
    cPrev = arena.copyIn(p.cPrev);
  const codes = cellCodes(rt, p.activations);
  if (codes) {
    const z = arena.copyIn(p.z!),
      c = arena.copyIn(p.c!);
    rt.call('lstmCellGradAct', dh, dhNext, dcNext, a, ac, cPrev, z, c, dz, dcPrev, p.batch, p.units, ...codes);
  } else rt.call('lstmCellGrad', dh, dhNext, dcNext, a, ac, cPrev, dz, dcPrev, p.batch, p.units);
  return { dz: arena.result(dz, 4 * n), dcPrev: arena.result(dcPrev, n) };
}
