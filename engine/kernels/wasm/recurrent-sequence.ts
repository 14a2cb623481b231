// AssemblyScript. LSTM and GRU over whole sequences, every step in one call: the layer's loop over time, as the fast
// backend ran it one kernel at a time (a matMul for h·U, the step of recurrent.ts;
// backward the step's gradient, dz·Uᵀ and h_prevᵀ·dz with a matMul each, the sums in TypeScript), without a host
// round trip per step. Each value comes from the same operations in the same order, so the same bits: a sample's
// recurrence reads only its own rows, so threads take whole samples' sequences (claim.ts, `rows` samples at a time)
// with no barrier between steps; the weight gradients sum over the samples, so a second pass takes them column by
// column, each summing its steps in the layer's order (the last step first). Per-step values are step-major: a (steps,
// batch, gates); hs, cs, acs, hhs (steps, batch, units). A product below the fast matMul's size threshold (4096
// multiply-adds in the layer's per-step product) runs as the reference matMul (smallMatMul), as the fast backend's
// matMul did; above it the packed GEMM, whose value at each element doesn't depend on the rows or columns around it.
// With recurrent_dropout's masks the product runs gate by gate (gateProduct), and with other activations than tanh
// and σ the step is recurrent.ts's coded cell, which keeps every step's pre-activations (zs) for the backward.
import { claim } from './claim';
import { KC, gemmPrepacked, packBFull, packedBSize } from './gemm';
import {
  f, gruCell, gruCellAct, gruCellGrad, gruCellGradAct, lstmCell, lstmCellAct, lstmCellGrad, lstmCellGradAct, put,
} from './recurrent';

/**
 * C (m×n, row stride ldc) = op(A)·op(B) as engine/kernels/matmul.ts computes it: i-p-j order, each step c + a·b in
 * f64 rounded to float32, zero a skipped. Element (i, p) of op(A) at i·ars + p·acs, (p, j) of op(B) at p·brs + j·bcs.
 */
function smallMatMul(
  c: usize, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, m: i32, k: i32, n: i32, ldc: i32,
): void {
  for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>n << 2);
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>(i * ldc) << 2);
    for (let p = 0; p < k; p++) {
      const av = f(a + (<usize>(i * ars + p * acs) << 2));
      if (av == 0) continue;
      const bp = b + (<usize>(p * brs) << 2);
      for (let j = 0; j < n; j++) {
        const o = row + (<usize>j << 2);
        put(o, f(o) + av * f(bp + (<usize>(j * bcs) << 2)));
      }
    }
  }
}

/** dst[0, count) += src[0, count), each a float32 add (as a TypeScript Float32Array's +=). */
// @ts-ignore: decorator
@inline function addFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** Rows of a (rows, width) block into row t of `rows` sequences (rows, steps, width), or back (toSeq false). */
// @ts-ignore: decorator
@inline function stepRows(seq: usize, block: usize, rows: i32, steps: i32, t: i32, width: i32, toSeq: bool): void {
  const bytes = <usize>width << 2;
  for (let b = 0; b < rows; b++) {
    const s = seq + (<usize>((b * steps + t) * width) << 2), d = block + <usize>b * bytes;
    if (toSeq) memory.copy(s, d, bytes);
    else memory.copy(d, s, bytes);
  }
}

/**
 * C (rows × n, row stride n) = A (rows × k, row stride k) · B (k × n): B itself for a small product (element (p, j)
 * at p·brs + j·bcs), else packed once by packBFull.
 */
// @ts-ignore: decorator
@inline function rowsTimes(
  c: usize, a: usize, b: usize, brs: i32, bcs: i32, packed: usize, small: bool, rows: i32, k: i32, n: i32,
  scratchA: usize, edge: usize,
): void {
  if (small) smallMatMul(c, a, k, 1, b, brs, bcs, rows, k, n, n);
  else gemmPrepacked(rows, n, k, a, k, 1, packed, c, n, false, scratchA, edge);
}

/** dst[0, count) = src · mask, float32 products (dropout's masks: 0 or 1/(1 − rate)). */
// @ts-ignore: decorator
@inline function maskFloats(dst: usize, src: usize, mask: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.mul(v128.load(src + o), v128.load(mask + o)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(src + o) * load<f32>(mask + o));
  }
}

/** dst[0, count) += src · mask, a float32 product then a float32 add. */
// @ts-ignore: decorator
@inline function addMasked(dst: usize, src: usize, mask: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), f32x4.mul(v128.load(src + o), v128.load(mask + o))));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o) * load<f32>(mask + o));
  }
}

/**
 * The recurrent product of `rows` samples from sample b0: hu (rows × G, G = gates·units) = h·U; with
 * recurrent_dropout's masks (masks ≠ 0: gates·batch·units floats, gate k's (batch, units) mask after gate k − 1's),
 * gate by gate as engine/kernels/gate-product.ts's gateMatMul: gate k's columns (h·m_k)·U_k. packs: U packed whole,
 * or each U_k packed (packedBSize(units, units) floats apart); unused when small. hm: rows·units floats of scratch.
 */
function gateProduct(
  hu: usize, h: usize, u: usize, packs: usize, small: bool, masks: usize, b0: i32, batch: i32, rows: i32,
  units: i32, gates: i32, scratchA: usize, edge: usize, hm: usize,
): void {
  const g = gates * units;
  if (!masks) {
    rowsTimes(hu, h, u, g, 1, packs, small, rows, units, g, scratchA, edge);
    return;
  }
  const stride = <usize>packedBSize(units, units) << 2;
  for (let k = 0; k < gates; k++) {
    maskFloats(hm, h, masks + at(k, b0, batch, units), rows * units);
    const c = hu + (<usize>(k * units) << 2);
    if (small) smallMatMul(c, hm, units, 1, u + (<usize>(k * units) << 2), g, 1, rows, units, units, g);
    else gemmPrepacked(rows, units, units, hm, units, 1, packs + <usize>k * stride, c, g, false, scratchA, edge);
  }
}

/**
 * The gradient reaching h_{t−1} of `rows` samples through the recurrent product: dh (rows × units) = dz·Uᵀ; with
 * masks (as gateProduct's), gateMatMulGrad's Σ_k (dz_k·U_kᵀ)·m_k, from zeros in gate order. packs: Uᵀ packed whole,
 * or each U_kᵀ. tmp: rows·units floats of scratch.
 */
function gateProductGrad(
  dh: usize, dz: usize, u: usize, packs: usize, small: bool, masks: usize, b0: i32, batch: i32, rows: i32,
  units: i32, gates: i32, scratchA: usize, edge: usize, tmp: usize,
): void {
  const g = gates * units;
  if (!masks) {
    // dz·Uᵀ: Uᵀ's element (p, j) is U's (j, p).
    rowsTimes(dh, dz, u, 1, g, packs, small, rows, g, units, scratchA, edge);
    return;
  }
  const count = rows * units;
  const stride = <usize>packedBSize(units, units) << 2;
  memory.fill(dh, 0, <usize>count << 2);
  for (let k = 0; k < gates; k++) {
    const dzk = dz + (<usize>(k * units) << 2), uk = u + (<usize>(k * units) << 2);
    if (small) smallMatMul(tmp, dzk, g, 1, uk, 1, g, rows, units, units, units);
    else gemmPrepacked(rows, units, units, dzk, g, 1, packs + <usize>k * stride, tmp, units, false, scratchA, edge);
    addMasked(dh, tmp, masks + at(k, b0, batch, units), count);
  }
}

/**
 * Argument i of a sequence pass: the host writes them as int32s in wasm memory (addresses, sizes, flags), as a
 * worker takes at most 16 arguments; the call's own are its claim context and the thread's scratch.
 */
// @ts-ignore: decorator
@inline function arg(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

/** Byte offset of row `b` of step t in a step-major (steps, batch, width) tensor. */
// @ts-ignore: decorator
@inline function at(t: i32, b: i32, batch: i32, width: i32): usize {
  return (<usize>t * <usize>batch + <usize>b) * (<usize>width << 2);
}

/**
 * LSTM forward over every step for the samples this thread claims, `rows` at a time: per step hu = h_{t−1}·U, then
 * lstmCell into step t of a, cs, acs, hs (h_{−1} = h0, c_{−1} = c0); y gets h_t at row t of each sequence
 * (sequences) or the last h. U is packed (packedU) unless the product is small. hu: rows·4·units floats per thread.
 */
export function lstmForward(ctx: usize, args: usize, hu: usize, scratchA: usize, edge: usize, hm: usize): void {
  const rows = arg(args, 0);
  const xw = <usize>arg(args, 1);
  const u = <usize>arg(args, 2);
  const packedU = <usize>arg(args, 3);
  const small = arg(args, 4) != 0;
  const bias = <usize>arg(args, 5);
  const h0 = <usize>arg(args, 6);
  const c0 = <usize>arg(args, 7);
  const a = <usize>arg(args, 8);
  const hs = <usize>arg(args, 9);
  const cs = <usize>arg(args, 10);
  const acs = <usize>arg(args, 11);
  const y = <usize>arg(args, 12);
  const sequences = arg(args, 13) != 0;
  const batch = arg(args, 14);
  const steps = arg(args, 15);
  const units = arg(args, 16);
  const masks = <usize>arg(args, 17);
  // Other activations than tanh and σ (zs ≠ 0): their codes, and every step's pre-activations (steps, batch, g).
  const act = arg(args, 18), gate = arg(args, 19);
  const zs = <usize>arg(args, 20);
  const g = 4 * units;
  for (let b0 = claim(ctx, rows, batch); b0 < batch; b0 = claim(ctx, rows, batch)) {
    const m = min(rows, batch - b0);
    const xwRows = xw + (<usize>(b0 * steps * g) << 2);
    for (let t = 0; t < steps; t++) {
      const ht = hs + at(t, b0, batch, units), ct = cs + at(t, b0, batch, units);
      const hPrev = t > 0 ? hs + at(t - 1, b0, batch, units) : h0 + at(0, b0, batch, units);
      const cPrev = t > 0 ? cs + at(t - 1, b0, batch, units) : c0 + at(0, b0, batch, units);
      gateProduct(hu, hPrev, u, packedU, small, masks, b0, batch, m, units, 4, scratchA, edge, hm);
      const aStep = a + at(t, b0, batch, g), acStep = acs + at(t, b0, batch, units);
      if (zs) lstmCellAct(xwRows, t, steps, hu, bias, cPrev, aStep, ct, acStep, ht, m, units, act, gate, zs + at(t, b0, batch, g));
      else lstmCell(xwRows, t, steps, hu, bias, cPrev, aStep, ct, acStep, ht, m, units);
      if (sequences) stepRows(y + (<usize>(b0 * steps * units) << 2), ht, m, steps, t, units, true);
      else if (t == steps - 1) memory.copy(y + at(0, b0, batch, units), ht, <usize>(m * units) << 2);
    }
  }
}

/** A sample run's state gradient before the last step: from the last state's gradient (return_state), or zeros. */
// @ts-ignore: decorator
@inline function startFrom(rows: usize, last: usize, b0: i32, batch: i32, units: i32, bytes: usize): void {
  if (last) memory.copy(rows, last + at(0, b0, batch, units), bytes);
  else memory.fill(rows, 0, bytes);
}

/**
 * LSTM backpropagation through time for the samples this thread claims, from the last step: dh_t (row t of dy, or dy
 * at the last step when not sequences, else zeros), lstmCellGrad (dcNext updated in place), dz into row t of dZ's
 * sequences, and dhNext = dz·Uᵀ (Uᵀ packed, unless small). dhNext and dcNext start from dhLast and dcLast (0:
 * zeros), so that a rerun (a lost worker) starts over, and end holding h0's and c0's gradients. Scratch per thread:
 * dht rows·units, dz rows·4·units floats.
 */
export function lstmBackward(
  ctx: usize, args: usize, dht: usize, dz: usize, scratchA: usize, edge: usize, tmp: usize,
): void {
  const rows = arg(args, 0);
  const dy = <usize>arg(args, 1);
  const sequences = arg(args, 2) != 0;
  const u = <usize>arg(args, 3);
  const packedUT = <usize>arg(args, 4);
  const small = arg(args, 5) != 0;
  const c0 = <usize>arg(args, 6);
  const a = <usize>arg(args, 7);
  const cs = <usize>arg(args, 8);
  const acs = <usize>arg(args, 9);
  const dhNext = <usize>arg(args, 10);
  const dcNext = <usize>arg(args, 11);
  const dZ = <usize>arg(args, 12);
  const batch = arg(args, 13);
  const steps = arg(args, 14);
  const units = arg(args, 15);
  const dhLast = <usize>arg(args, 16);
  const dcLast = <usize>arg(args, 17);
  const masks = <usize>arg(args, 18);
  const act = arg(args, 19), gate = arg(args, 20);
  const zs = <usize>arg(args, 21);
  const g = 4 * units;
  for (let b0 = claim(ctx, rows, batch); b0 < batch; b0 = claim(ctx, rows, batch)) {
    const m = min(rows, batch - b0);
    const n = <usize>(m * units) << 2;
    const dhRows = dhNext + at(0, b0, batch, units), dcRows = dcNext + at(0, b0, batch, units);
    startFrom(dhRows, dhLast, b0, batch, units, n);
    startFrom(dcRows, dcLast, b0, batch, units, n);
    for (let t = steps - 1; t >= 0; t--) {
      if (sequences) stepRows(dy + (<usize>(b0 * steps * units) << 2), dht, m, steps, t, units, false);
      else if (t == steps - 1) memory.copy(dht, dy + at(0, b0, batch, units), n);
      else memory.fill(dht, 0, n);
      const cPrev = t > 0 ? cs + at(t - 1, b0, batch, units) : c0 + at(0, b0, batch, units);
      const aStep = a + at(t, b0, batch, g), acStep = acs + at(t, b0, batch, units);
      if (zs) {
        const zStep = zs + at(t, b0, batch, g), ct = cs + at(t, b0, batch, units);
        lstmCellGradAct(dht, dhRows, dcRows, aStep, acStep, cPrev, zStep, ct, dz, dcRows, m, units, act, gate);
      } else lstmCellGrad(dht, dhRows, dcRows, aStep, acStep, cPrev, dz, dcRows, m, units);
      stepRows(dZ + (<usize>(b0 * steps * g) << 2), dz, m, steps, t, g, true);
      gateProductGrad(dhRows, dz, u, packedUT, small, masks, b0, batch, m, units, 4, scratchA, edge, tmp);
    }
  }
}

/**
 * The weight gradients of a sequence for the columns this thread claims, `cols` at a time (a multiple of the
 * GEMM's NR): per step from the last, dU += h_{t−1}ᵀ·dz_t (a product from zero, then a float32 add, as the layer
 * added each step's matMul: the GEMM's own accumulation when one KC block holds the batch) and the bias's column
 * sums, row by row: dBias1[j] += bias1_t[b, j], and dBias2[j] += bias2_t[b, j] when bias2 is given (LSTM: dz into
 * dBias; GRU: dx into b_x's half, du into b_h's). dz_t's row b at dz + t·zStep + b·zRow floats (bias1's, bias2's
 * likewise). With recurrent_dropout's masks (masks ≠ 0, as gateProduct's), gate k's columns take (h_{t−1}·m_k)ᵀ on the
 * left, a claim's columns split at the gates' borders. Scratch per thread: dw units·cols floats, packed
 * packedBSize(batch, cols), hm batch·units.
 */
export function recurrentWeightGrads(
  ctx: usize, args: usize, dw: usize, packed: usize, scratchA: usize, edge: usize, hm: usize,
): void {
  const cols = arg(args, 0);
  const hs = <usize>arg(args, 1);
  const h0 = <usize>arg(args, 2);
  const dz = <usize>arg(args, 3);
  const zStep = arg(args, 4);
  const zRow = arg(args, 5);
  const bias1 = <usize>arg(args, 6);
  const b1Step = arg(args, 7);
  const b1Row = arg(args, 8);
  const dBias1 = <usize>arg(args, 9);
  const bias2 = <usize>arg(args, 10);
  const b2Step = arg(args, 11);
  const b2Row = arg(args, 12);
  const dBias2 = <usize>arg(args, 13);
  const dU = <usize>arg(args, 14);
  const small = arg(args, 15) != 0;
  const batch = arg(args, 16);
  const steps = arg(args, 17);
  const units = arg(args, 18);
  const gates = arg(args, 19);
  const masks = <usize>arg(args, 20);
  for (let j0 = claim(ctx, cols, gates); j0 < gates; j0 = claim(ctx, cols, gates)) {
    const end = min(j0 + cols, gates);
    // With masks, gate by gate (each column's value doesn't depend on the columns beside it).
    for (let js = j0; js < end; ) {
      const k = masks ? js / units : 0;
      const je = masks ? min(end, (k + 1) * units) : end;
      const mask = masks ? masks + at(k, 0, batch, units) : 0;
      weightColumns(js, je - js, hs, h0, dz, zStep, zRow, bias1, b1Step, b1Row, dBias1, bias2, b2Step, b2Row,
        dBias2, dU, small, batch, steps, units, gates, mask, dw, packed, scratchA, edge, hm);
      js = je;
    }
  }
}

/** recurrentWeightGrads's columns [j0, j0 + n), h_{t−1}·mask as the product's left side when mask ≠ 0. */
function weightColumns(
  j0: i32, n: i32, hs: usize, h0: usize, dz: usize, zStep: i32, zRow: i32, bias1: usize, b1Step: i32, b1Row: i32,
  dBias1: usize, bias2: usize, b2Step: i32, b2Row: i32, dBias2: usize, dU: usize, small: bool, batch: i32,
  steps: i32, units: i32, gates: i32, mask: usize, dw: usize, packed: usize, scratchA: usize, edge: usize, hm: usize,
): void {
  const jo = <usize>j0 << 2;
  const dUCols = dU + jo;
  // From zeros here, so that a rerun (a lost worker) starts over.
  for (let i = 0; i < units; i++) memory.fill(dUCols + (<usize>(i * gates) << 2), 0, <usize>n << 2);
  memory.fill(dBias1 + jo, 0, <usize>n << 2);
  if (bias2) memory.fill(dBias2 + jo, 0, <usize>n << 2);
  for (let t = steps - 1; t >= 0; t--) {
    let hPrev = t > 0 ? hs + at(t - 1, 0, batch, units) : h0;
    if (mask) {
      maskFloats(hm, hPrev, mask, batch * units);
      hPrev = hm;
    }
    const z = dz + (<usize>(t * zStep) << 2) + jo;
    if (small || batch > KC) {
      if (small) smallMatMul(dw, hPrev, 1, units, z, zRow, 1, units, batch, n, n);
      else {
        packBFull(packed, z, zRow, 1, batch, n);
        gemmPrepacked(units, n, batch, hPrev, 1, units, packed, dw, n, false, scratchA, edge);
      }
      for (let i = 0; i < units; i++) addFloats(dUCols + (<usize>(i * gates) << 2), dw + (<usize>(i * n) << 2), n);
    } else {
      packBFull(packed, z, zRow, 1, batch, n);
      gemmPrepacked(units, n, batch, hPrev, 1, units, packed, dUCols, gates, true, scratchA, edge);
    }
    const s1 = bias1 + (<usize>(t * b1Step) << 2) + jo;
    for (let b = 0; b < batch; b++) addFloats(dBias1 + jo, s1 + (<usize>(b * b1Row) << 2), n);
    if (bias2) {
      const s2 = bias2 + (<usize>(t * b2Step) << 2) + jo;
      for (let b = 0; b < batch; b++) addFloats(dBias2 + jo, s2 + (<usize>(b * b2Row) << 2), n);
    }
  }
}

/** GRU forward for the samples this thread claims, as lstmForward: hu = h_{t−1}·U (gruCell adds its bias). */
export function gruForward(ctx: usize, args: usize, hu: usize, scratchA: usize, edge: usize, hm: usize): void {
  const rows = arg(args, 0);
  const xw = <usize>arg(args, 1);
  const u = <usize>arg(args, 2);
  const packedU = <usize>arg(args, 3);
  const small = arg(args, 4) != 0;
  const bias = <usize>arg(args, 5);
  const h0 = <usize>arg(args, 6);
  const a = <usize>arg(args, 7);
  const hhs = <usize>arg(args, 8);
  const hs = <usize>arg(args, 9);
  const y = <usize>arg(args, 10);
  const sequences = arg(args, 11) != 0;
  const batch = arg(args, 12);
  const steps = arg(args, 13);
  const units = arg(args, 14);
  const masks = <usize>arg(args, 15);
  const act = arg(args, 16), gate = arg(args, 17);
  const zs = <usize>arg(args, 18);
  const g = 3 * units;
  for (let b0 = claim(ctx, rows, batch); b0 < batch; b0 = claim(ctx, rows, batch)) {
    const m = min(rows, batch - b0);
    const xwRows = xw + (<usize>(b0 * steps * g) << 2);
    for (let t = 0; t < steps; t++) {
      const ht = hs + at(t, b0, batch, units);
      const hPrev = t > 0 ? hs + at(t - 1, b0, batch, units) : h0 + at(0, b0, batch, units);
      gateProduct(hu, hPrev, u, packedU, small, masks, b0, batch, m, units, 3, scratchA, edge, hm);
      const aStep = a + at(t, b0, batch, g), hhStep = hhs + at(t, b0, batch, units);
      if (zs) gruCellAct(xwRows, t, steps, hu, bias, hPrev, aStep, hhStep, ht, m, units, act, gate, zs + at(t, b0, batch, g));
      else gruCell(xwRows, t, steps, hu, bias, hPrev, aStep, hhStep, ht, m, units);
      if (sequences) stepRows(y + (<usize>(b0 * steps * units) << 2), ht, m, steps, t, units, true);
      else if (t == steps - 1) memory.copy(y + at(0, b0, batch, units), ht, <usize>(m * units) << 2);
    }
  }
}

/**
 * GRU backpropagation through time for the samples this thread claims, as lstmBackward: gruCellGrad with step
 * t + 1's dht and a as the carry (dhts: two steps' dht, by the step's parity), dx into row t of dX's sequences, du
 * into step t of dUs (steps, batch, 3·units) for the weight gradients, dhNext = du·Uᵀ (from dhLast, as
 * lstmBackward); at the end dh0 = dhNext + dht_0·z_0, what reaches the initial h. Scratch per thread: dh rows·units, dhts 2·rows·units, dx
 * rows·3·units floats.
 */
export function gruBackward(
  ctx: usize, args: usize, dh: usize, dhts: usize, dx: usize, scratchA: usize, edge: usize, tmp: usize,
): void {
  const rows = arg(args, 0);
  const dy = <usize>arg(args, 1);
  const sequences = arg(args, 2) != 0;
  const u = <usize>arg(args, 3);
  const packedUT = <usize>arg(args, 4);
  const small = arg(args, 5) != 0;
  const h0 = <usize>arg(args, 6);
  const a = <usize>arg(args, 7);
  const hhs = <usize>arg(args, 8);
  const hs = <usize>arg(args, 9);
  const dhNext = <usize>arg(args, 10);
  const dX = <usize>arg(args, 11);
  const dUs = <usize>arg(args, 12);
  const dh0 = <usize>arg(args, 13);
  const batch = arg(args, 14);
  const steps = arg(args, 15);
  const units = arg(args, 16);
  const dhLast = <usize>arg(args, 17);
  const masks = <usize>arg(args, 18);
  const act = arg(args, 19), gate = arg(args, 20);
  const zs = <usize>arg(args, 21);
  const g = 3 * units;
  for (let b0 = claim(ctx, rows, batch); b0 < batch; b0 = claim(ctx, rows, batch)) {
    const m = min(rows, batch - b0);
    const n = <usize>(m * units) << 2;
    const dhRows = dhNext + at(0, b0, batch, units);
    startFrom(dhRows, dhLast, b0, batch, units, n);
    for (let t = steps - 1; t >= 0; t--) {
      if (sequences) stepRows(dy + (<usize>(b0 * steps * units) << 2), dh, m, steps, t, units, false);
      else if (t == steps - 1) memory.copy(dh, dy + at(0, b0, batch, units), n);
      else memory.fill(dh, 0, n);
      const hPrev = t > 0 ? hs + at(t - 1, b0, batch, units) : h0 + at(0, b0, batch, units);
      const dht = dhts + <usize>(t & 1) * n;
      const last = t == steps - 1;
      const carryDht = last ? 0 : dhts + <usize>((t + 1) & 1) * n;
      const carryA = last ? 0 : a + at(t + 1, b0, batch, g);
      const du = dUs + at(t, b0, batch, g);
      const aStep = a + at(t, b0, batch, g), hhStep = hhs + at(t, b0, batch, units);
      if (zs) {
        const zStep = zs + at(t, b0, batch, g);
        gruCellGradAct(dh, dhRows, carryDht, carryA, aStep, hhStep, hPrev, zStep, dx, du, dht, m, units, act, gate);
      } else gruCellGrad(dh, dhRows, carryDht, carryA, aStep, hhStep, hPrev, dx, du, dht, m, units);
      stepRows(dX + (<usize>(b0 * steps * g) << 2), dx, m, steps, t, g, true);
      gateProductGrad(dhRows, du, u, packedUT, small, masks, b0, batch, m, units, 3, scratchA, edge, tmp);
    }
    // Step 0's dht·z reaches the initial h too (step 0's dht is in the even half of dhts).
    const z0 = a + at(0, b0, batch, g);
    for (let b = 0; b < m; b++)
      for (let j = 0; j < units; j++) {
        const i = <usize>(b * units + j) << 2;
        put(dh0 + at(0, b0, batch, units) + i, f(dhRows + i) + f(dhts + i) * f(z0 + (<usize>(b * g + j) << 2)));
      }
  }
}
