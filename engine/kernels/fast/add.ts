import { tensor, type Tensor } from '../../core/tensor';
import { add as referenceAdd, addGrad as referenceAddGrad } from '../add';
import { concat as referenceConcat, concatGrad as referenceConcatGrad } from '../concat';
import { dropout as referenceDropout, dropoutGrad as referenceDropoutGrad } from '../dropout';
import {
  type MergeOp,
  merge as referenceMerge,
  mergeGrad as referenceMergeGrad,
  scaleChannels as referenceScaleChannels,
  scaleChannelsGrad as referenceScaleChannelsGrad,
} from '../merge';
import { type BinaryOpConstant, PARALLEL_FLOATS, runRows, runShared, type WasmRuntime, worthWasm } from './runtime';

/**
 * The flat passes of Add, Concatenate and Dropout in wasm (engine/kernels/wasm/add.ts, dropout.ts), threaded in a
 * step. In JavaScript, on 32×28×28×128, Add took 64 ms (a Float32Array.map), its gradient's two copies 9 ms,
 * Dropout 83 ms and its gradient 161 ms, Concatenate and its gradient 13–14 ms, all on the caller's thread.
 */

/** Below this many values the copies into wasm memory cost more than the pass saves. */
const SMALL = 4096;

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** a op b of one shape into a result slot. */
function flat(rt: WasmRuntime, a: Float32Array, b: Float32Array, op: BinaryOpConstant): Float32Array {
  const n = a.length;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const pa = arena.copyIn(a),
    pb = arena.copyIn(b);
  const code = rt.constant(op);
  runRows(rt, n, 'binaryRows', (ctx) => [pa, pb, out, n, code, ctx]);
  return arena.result(out, n);
}

const MERGE_OP: Record<MergeOp, BinaryOpConstant> = {
  subtract: 'OP_SUB',
  multiply: 'OP_MUL',
  average: 'OP_AVG',
  maximum: 'OP_MAX',
  minimum: 'OP_MIN',
};

const fits = (a: Tensor, b: Tensor) => sameShape(a.shape, b.shape) && a.data.length === b.data.length;

export function fastMerge(rt: WasmRuntime, op: MergeOp, a: Tensor, b: Tensor): Tensor {
  if (!fits(a, b) || !worthWasm(rt, a.data, SMALL)) return referenceMerge(op, a, b);
  return tensor([...a.shape], flat(rt, a.data, b.data, MERGE_OP[op]));
}

export function fastMergeGrad(rt: WasmRuntime, op: MergeOp, dy: Tensor, a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (!fits(a, b) || dy.data.length !== a.data.length || !worthWasm(rt, a.data, SMALL))
    return referenceMergeGrad(op, dy, a, b);
  const n = a.data.length;
  const { arena } = rt;
  arena.reset();
  const da = arena.output(n),
    db = arena.output(n);
  const pdy = arena.copyIn(dy.data),
    pa = arena.copyIn(a.data),
    pb = arena.copyIn(b.data);
  const code = rt.constant(MERGE_OP[op]);
  runRows(rt, n, 'mergeGradRows', (ctx) => [pdy, pa, pb, da, db, n, code, ctx]);
  return [tensor([...a.shape], arena.result(da, n)), tensor([...b.shape], arena.result(db, n))];
}

/** `copies` fresh copies of src (Add's gradient hands dy to both operands), each its own result slot. */
function copies(rt: WasmRuntime, src: Float32Array, count: number): Float32Array[] {
  const n = src.length;
  const { arena } = rt;
  arena.reset();
  const outs = Array.from({ length: count }, () => arena.output(n));
  const ps = arena.copyIn(src);
  for (const out of outs) runRows(rt, n, 'copyRuns', (ctx) => [ps, n, out, n, n, 1, ctx]);
  return outs.map((out) => arena.result(out, n));
}

export function fastAdd(rt: WasmRuntime, a: Tensor, b: Tensor): Tensor {
  if (!sameShape(a.shape, b.shape) || !worthWasm(rt, a.data, SMALL)) return referenceAdd(a, b);
  return tensor([...a.shape], flat(rt, a.data, b.data, 'OP_ADD'));
}

export function fastAddGrad(
  rt: WasmRuntime,
  dy: Tensor,
  aShape: readonly number[],
  bShape: readonly number[],
): [Tensor, Tensor] {
  if (!sameShape(aShape, dy.shape) || !sameShape(bShape, dy.shape) || !worthWasm(rt, dy.data, SMALL))
    return referenceAddGrad(dy, aShape, bShape);
  const [da, db] = copies(rt, dy.data, 2);
  return [tensor([...aShape], da), tensor([...bShape], db)];
}

export function fastDropout(rt: WasmRuntime, x: Tensor, rate: number, seed: number): { y: Tensor; mask: Float32Array } {
  if (!(rate >= 0 && rate < 1) || !worthWasm(rt, x.data, SMALL)) return referenceDropout(x, rate, seed);
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const py = arena.output(n),
    pm = arena.output(n);
  const px = arena.copyIn(x.data);
  const keep = Math.fround(1 / (1 - rate));
  // A draw t/2³² is kept when ≥ rate: when the integer t ≥ ⌈rate·2³²⌉ (exact, both sides scaled by 2³²).
  const least = Math.ceil(rate * 2 ** 32);
  runRows(rt, n, 'dropoutForward', (ctx) => [px, py, pm, n, seed >>> 0, least, keep, ctx]);
  return { y: tensor([...x.shape], arena.result(py, n)), mask: arena.result(pm, n) };
}

export function fastDropoutGrad(rt: WasmRuntime, dy: Tensor, mask: Float32Array): Tensor {
  if (mask.length !== dy.data.length || !worthWasm(rt, dy.data, SMALL)) return referenceDropoutGrad(dy, mask);
  return tensor([...dy.shape], flat(rt, dy.data, mask, 'OP_MUL'));
}

/** [outer, axis·inner]: each operand's contiguous runs along the axis (as the reference's concat lays them out). */
function runs(shape: readonly number[], axis: number): { outer: number; inner: number } {
  let outer = 1,
    inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, inner };
}

const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** Threads from PARALLEL_FLOATS values copied, in a step (as runRows decides). */
const copyThreads = (rt: WasmRuntime, floats: number) =>
  rt.arena.scoped && floats >= PARALLEL_FLOATS ? rt.pool.size : 1;

export function fastConcat(rt: WasmRuntime, xs: readonly Tensor[], axis: number): Tensor {
  const total = xs.reduce((s, x) => s + x.data.length, 0);
  // The reference validates (and says what is wrong); the wasm path takes only what it has checked.
  if (xs.length < 2 || total < SMALL) return referenceConcat(xs, axis);
  const first = xs[0].shape;
  const a = axisOf(axis, first.length);
  if (
    a < 0 ||
    a >= first.length ||
    xs.some((x) => x.shape.length !== first.length || x.shape.some((d, i) => i !== a && d !== first[i]))
  )
    return referenceConcat(xs, axis);
  const { outer, inner } = runs(first, a);
  const along = xs.reduce((s, x) => s + x.shape[a], 0);
  const rowOut = along * inner;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(total);
  let offset = 0;
  for (const x of xs) {
    const run = x.shape[a] * inner;
    const px = arena.copyIn(x.data);
    runShared(rt, copyThreads(rt, x.data.length), (_, ctx) => ({
      fn: 'copyRuns',
      args: [px, run, out + 4 * offset, rowOut, run, outer, ctx],
    }));
    offset += run;
  }
  const shape = [...first];
  shape[a] = along;
  return tensor(shape, arena.result(out, total));
}

export function fastConcatGrad(
  rt: WasmRuntime,
  dy: Tensor,
  shapes: readonly (readonly number[])[],
  axis: number,
): Tensor[] {
  const a = axisOf(axis, dy.shape.length);
  if (shapes.length < 2 || dy.data.length < SMALL || a < 0 || a >= dy.shape.length)
    return referenceConcatGrad(dy, shapes, axis);
  const { outer, inner } = runs(dy.shape, a);
  const rowIn = dy.shape[a] * inner;
  const { arena } = rt;
  arena.reset();
  const outs = shapes.map((shape) => arena.output(outer * shape[a] * inner));
  const pdy = arena.copyIn(dy.data);
  let offset = 0;
  shapes.forEach((shape, i) => {
    const run = shape[a] * inner;
    runShared(rt, copyThreads(rt, outer * run), (_, ctx) => ({
      fn: 'copyRuns',
      args: [pdy + 4 * offset, rowIn, outs[i], run, run, outer, ctx],
    }));
    offset += run;
  });
  return shapes.map((shape, i) => tensor([...shape], arena.result(outs[i], outer * shape[a] * inner)));
}

/** Whether s is [batch, channels] of x's batch and channels (and x has pixels between). */
const perChannel = (x: Tensor, s: Tensor) =>
  x.shape.length >= 3 && s.data.length === x.shape[0] * x.shape[x.shape.length - 1];

export function fastScaleChannels(rt: WasmRuntime, x: Tensor, s: Tensor): Tensor {
  if (!perChannel(x, s) || !worthWasm(rt, x.data, SMALL)) return referenceScaleChannels(x, s);
  const [batch, c] = [x.shape[0], x.shape[x.shape.length - 1]];
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(x.data),
    ps = arena.copyIn(s.data);
  runRows(rt, n, 'scaleChannelsRows', (ctx) => [px, ps, out, batch, n / (batch * c), c, ctx]);
  return tensor([...x.shape], arena.result(out, n));
}

export function fastScaleChannelsGrad(rt: WasmRuntime, dy: Tensor, x: Tensor, s: Tensor): [Tensor, Tensor] {
  if (!perChannel(x, s) || dy.data.length !== x.data.length || !worthWasm(rt, x.data, SMALL))
    return referenceScaleChannelsGrad(dy, x, s);
  const [batch, c] = [x.shape[0], x.shape[x.shape.length - 1]];
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const dx = arena.output(n),
    ds = arena.output(batch * c);
  const pdy = arena.copyIn(dy.data),
    px = arena.copyIn(x.data),
    ps = arena.copyIn(s.data);
  // Threads claim images: from PARALLEL_FLOATS values in a step, as runRows decides.
  const threads = Math.min(batch, rt.arena.scoped && n >= PARALLEL_FLOATS ? rt.pool.size : 1);
  runShared(rt, threads, (_, ctx) => ({
    fn: 'scaleChannelsGrad',
    args: [pdy, px, ps, dx, ds, batch, n / (batch * c), c, ctx],
  }));
  return [tensor([...x.shape], arena.result(dx, n)), tensor([...s.shape], arena.result(ds, batch * c))];
}
