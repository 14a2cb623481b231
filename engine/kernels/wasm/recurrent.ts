// AssemblyScript. One LSTM or GRU step's elementwise part (sigmoid gates, tanh), forward and backward, as
// engine/kernels/lstm-cell.ts and gru-cell.ts compute it. The backward and the sums and products are the
// reference's arithmetic (each value in f64 from float32 operands, rounded to float32 where the reference stores
// it), four lanes at a time as two f64 pairs, or one float32 operation where that rounds alike. The sigmoid and
// tanh are not: exp was a third of a text model's step, so they run four at a time in float32 (exp4, tanh4:
// Cephes's expf and tanhf, within 2 float32 ulps of the exact value), as TensorFlow's own Eigen kernels approximate
// them; tests compare with the reference within a few ulps. A step holds a few thousand values: one thread. Below,
// whole sequences in one call.

import { sigmoid4, tanh4 } from './exp';
import { claim } from './claim';
import { KC, gemmPrepacked, packBFull } from './gemm';

/** σ or tanh of one float32, by the four-lane code, so a tail agrees with the lanes before it. */
// @ts-ignore: decorator
@inline function act1(z: f32, tanh: bool): f32 {
  const v = f32x4.splat(z);
  return f32x4.extract_lane(tanh ? tanh4(v) : sigmoid4(v), 0);
}

/** a[from, to) = σ or tanh of z = xw + hu (+ bias), each sum a float32 add. */
// @ts-ignore: decorator
@inline function gateRange(row: usize, zRow: usize, bias: usize, aRow: usize, from: i32, to: i32, tanh: bool): void {
  let k = from;
  for (; k + 4 <= to; k += 4) {
    const o = <usize>k << 2;
    let z = f32x4.add(v128.load(row + o), v128.load(zRow + o));
    if (bias) z = f32x4.add(z, v128.load(bias + o));
    v128.store(aRow + o, tanh ? tanh4(z) : sigmoid4(z));
  }
  for (; k < to; k++) {
    const o = <usize>k << 2;
    let z = load<f32>(row + o) + load<f32>(zRow + o);
    if (bias) z += load<f32>(bias + o);
    store<f32>(aRow + o, act1(z, tanh));
  }
}

// @ts-ignore: decorator
@inline function f(p: usize): f64 {
  return <f64>load<f32>(p);
}

// @ts-ignore: decorator
@inline function put(p: usize, v: f64): void {
  store<f32>(p, <f32>v);
}

// Four lanes of the f64 arithmetic above: float32 lanes 0, 1 and 2, 3 as f64 pairs, and two pairs rounded back to
// float32 lanes. Lane by lane the same IEEE operations as the scalar code, so the same bits.
// @ts-ignore: decorator
@inline function lo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

// @ts-ignore: decorator
@inline function hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1));
}

// @ts-ignore: decorator
@inline function to32(l: v128, h: v128): v128 {
  return f32x4.shuffle(f32x4.demote_f64x2_zero(l), f32x4.demote_f64x2_zero(h), 0, 1, 4, 5);
}

/** a·b + c·d per lane, each product and the sum in f64, rounded to float32 once. */
// @ts-ignore: decorator
@inline function sumOfProducts4(a: v128, b: v128, c: v128, d: v128): v128 {
  return to32(
    f64x2.add(f64x2.mul(lo(a), lo(b)), f64x2.mul(lo(c), lo(d))),
    f64x2.add(f64x2.mul(hi(a), hi(b)), f64x2.mul(hi(c), hi(d))),
  );
}

/** x·(1 − y·y) per lane in f64 (x float32), rounded to float32. */
// @ts-ignore: decorator
@inline function timesOneMinusSquare4(x: v128, y: v128): v128 {
  const one = f64x2.splat(1);
  return to32(
    f64x2.mul(lo(x), f64x2.sub(one, f64x2.mul(lo(y), lo(y)))),
    f64x2.mul(hi(x), f64x2.sub(one, f64x2.mul(hi(y), hi(y)))),
  );
}

/** x·(y·(1 − y)) per lane in f64 (σ's derivative from σ), rounded to float32. */
// @ts-ignore: decorator
@inline function timesSigmoidGrad4(x: v128, y: v128): v128 {
  const one = f64x2.splat(1);
  return to32(
    f64x2.mul(lo(x), f64x2.mul(lo(y), f64x2.sub(one, lo(y)))),
    f64x2.mul(hi(x), f64x2.mul(hi(y), f64x2.sub(one, hi(y)))),
  );
}

/**
 * z = xw[row t of each sequence] + hu (+ bias), rounded to f32 after each sum; a = σ(z) for i, f, o and tanh(z)
 * for c̃; c = f·c_prev + i·c̃; ac = tanh(c); h = o·ac. bias 0: none.
 */
export function lstmCell(
  xw: usize, t: i32, steps: i32, hu: usize, bias: usize, cPrev: usize,
  a: usize, c: usize, ac: usize, h: usize, batch: i32, units: i32,
): void {
  const g = 4 * units;
  for (let b = 0; b < batch; b++) {
    const row = xw + (<usize>((b * steps + t) * g) << 2);
    const zRow = hu + (<usize>(b * g) << 2);
    const aRow = a + (<usize>(b * g) << 2);
    gateRange(row, zRow, bias, aRow, 0, 2 * units, false);
    gateRange(row, zRow, bias, aRow, 2 * units, 3 * units, true);
    gateRange(row, zRow, bias, aRow, 3 * units, g, false);
    const u = <usize>units << 2;
    const cRow = c + (<usize>(b * units) << 2);
    const cPrevRow = cPrev + (<usize>(b * units) << 2);
    let k = 0;
    for (; k + 4 <= units; k += 4) {
      const i = <usize>k << 2;
      const q = aRow + i;
      const cNew = sumOfProducts4(v128.load(q + u), v128.load(cPrevRow + i), v128.load(q), v128.load(q + 2 * u));
      v128.store(cRow + i, cNew);
    }
    for (; k < units; k++) {
      const i = <usize>k << 2;
      const q = aRow + i;
      put(cRow + i, f(q + u) * f(cPrevRow + i) + f(q) * f(q + 2 * u));
    }
    // ac = tanh(c), h = o·ac (a float32 product, as the f64 product of two float32s rounded).
    const acRow = ac + (<usize>(b * units) << 2);
    const hRow = h + (<usize>(b * units) << 2);
    const oRow = aRow + 3 * u;
    let j = 0;
    for (; j + 4 <= units; j += 4) {
      const i = <usize>j << 2;
      const t = tanh4(v128.load(cRow + i));
      v128.store(acRow + i, t);
      v128.store(hRow + i, f32x4.mul(v128.load(oRow + i), t));
    }
    for (; j < units; j++) {
      const i = <usize>j << 2;
      const t = act1(load<f32>(cRow + i), true);
      store<f32>(acRow + i, t);
      store<f32>(hRow + i, load<f32>(oRow + i) * t);
    }
  }
}

/** dz (batch, 4·units) and dc_prev from dh, dh_next, dc_next and the forward step's a, tanh(c), c_prev. */
export function lstmCellGrad(
  dh: usize, dhNext: usize, dcNext: usize, a: usize, ac: usize, cPrev: usize,
  dz: usize, dcPrev: usize, batch: i32, units: i32,
): void {
  const g = 4 * units;
  const u = <usize>units << 2;
  for (let b = 0; b < batch; b++) {
    let j = 0;
    for (; j + 4 <= units; j += 4) {
      const i = <usize>(b * units + j) << 2;
      const q = a + (<usize>(b * g + j) << 2);
      const ai = v128.load(q), af = v128.load(q + u), ag = v128.load(q + 2 * u), ao = v128.load(q + 3 * u);
      const tc = v128.load(ac + i);
      // One float32 operation each where the scalar code rounds one f64 operation on float32s: the same value.
      const dht = f32x4.add(v128.load(dh + i), v128.load(dhNext + i));
      const dc = f32x4.add(timesOneMinusSquare4(f32x4.mul(dht, ao), tc), v128.load(dcNext + i));
      const p = dz + (<usize>(b * g + j) << 2);
      v128.store(p, timesSigmoidGrad4(f32x4.mul(dc, ag), ai));
      v128.store(p + u, timesSigmoidGrad4(f32x4.mul(dc, v128.load(cPrev + i)), af));
      v128.store(p + 2 * u, timesOneMinusSquare4(f32x4.mul(dc, ai), ag));
      v128.store(p + 3 * u, timesSigmoidGrad4(f32x4.mul(dht, tc), ao));
      v128.store(dcPrev + i, f32x4.mul(dc, af));
    }
    for (; j < units; j++) {
      const i = <usize>(b * units + j) << 2;
      const q = <usize>(b * g + j) << 2;
      const ai = f(a + q), af = f(a + q + u), ag = f(a + q + 2 * u), ao = f(a + q + 3 * u), tc = f(ac + i);
      const dht = <f64><f32>(f(dh + i) + f(dhNext + i));
      const dac = <f64><f32>(dht * ao);
      const dc = <f64><f32>(<f64><f32>(dac * (1 - tc * tc)) + f(dcNext + i));
      put(dz + q, <f64><f32>(dc * ag) * (ai * (1 - ai)));
      put(dz + q + u, <f64><f32>(dc * f(cPrev + i)) * (af * (1 - af)));
      put(dz + q + 2 * u, <f64><f32>(dc * ai) * (1 - ag * ag));
      put(dz + q + 3 * u, <f64><f32>(dht * tc) * (ao * (1 - ao)));
      put(dcPrev + i, dc * af);
    }
  }
}

/**
 * GRU (reset_after): x = xw[row t] (+ b_x), u = hu (+ b_h), rounded to f32; z = σ(x_z + u_z), r = σ(x_r + u_r), hh = u_h,
 * h̃ = tanh(x_h + r·u_h), h = z·h_prev + (1 − z)·h̃, each rounded to f32 as gru-cell.ts does. bias 0: none.
 */
export function gruCell(
  xw: usize, t: i32, steps: i32, hu: usize, bias: usize, hPrev: usize,
  a: usize, hh: usize, h: usize, batch: i32, units: i32,
): void {
  const g = 3 * units;
  const w = <usize>units << 2;
  for (let b = 0; b < batch; b++) {
    const row = xw + (<usize>((b * steps + t) * g) << 2);
    const uRow = hu + (<usize>(b * g) << 2);
    const aRow = a + (<usize>(b * g) << 2);
    const bh = bias + 3 * w;
    const hRow = (<usize>(b * units)) << 2;
    let j = 0;
    for (; j + 4 <= units; j += 4) {
      const o = <usize>j << 2;
      let uz = v128.load(uRow + o), ur = v128.load(uRow + w + o), uh = v128.load(uRow + 2 * w + o);
      let xz = v128.load(row + o), xr = v128.load(row + w + o), xh = v128.load(row + 2 * w + o);
      if (bias) {
        xz = f32x4.add(xz, v128.load(bias + o));
        xr = f32x4.add(xr, v128.load(bias + w + o));
        xh = f32x4.add(xh, v128.load(bias + 2 * w + o));
        uz = f32x4.add(uz, v128.load(bh + o));
        ur = f32x4.add(ur, v128.load(bh + w + o));
        uh = f32x4.add(uh, v128.load(bh + 2 * w + o));
      }
      const r = sigmoid4(f32x4.add(xr, ur));
      v128.store(aRow + o, sigmoid4(f32x4.add(xz, uz)));
      v128.store(aRow + w + o, r);
      v128.store(hh + hRow + o, uh);
      v128.store(aRow + 2 * w + o, tanh4(f32x4.add(xh, f32x4.mul(r, uh))));
    }
    for (; j < units; j++) {
      const o = <usize>j << 2;
      let uz = load<f32>(uRow + o), ur = load<f32>(uRow + w + o), uh = load<f32>(uRow + 2 * w + o);
      let xz = load<f32>(row + o), xr = load<f32>(row + w + o), xh = load<f32>(row + 2 * w + o);
      if (bias) {
        xz += load<f32>(bias + o);
        xr += load<f32>(bias + w + o);
        xh += load<f32>(bias + 2 * w + o);
        uz += load<f32>(bh + o);
        ur += load<f32>(bh + w + o);
        uh += load<f32>(bh + 2 * w + o);
      }
      const r = act1(xr + ur, false);
      store<f32>(aRow + o, act1(xz + uz, false));
      store<f32>(aRow + w + o, r);
      store<f32>(hh + hRow + o, uh);
      store<f32>(aRow + 2 * w + o, act1(xh + r * uh, true));
    }
    // h = z·h_prev + (1 − z)·h̃ in f64, rounded once, as the reference.
    let k = 0;
    for (; k + 4 <= units; k += 4) {
      const o = <usize>k << 2;
      const z = v128.load(aRow + o), hp = v128.load(hPrev + hRow + o), cand = v128.load(aRow + 2 * w + o);
      const one = f64x2.splat(1);
      v128.store(h + hRow + o, to32(
        f64x2.add(f64x2.mul(lo(z), lo(hp)), f64x2.mul(f64x2.sub(one, lo(z)), lo(cand))),
        f64x2.add(f64x2.mul(hi(z), hi(hp)), f64x2.mul(f64x2.sub(one, hi(z)), hi(cand))),
      ));
    }
    for (; k < units; k++) {
      const o = <usize>k << 2;
      const z = f(aRow + o);
      put(h + hRow + o, z * f(hPrev + hRow + o) + (1 - z) * f(aRow + 2 * w + o));
    }
  }
}

/** dx, du (batch, 3·units) and dht (batch, units) from dh, dh_next (with step t + 1's carry dht·z when given) and the forward step's a, u_h, h_prev. */
export function gruCellGrad(
  dh: usize, dhNext: usize, carryDht: usize, carryA: usize, a: usize, hh: usize, hPrev: usize,
  dx: usize, du: usize, dht: usize, batch: i32, units: i32,
): void {
  const g = 3 * units;
  const w = <usize>units << 2;
  const one = f64x2.splat(1);
  for (let b = 0; b < batch; b++) {
    let j = 0;
    for (; j + 4 <= units; j += 4) {
      const i = <usize>(b * units + j) << 2;
      const q = <usize>(b * g + j) << 2;
      const z = v128.load(a + q), r = v128.load(a + q + w), cand = v128.load(a + q + 2 * w);
      let next = v128.load(dhNext + i);
      if (carryDht) {
        const cd = v128.load(carryDht + i), ca = v128.load(carryA + q);
        next = to32(f64x2.add(lo(next), f64x2.mul(lo(cd), lo(ca))), f64x2.add(hi(next), f64x2.mul(hi(cd), hi(ca))));
      }
      const d = f32x4.add(v128.load(dh + i), next);
      v128.store(dht + i, d);
      const hp = v128.load(hPrev + i);
      const dzA = to32(f64x2.mul(lo(d), f64x2.sub(lo(hp), lo(cand))), f64x2.mul(hi(d), f64x2.sub(hi(hp), hi(cand))));
      const dcand = to32(f64x2.mul(lo(d), f64x2.sub(one, lo(z))), f64x2.mul(hi(d), f64x2.sub(one, hi(z))));
      const dzc = timesOneMinusSquare4(dcand, cand);
      const dzz = timesSigmoidGrad4(dzA, z);
      const dzr = timesSigmoidGrad4(f32x4.mul(dzc, v128.load(hh + i)), r);
      v128.store(dx + q, dzz);
      v128.store(du + q, dzz);
      v128.store(dx + q + w, dzr);
      v128.store(du + q + w, dzr);
      v128.store(dx + q + 2 * w, dzc);
      v128.store(du + q + 2 * w, f32x4.mul(dzc, r));
    }
    for (; j < units; j++) {
      const i = <usize>(b * units + j) << 2;
      const q = <usize>(b * g + j) << 2;
      const z = f(a + q), r = f(a + q + w), cand = f(a + q + 2 * w);
      const next = carryDht ? <f64><f32>(f(dhNext + i) + f(carryDht + i) * f(carryA + q)) : f(dhNext + i);
      put(dht + i, f(dh + i) + next);
      const d = f(dht + i);
      const dzA = <f64><f32>(d * (f(hPrev + i) - cand));
      const dcand = <f64><f32>(d * (1 - z));
      const dzc = <f64><f32>(dcand * (1 - cand * cand));
      const drA = <f64><f32>(dzc * f(hh + i));
      const dzz = <f32>(dzA * (z * (1 - z)));
      const dzr = <f32>(drA * (r * (1 - r)));
      store<f32>(dx + q, dzz);
      store<f32>(du + q, dzz);
      store<f32>(dx + q + w, dzr);
      store<f32>(du + q + w, dzr);
      put(dx + q + 2 * w, dzc);
      put(du + q + 2 * w, dzc * r);
    }
  }
}

// ---- whole sequences: every step in one call ----
//
// The layer's loop over time, as the fast backend ran it one kernel at a time (a matMul for h·U, the step above;
// backward the step's gradient, dz·Uᵀ and h_prevᵀ·dz with a matMul each, the sums in TypeScript), without a host
// round trip per step. Each value comes from the same operations in the same order, so the same bits: a sample's
// recurrence reads only its own rows, so threads take whole samples' sequences (claim.ts, `rows` samples at a time)
// with no barrier between steps; the weight gradients sum over the samples, so a second pass takes them column by
// column, each summing its steps in the layer's order (the last step first). Per-step values are step-major: a (steps,
// batch, gates); hs, cs, acs, hhs (steps, batch, units). A product below the fast matMul's size threshold (4096
// multiply-adds in the layer's per-step product) runs as the reference matMul (smallMatMul), as the fast backend's
// matMul did; above it the packed GEMM, whose value at each element doesn't depend on the rows or columns around it.

/**
 * C (m×n, contiguous) = op(A)·op(B) as engine/kernels/matmul.ts computes it: i-p-j order, each step c + a·b in f64
 * rounded to float32, zero a skipped. Element (i, p) of op(A) at i·ars + p·acs, (p, j) of op(B) at p·brs + j·bcs.
 */
function smallMatMul(
  c: usize, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, m: i32, k: i32, n: i32,
): void {
  memory.fill(c, 0, <usize>(m * n) << 2);
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>(i * n) << 2);
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
  if (small) smallMatMul(c, a, k, 1, b, brs, bcs, rows, k, n);
  else gemmPrepacked(rows, n, k, a, k, 1, packed, c, n, false, scratchA, edge);
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
export function lstmForward(ctx: usize, args: usize, hu: usize, scratchA: usize, edge: usize): void {
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
  const g = 4 * units;
  for (let b0 = claim(ctx, rows, batch); b0 < batch; b0 = claim(ctx, rows, batch)) {
    const m = min(rows, batch - b0);
    const xwRows = xw + (<usize>(b0 * steps * g) << 2);
    for (let t = 0; t < steps; t++) {
      const ht = hs + at(t, b0, batch, units), ct = cs + at(t, b0, batch, units);
      const hPrev = t > 0 ? hs + at(t - 1, b0, batch, units) : h0 + at(0, b0, batch, units);
      const cPrev = t > 0 ? cs + at(t - 1, b0, batch, units) : c0 + at(0, b0, batch, units);
      rowsTimes(hu, hPrev, u, g, 1, packedU, small, m, units, g, scratchA, edge);
      const aStep = a + at(t, b0, batch, g), acStep = acs + at(t, b0, batch, units);
      lstmCell(xwRows, t, steps, hu, bias, cPrev, aStep, ct, acStep, ht, m, units);
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
export function lstmBackward(ctx: usize, args: usize, dht: usize, dz: usize, scratchA: usize, edge: usize): void {
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
      lstmCellGrad(dht, dhRows, dcRows, aStep, acStep, cPrev, dz, dcRows, m, units);
      stepRows(dZ + (<usize>(b0 * steps * g) << 2), dz, m, steps, t, g, true);
      // dz·Uᵀ: Uᵀ's element (p, j) is U's (j, p).
      rowsTimes(dhRows, dz, u, 1, g, packedUT, small, m, g, units, scratchA, edge);
    }
  }
}

/**
 * The weight gradients of a sequence for the columns this thread claims, `cols` at a time (a multiple of the
 * GEMM's NR): per step from the last, dU += h_{t−1}ᵀ·dz_t (a product from zero, then a float32 add, as the layer
 * added each step's matMul: the GEMM's own accumulation when one KC block holds the batch) and the bias's column
 * sums, row by row: dBias1[j] += bias1_t[b, j], and dBias2[j] += bias2_t[b, j] when bias2 is given (LSTM: dz into
 * dBias; GRU: dx into b_x's half, du into b_h's). dz_t's row b at dz + t·zStep + b·zRow floats (bias1's, bias2's
 * likewise). Scratch per thread: dw units·cols floats, packed packedBSize(batch, cols).
 */
export function recurrentWeightGrads(
  ctx: usize, args: usize, dw: usize, packed: usize, scratchA: usize, edge: usize,
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
  for (let j0 = claim(ctx, cols, gates); j0 < gates; j0 = claim(ctx, cols, gates)) {
    const n = min(cols, gates - j0);
    const jo = <usize>j0 << 2;
    const dUCols = dU + jo;
    // From zeros here, so that a rerun (a lost worker) starts over.
    for (let i = 0; i < units; i++) memory.fill(dUCols + (<usize>(i * gates) << 2), 0, <usize>n << 2);
    memory.fill(dBias1 + jo, 0, <usize>n << 2);
    if (bias2) memory.fill(dBias2 + jo, 0, <usize>n << 2);
    for (let t = steps - 1; t >= 0; t--) {
      const hPrev = t > 0 ? hs + at(t - 1, 0, batch, units) : h0;
      const z = dz + (<usize>(t * zStep) << 2) + jo;
      if (small || batch > KC) {
        if (small) smallMatMul(dw, hPrev, 1, units, z, zRow, 1, units, batch, n);
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
}

/** GRU forward for the samples this thread claims, as lstmForward: hu = h_{t−1}·U (gruCell adds its bias). */
export function gruForward(ctx: usize, args: usize, hu: usize, scratchA: usize, edge: usize): void {
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
  const g = 3 * units;
  for (let b0 = claim(ctx, rows, batch); b0 < batch; b0 = claim(ctx, rows, batch)) {
    const m = min(rows, batch - b0);
    const xwRows = xw + (<usize>(b0 * steps * g) << 2);
    for (let t = 0; t < steps; t++) {
      const ht = hs + at(t, b0, batch, units);
      const hPrev = t > 0 ? hs + at(t - 1, b0, batch, units) : h0 + at(0, b0, batch, units);
      rowsTimes(hu, hPrev, u, g, 1, packedU, small, m, units, g, scratchA, edge);
      gruCell(xwRows, t, steps, hu, bias, hPrev, a + at(t, b0, batch, g), hhs + at(t, b0, batch, units), ht, m, units);
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
  ctx: usize, args: usize, dh: usize, dhts: usize, dx: usize, scratchA: usize, edge: usize,
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
      gruCellGrad(dh, dhRows, carryDht, carryA, aStep, hhStep, hPrev, dx, du, dht, m, units);
      stepRows(dX + (<usize>(b0 * steps * g) << 2), dx, m, steps, t, g, true);
      rowsTimes(dhRows, du, u, 1, g, packedUT, small, m, g, units, scratchA, edge);
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
