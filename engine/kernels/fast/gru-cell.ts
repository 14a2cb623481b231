import {
  gruCell as referenceGruCell,
  gruCellGrad as referenceGruCellGrad,
  type GruCellGradInput,
  type GruCellGrads,
  type GruCellInput,
  type GruCellOutput,
} from '../gru-cell';
import { cellCodes } from './cell-codes';
import type { WasmRuntime } from './runtime';

/**
 * The GRU step in wasm inside a training step's scope, as fastLstmCell (lstm-cell.ts): its operands are earlier
 * kernels' results already in wasm memory and its results stay there; outside a scope the reference runs.
 */
export function fastGruCell(rt: WasmRuntime, p: GruCellInput): GruCellOutput {
  const { arena } = rt;
  if (!arena.scoped) return referenceGruCell(p);
  const n = p.batch * p.units;
  arena.reset();
  const a = arena.output(3 * n),
    hh = arena.output(n),
    h = arena.output(n);
  const xw = arena.copyIn(p.xw),
    hu = arena.copyIn(p.hu),
    bias = p.bias ? arena.copyIn(p.bias) : 0,
    hPrev = arena.copyIn(p.hPrev);
  const codes = cellCodes(rt, p.activations);
  const z = codes ? arena.output(3 * n) : 0;
  if (codes) rt.call('gruCellAct', xw, p.t, p.steps, hu, bias, hPrev, a, hh, h, p.batch, p.units, ...codes, z);
  else rt.call('gruCell', xw, p.t, p.steps, hu, bias, hPrev, a, hh, h, p.batch, p.units);
  const out = { a: arena.result(a, 3 * n), hh: arena.result(hh, n), h: arena.result(h, n) };
  return codes ? { ...out, z: arena.result(z, 3 * n) } : out;
}

export function fastGruCellGrad(rt: WasmRuntime, p: GruCellGradInput): GruCellGrads {
  const { arena } = rt;
  if (!arena.scoped) return referenceGruCellGrad(p);
  const n = p.batch * p.units;
  arena.reset();
  const dx = arena.output(3 * n),
    du = arena.output(3 * n),
    dht = arena.output(n);
  const dh = arena.copyIn(p.dh),
    dhNext = arena.copyIn(p.dhNext),
    carryDht = p.carry ? arena.copyIn(p.carry.dht) : 0,
    carryA = p.carry ? arena.copyIn(p.carry.a) : 0,
    a = arena.copyIn(p.a),
    hh = arena.copyIn(p.hh),
    hPrev = arena.copyIn(p.hPrev);
  const codes = cellCodes(rt, p.activations);
  if (codes) {
    const z = arena.copyIn(p.z!);
    rt.call('gruCellGradAct', dh, dhNext, carryDht, carryA, a, hh, hPrev, z, dx, du, dht, p.batch, p.units, ...codes);
  } else rt.call('gruCellGrad', dh, dhNext, carryDht, carryA, a, hh, hPrev, dx, du, dht, p.batch, p.units);
  return { dx: arena.result(dx, 3 * n), du: arena.result(du, 3 * n), dht: arena.result(dht, n) };
}
