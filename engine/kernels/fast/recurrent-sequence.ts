/**
 * Whole LSTM and GRU sequences on the fast backend. Inside a step scope one threaded wasm pass runs every step forward
 * (the recurrent product, the step's gates and state), and two backward (the steps' gradients and dz·Uᵀ, then the
 * weight gradients), the per-step values staying in wasm memory for backpropagation: the kernels the layer called once
 * per step, in the same order, so the same bits, without the host round trips between them (a batch-32, 32-unit LSTM
 * made 54 matMul and 32 step calls per training step, most of each call's time spent getting in and out), and
 * without a barrier per step (threads take whole samples' sequences; recurrent.ts). Outside a scope the loop runs
 * here, with the fast matMul and the reference step, as the layer ran them.
 */
import {
  type GruSequenceGradInput,
  type GruSequenceGrads,
  type GruSequenceInput,
  type GruSequenceOutput,
  gruCell,
  gruCellGrad,
  gruSequence,
  gruSequenceGrad,
} from '../gru-cell';
import {
  type LstmSequenceGradInput,
  type LstmSequenceGrads,
  type LstmSequenceInput,
  type LstmSequenceOutput,
  type MatMul,
  lstmCell,
  lstmCellGrad,
  lstmSequence,
  lstmSequenceGrad,
} from '../lstm-cell';
import { matMul as referenceMatMul } from '../matmul';
import { WasmMemoryLimitError } from './arena';
import { cellCodes } from './cell-codes';
import { fastMatMul, SMALL } from './matmul';
import { PARALLEL_FLOPS, runShared, type WasmRuntime } from './runtime';

/** The fast matMul, or the reference one for a product too large for the wasm memory (as the backend's matMul). */
const hostMatMul =
  (rt: WasmRuntime): MatMul =>
  (a, b, ta, tb) => {
    try {
      return fastMatMul(rt, a, b, ta, tb);
    } catch (e) {
      if (e instanceof WasmMemoryLimitError) return referenceMatMul(a, b, ta, tb);
      throw e;
    }
  };

/** The scoped wasm run, or the host loop outside a scope and when the sequence doesn't fit the wasm memory. */
function inScope<P, R>(rt: WasmRuntime, p: P & { steps: number; batch: number }, wasm: () => R, host: () => R): R {
  if (!rt.arena.scoped || p.steps === 0 || p.batch === 0) return host();
  try {
    return wasm();
  } catch (e) {
    if (e instanceof WasmMemoryLimitError) return host();
    throw e;
  }
}

/** How a sequence's passes run: small products (the reference's arithmetic), and threads with their scratch. */
interface Plan {
  small: boolean;
  /** recurrent_dropout's masks in wasm memory (gate-major, (batch, units) each), or 0. */
  masks: number;
  /** Threads of the passes over samples, and samples per claim; of the pass over weight columns, and columns per claim. */
  rowThreads: number;
  rows: number;
  colThreads: number;
  cols: number;
  /**
   * Runs `fn` on `threads` threads: its arguments (written to wasm memory, recurrent.ts's `arg`), and thread t's
   * own (its scratch) after its claim context and them.
   */
  run(fn: string, threads: number, args: number[], own: (t: number) => number[]): void;
  /** GEMM scratch of thread t: its packed-A block and edge tile. */
  gemmScratch(t: number): [number, number];
  /**
   * U (units × gates·units, element (p, j) at p·brs + j·bcs over U's own columns) packed for the products: whole, or
   * gate by gate with masks; 0 for small products, which read U itself.
   */
  packU(u: number, transposed: boolean): number;
  /** Every thread's own `floats` slots. */
  perThread(threads: number, floats: number): number[];
}

/**
 * Every thread for a sequence whose recurrent products come to this many FLOPs (each pass wakes the pool once): on 2
 * cores a batch-32 LSTM(32) of 16 steps (4.2 MFLOP) trained slower on two threads (median 2.1 → 2.5 ms per step),
 * an LSTM(64) (17 MFLOP) ran its passes faster (forward 1.2 → 0.9 ms, backward 1.5 → 1.25 ms).
 */
const PARALLEL_SEQUENCE_FLOPS = 4 * PARALLEL_FLOPS;

/**
 * The passes' threads: every thread from PARALLEL_SEQUENCE_FLOPS (samples split into runs of MR rows, one run per
 * thread, weight columns into runs of NR), else one. gates: U's columns (gates·units). With recurrent_dropout's masks
 * each gate's product is one of the layer's matMuls, so small by its own size.
 */
function plan(
  rt: WasmRuntime,
  batch: number,
  steps: number,
  units: number,
  gates: number,
  masks: readonly Float32Array[] | null | undefined,
): Plan {
  const { arena } = rt;
  const macs = batch * units * gates;
  const small = (masks ? batch * units * units : macs) < SMALL;
  const gateMasks = masks ? arena.alloc(masks.length * batch * units) : 0;
  if (masks) {
    const memory = arena.f32();
    for (const [k, m] of masks.entries()) memory.set(m, (gateMasks >> 2) + k * batch * units);
  }
  const parallel = 2 * macs * steps >= PARALLEL_SEQUENCE_FLOPS ? rt.pool.size : 1;
  const mr = rt.constant('MR'),
    nr = rt.constant('NR');
  const rowThreads = Math.max(1, Math.min(parallel, Math.ceil(batch / mr)));
  const colThreads = Math.max(1, Math.min(parallel, Math.ceil(gates / nr)));
  const perThread = (threads: number, floats: number) => Array.from({ length: threads }, () => arena.alloc(floats));
  const threads = Math.max(rowThreads, colThreads);
  const scratchA = perThread(threads, rt.constant('MC') * rt.constant('KC')),
    edge = perThread(threads, 32);
  const packU = (u: number, transposed: boolean): number => {
    if (small) return 0;
    const [k, n] = transposed ? [gates, units] : [units, gates];
    const [brs, bcs] = transposed ? [1, gates] : [gates, 1];
    if (!masks) return packed(rt, u, brs, bcs, k, n);
    const size = rt.call('packedBSize', units, units);
    const at = arena.alloc(masks.length * size);
    for (let g = 0; g < masks.length; g++) packed(rt, u + g * units * 4, brs, bcs, units, units, at + g * size * 4);
    return at;
  };
  return {
    small,
    masks: gateMasks,
    packU,
    rowThreads,
    rows: Math.ceil(batch / rowThreads / mr) * mr,
    colThreads,
    cols: Math.ceil(gates / colThreads / nr) * nr,
    run(fn, threads, args, own) {
      const block = arena.ints32(args);
      runShared(rt, threads, (t, ctx) => ({ fn, args: [ctx, block, ...own(t)] }));
    },
    gemmScratch: (t) => [scratchA[t], edge[t]],
    perThread,
  };
}

/** B (k×n, element (p, j) at p·brs + j·bcs) packed for the GEMM, at `at` or in new arena space. */
function packed(rt: WasmRuntime, b: number, brs: number, bcs: number, k: number, n: number, at = -1): number {
  const dst = at >= 0 ? at : rt.arena.alloc(rt.call('packedBSize', k, n));
  rt.call('packBFull', dst, b, brs, bcs, k, n);
  return dst;
}

/** data's address, or zeros' for null. */
const orZeros = (rt: WasmRuntime, data: Float32Array | null, floats: number) =>
  data ? rt.arena.copyIn(data) : rt.arena.zeros(floats);

/**
 * The weight gradients' pass: dU and the bias's column sums from every step's dz (step t's row b at t·zStep + b·zRow),
 * and a second bias half from bias2's rows when given (GRU).
 */
function weightGrads(
  rt: WasmRuntime,
  pl: Plan,
  p: { batch: number; steps: number; units: number },
  gates: number,
  hs: number,
  h0: number,
  dz: [number, number, number],
  bias1: [number, number, number, number],
  bias2: [number, number, number, number],
  dU: number,
): void {
  const { batch, steps, units } = p;
  const dw = pl.perThread(pl.colThreads, units * pl.cols);
  const packs = pl.small ? [] : pl.perThread(pl.colThreads, rt.call('packedBSize', batch, pl.cols));
  const hm = pl.masks ? pl.perThread(pl.colThreads, batch * units) : [];
  pl.run(
    'recurrentWeightGrads',
    pl.colThreads,
    [pl.cols, hs, h0, ...dz, ...bias1, ...bias2, dU, +pl.small, batch, steps, units, gates, pl.masks],
    (t) => [dw[t], packs[t] ?? 0, ...pl.gemmScratch(t), hm[t] ?? 0],
  );
}

export function fastLstmSequence(rt: WasmRuntime, p: LstmSequenceInput): LstmSequenceOutput {
  const host = () => lstmSequence(p, hostMatMul(rt), lstmCell);
  return inScope(rt, p, () => wasmLstmSequence(rt, p), host);
}

function wasmLstmSequence(rt: WasmRuntime, p: LstmSequenceInput): LstmSequenceOutput {
  const { arena } = rt;
  const { batch, steps, units, sequences } = p;
  const g = 4 * units,
    n = batch * units;
  arena.reset();
  const a = arena.output(steps * batch * g),
    hs = arena.output(steps * n),
    cs = arena.output(steps * n),
    acs = arena.output(steps * n),
    y = arena.output(sequences ? steps * n : n);
  const xw = arena.copyIn(p.xw),
    u = arena.copyIn(p.recurrentKernel),
    bias = p.bias ? arena.copyIn(p.bias) : 0,
    h0 = orZeros(rt, p.h0, n),
    c0 = orZeros(rt, p.c0, n);
  const pl = plan(rt, batch, steps, units, g, p.recurrentMasks);
  const packedU = pl.packU(u, false);
  const hu = pl.perThread(pl.rowThreads, pl.rows * g),
    hm = pl.perThread(pl.rowThreads, pl.masks ? pl.rows * units : 0);
  // Other activations: their codes, and every step's pre-activations kept for the backward.
  const codes = cellCodes(rt, p.activations);
  const zs = codes ? arena.output(steps * batch * g) : 0;
  pl.run(
    'lstmForward',
    pl.rowThreads,
    [
      ...[pl.rows, xw, u, packedU, +pl.small, bias, h0, c0, a, hs, cs, acs, y, +sequences, batch, steps, units],
      ...[pl.masks, ...(codes ?? [0, 0]), zs],
    ],
    (t) => [hu[t], ...pl.gemmScratch(t), hm[t]],
  );
  const last = (steps - 1) * n * 4;
  return {
    ...(codes && { zs: arena.result(zs, steps * batch * g) }),
    y: arena.result(y, sequences ? steps * n : n),
    h: arena.result(hs + last, n),
    c: arena.result(cs + last, n),
    a: arena.result(a, steps * batch * g),
    hs: arena.result(hs, steps * n),
    cs: arena.result(cs, steps * n),
    acs: arena.result(acs, steps * n),
  };
}

export function fastLstmSequenceGrad(rt: WasmRuntime, p: LstmSequenceGradInput): LstmSequenceGrads {
  const host = () => lstmSequenceGrad(p, hostMatMul(rt), lstmCellGrad);
  return inScope(rt, p, () => wasmLstmSequenceGrad(rt, p), host);
}

function wasmLstmSequenceGrad(rt: WasmRuntime, p: LstmSequenceGradInput): LstmSequenceGrads {
  const { arena } = rt;
  const { batch, steps, units, sequences } = p;
  const g = 4 * units,
    n = batch * units;
  arena.reset();
  const dZ = arena.output(steps * batch * g),
    dU = arena.output(units * g),
    dBias = arena.output(g),
    dhNext = arena.output(n),
    dcNext = arena.output(n);
  const dhLast = p.dhLast ? arena.copyIn(p.dhLast) : 0,
    dcLast = p.dcLast ? arena.copyIn(p.dcLast) : 0;
  const dy = arena.copyIn(p.dy),
    u = arena.copyIn(p.recurrentKernel),
    a = arena.copyIn(p.a),
    hs = arena.copyIn(p.hs),
    cs = arena.copyIn(p.cs),
    acs = arena.copyIn(p.acs),
    h0 = orZeros(rt, p.h0, n),
    c0 = orZeros(rt, p.c0, n);
  const pl = plan(rt, batch, steps, units, g, p.recurrentMasks);
  const codes = cellCodes(rt, p.activations);
  const zs = codes ? arena.copyIn(p.zs!) : 0;
  // Uᵀ: element (p, j) at j·g + p.
  const packedUT = pl.packU(u, true);
  const dht = pl.perThread(pl.rowThreads, pl.rows * units),
    dz = pl.perThread(pl.rowThreads, pl.rows * g),
    tmp = pl.perThread(pl.rowThreads, pl.masks ? pl.rows * units : 0);
  pl.run(
    'lstmBackward',
    pl.rowThreads,
    [
      pl.rows,
      dy,
      +sequences,
      u,
      packedUT,
      +pl.small,
      c0,
      a,
      cs,
      acs,
      dhNext,
      dcNext,
      dZ,
      batch,
      steps,
      units,
      dhLast,
      dcLast,
      pl.masks,
      ...(codes ?? [0, 0]),
      zs,
    ],
    (t) => [dht[t], dz[t], ...pl.gemmScratch(t), tmp[t]],
  );
  // dZ holds (batch, steps, gates): step t's row b at t·g + b·steps·g.
  const dzs: [number, number, number] = [dZ, g, steps * g];
  weightGrads(rt, pl, p, g, hs, h0, dzs, [...dzs, dBias], [0, 0, 0, 0], dU);
  return {
    dz: arena.result(dZ, steps * batch * g),
    dRecurrentKernel: arena.result(dU, units * g),
    dBias: arena.result(dBias, g),
    dh0: arena.result(dhNext, n),
    dc0: arena.result(dcNext, n),
  };
}

export function fastGruSequence(rt: WasmRuntime, p: GruSequenceInput): GruSequenceOutput {
  const host = () => gruSequence(p, hostMatMul(rt), gruCell);
  return inScope(rt, p, () => wasmGruSequence(rt, p), host);
}

function wasmGruSequence(rt: WasmRuntime, p: GruSequenceInput): GruSequenceOutput {
  const { arena } = rt;
  const { batch, steps, units, sequences } = p;
  const g = 3 * units,
    n = batch * units;
  arena.reset();
  const a = arena.output(steps * batch * g),
    hhs = arena.output(steps * n),
    hs = arena.output(steps * n),
    y = arena.output(sequences ? steps * n : n);
  const xw = arena.copyIn(p.xw),
    u = arena.copyIn(p.recurrentKernel),
    bias = p.bias ? arena.copyIn(p.bias) : 0,
    h0 = orZeros(rt, p.h0, n);
  const pl = plan(rt, batch, steps, units, g, p.recurrentMasks);
  const packedU = pl.packU(u, false);
  const hu = pl.perThread(pl.rowThreads, pl.rows * g),
    hm = pl.perThread(pl.rowThreads, pl.masks ? pl.rows * units : 0);
  const codes = cellCodes(rt, p.activations);
  const zs = codes ? arena.output(steps * batch * g) : 0;
  pl.run(
    'gruForward',
    pl.rowThreads,
    [
      ...[pl.rows, xw, u, packedU, +pl.small, bias, h0, a, hhs, hs, y, +sequences, batch, steps, units, pl.masks],
      ...[...(codes ?? [0, 0]), zs],
    ],
    (t) => [hu[t], ...pl.gemmScratch(t), hm[t]],
  );
  return {
    ...(codes && { zs: arena.result(zs, steps * batch * g) }),
    y: arena.result(y, sequences ? steps * n : n),
    h: arena.result(hs + (steps - 1) * n * 4, n),
    a: arena.result(a, steps * batch * g),
    hhs: arena.result(hhs, steps * n),
    hs: arena.result(hs, steps * n),
  };
}

export function fastGruSequenceGrad(rt: WasmRuntime, p: GruSequenceGradInput): GruSequenceGrads {
  const host = () => gruSequenceGrad(p, hostMatMul(rt), gruCellGrad);
  return inScope(rt, p, () => wasmGruSequenceGrad(rt, p), host);
}

function wasmGruSequenceGrad(rt: WasmRuntime, p: GruSequenceGradInput): GruSequenceGrads {
  const { arena } = rt;
  const { batch, steps, units, sequences } = p;
  const g = 3 * units,
    n = batch * units;
  arena.reset();
  const dX = arena.output(steps * batch * g),
    dU = arena.output(units * g),
    dBias = arena.output(2 * g),
    dh0 = arena.output(n);
  const dy = arena.copyIn(p.dy),
    u = arena.copyIn(p.recurrentKernel),
    a = arena.copyIn(p.a),
    hhs = arena.copyIn(p.hhs),
    hs = arena.copyIn(p.hs),
    h0 = orZeros(rt, p.h0, n);
  const dhLast = p.dhLast ? arena.copyIn(p.dhLast) : 0,
    dhNext = arena.alloc(n);
  // Every step's du, step-major, for the weight gradients.
  const dUs = arena.alloc(steps * batch * g);
  const pl = plan(rt, batch, steps, units, g, p.recurrentMasks);
  const codes = cellCodes(rt, p.activations);
  const zs = codes ? arena.copyIn(p.zs!) : 0;
  const packedUT = pl.packU(u, true);
  const dh = pl.perThread(pl.rowThreads, pl.rows * units),
    dhts = pl.perThread(pl.rowThreads, 2 * pl.rows * units),
    dx = pl.perThread(pl.rowThreads, pl.rows * g),
    tmp = pl.perThread(pl.rowThreads, pl.masks ? pl.rows * units : 0);
  pl.run(
    'gruBackward',
    pl.rowThreads,
    [
      pl.rows,
      dy,
      +sequences,
      u,
      packedUT,
      +pl.small,
      h0,
      a,
      hhs,
      hs,
      dhNext,
      dX,
      dUs,
      dh0,
      batch,
      steps,
      units,
      dhLast,
      pl.masks,
      ...(codes ?? [0, 0]),
      zs,
    ],
    (t) => [dh[t], dhts[t], dx[t], ...pl.gemmScratch(t), tmp[t]],
  );
  // b_x's half from dX (batch, steps, gates), b_h's and dU from dUs (steps, batch, gates).
  const us: [number, number, number] = [dUs, batch * g, g];
  weightGrads(rt, pl, p, g, hs, h0, us, [dX, g, steps * g, dBias], [...us, dBias + g * 4], dU);
  return {
    dx: arena.result(dX, steps * batch * g),
    dRecurrentKernel: arena.result(dU, units * g),
    dBias: arena.result(dBias, 2 * g),
    dh0: arena.result(dh0, n),
  };
}
