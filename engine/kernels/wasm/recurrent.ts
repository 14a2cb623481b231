// AssemblyScript. One LSTM or GRU step's elementwise part (sigmoid gates, tanh), forward and backward, as
// engine/kernels/lstm-cell.ts and gru-cell.ts compute it. The backward and the sums and products are the
// reference's arithmetic (each value in f64 from float32 operands, rounded to float32 where the reference stores
// it), four lanes at a time as two f64 pairs, or one float32 operation where that rounds alike. The sigmoid and
// tanh are not: exp was a third of a text model's step, so they run four at a time in float32 (exp4, tanh4:
// Cephes's expf and tanhf, within 2 float32 ulps of the exact value), as TensorFlow's own Eigen kernels approximate
// them; tests compare with the reference within a few ulps. A step holds a few thousand values: one thread. Whole
// sequences in one call: recurrent-sequence.ts.

import { cellDerivative4, cellForward4 } from './activations';
import { sigmoid4, tanh4 } from './exp';

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
@inline export function f(p: usize): f64 {
  return <f64>load<f32>(p);
}

// @ts-ignore: decorator
@inline export function put(p: usize, v: f64): void {
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

// ---- any activation and recurrent_activation (the codes of activations.ts's cellForward4) ----
// The same steps, every operation a float32 one (lanes of four; a tail value as lane 0 of a splat, so that it gets
// the bits a lane would), the activations and their derivatives those of the activation kernels, and each
// pre-activation kept (zs) for the derivatives that need x. h = z·h_prev + (1 − z)·h̃ and c = f·c_prev + i·c̃ round
// once from f64, as the default cells.

/** Four floats at p, or one splat over the lanes (a tail). */
// @ts-ignore: decorator
@inline function ld(p: usize, one: bool): v128 {
  return one ? f32x4.splat(load<f32>(p)) : v128.load(p);
}

/** Four floats to p, or lane 0 only (a tail). */
// @ts-ignore: decorator
@inline function st(p: usize, v: v128, one: bool): void {
  if (one) store<f32>(p, f32x4.extract_lane(v, 0));
  else v128.store(p, v);
}

/** zs[from, to) = xw + hu (+ bias), a = f(zs) by `kind`, four at a time then one by one. */
// @ts-ignore: decorator
@inline function gateRangeAct(
  row: usize, zRow: usize, bias: usize, aRow: usize, zsRow: usize, from: i32, to: i32, kind: i32,
): void {
  for (let k = from; k < to; ) {
    const one = k + 4 > to;
    const o = <usize>k << 2;
    let z = f32x4.add(ld(row + o, one), ld(zRow + o, one));
    if (bias) z = f32x4.add(z, ld(bias + o, one));
    st(zsRow + o, z, one);
    st(aRow + o, cellForward4(z, kind), one);
    k += one ? 1 : 4;
  }
}

/** lstmCell with `act` (c̃ and the output) and `gate` (i, f, o); zs (batch, 4·units): the pre-activations. */
export function lstmCellAct(
  xw: usize, t: i32, steps: i32, hu: usize, bias: usize, cPrev: usize,
  a: usize, c: usize, ac: usize, h: usize, batch: i32, units: i32, act: i32, gate: i32, zs: usize,
): void {
  const g = 4 * units;
  const u = <usize>units << 2;
  for (let b = 0; b < batch; b++) {
    const row = xw + (<usize>((b * steps + t) * g) << 2);
    const zRow = hu + (<usize>(b * g) << 2);
    const aRow = a + (<usize>(b * g) << 2), zsRow = zs + (<usize>(b * g) << 2);
    gateRangeAct(row, zRow, bias, aRow, zsRow, 0, 2 * units, gate);
    gateRangeAct(row, zRow, bias, aRow, zsRow, 2 * units, 3 * units, act);
    gateRangeAct(row, zRow, bias, aRow, zsRow, 3 * units, g, gate);
    const r = <usize>(b * units) << 2;
    for (let k = 0; k < units; ) {
      const one = k + 4 > units;
      const i = <usize>k << 2;
      const q = aRow + i;
      const cNew = sumOfProducts4(ld(q + u, one), ld(cPrev + r + i, one), ld(q, one), ld(q + 2 * u, one));
      st(c + r + i, cNew, one);
      const y = cellForward4(cNew, act);
      st(ac + r + i, y, one);
      st(h + r + i, f32x4.mul(ld(q + 3 * u, one), y), one);
      k += one ? 1 : 4;
    }
  }
}

/** lstmCellGrad with lstmCellAct's activations, from its zs and c as well. */
export function lstmCellGradAct(
  dh: usize, dhNext: usize, dcNext: usize, a: usize, ac: usize, cPrev: usize, zs: usize, c: usize,
  dz: usize, dcPrev: usize, batch: i32, units: i32, act: i32, gate: i32,
): void {
  const g = 4 * units;
  const u = <usize>units << 2;
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < units; ) {
      const one = j + 4 > units;
      const i = <usize>(b * units + j) << 2;
      const q = <usize>(b * g + j) << 2;
      const ai = ld(a + q, one), af = ld(a + q + u, one), ag = ld(a + q + 2 * u, one), ao = ld(a + q + 3 * u, one);
      const tc = ld(ac + i, one);
      const dht = f32x4.add(ld(dh + i, one), ld(dhNext + i, one));
      const dac = f32x4.mul(dht, ao);
      const dc = f32x4.add(f32x4.mul(dac, cellDerivative4(ld(c + i, one), tc, act)), ld(dcNext + i, one));
      const p = dz + q, zq = zs + q;
      st(p, f32x4.mul(f32x4.mul(dc, ag), cellDerivative4(ld(zq, one), ai, gate)), one);
      st(p + u, f32x4.mul(f32x4.mul(dc, ld(cPrev + i, one)), cellDerivative4(ld(zq + u, one), af, gate)), one);
      st(p + 2 * u, f32x4.mul(f32x4.mul(dc, ai), cellDerivative4(ld(zq + 2 * u, one), ag, act)), one);
      st(p + 3 * u, f32x4.mul(f32x4.mul(dht, tc), cellDerivative4(ld(zq + 3 * u, one), ao, gate)), one);
      st(dcPrev + i, f32x4.mul(dc, af), one);
      j += one ? 1 : 4;
    }
  }
}

/** gruCell with `act` (h̃) and `gate` (z, r); zs (batch, 3·units): the pre-activations of z, r and h̃. */
export function gruCellAct(
  xw: usize, t: i32, steps: i32, hu: usize, bias: usize, hPrev: usize,
  a: usize, hh: usize, h: usize, batch: i32, units: i32, act: i32, gate: i32, zs: usize,
): void {
  const g = 3 * units;
  const w = <usize>units << 2;
  const bh = bias + 3 * w;
  const one64 = f64x2.splat(1);
  for (let b = 0; b < batch; b++) {
    const row = xw + (<usize>((b * steps + t) * g) << 2);
    const uRow = hu + (<usize>(b * g) << 2);
    const aRow = a + (<usize>(b * g) << 2), zsRow = zs + (<usize>(b * g) << 2);
    const hRow = (<usize>(b * units)) << 2;
    for (let j = 0; j < units; ) {
      const one = j + 4 > units;
      const o = <usize>j << 2;
      let uz = ld(uRow + o, one), ur = ld(uRow + w + o, one), uh = ld(uRow + 2 * w + o, one);
      let xz = ld(row + o, one), xr = ld(row + w + o, one), xh = ld(row + 2 * w + o, one);
      if (bias) {
        xz = f32x4.add(xz, ld(bias + o, one));
        xr = f32x4.add(xr, ld(bias + w + o, one));
        xh = f32x4.add(xh, ld(bias + 2 * w + o, one));
        uz = f32x4.add(uz, ld(bh + o, one));
        ur = f32x4.add(ur, ld(bh + w + o, one));
        uh = f32x4.add(uh, ld(bh + 2 * w + o, one));
      }
      const zz = f32x4.add(xz, uz), zr = f32x4.add(xr, ur);
      const z = cellForward4(zz, gate), r = cellForward4(zr, gate);
      const zc = f32x4.add(xh, f32x4.mul(r, uh));
      const cand = cellForward4(zc, act);
      st(zsRow + o, zz, one);
      st(zsRow + w + o, zr, one);
      st(zsRow + 2 * w + o, zc, one);
      st(aRow + o, z, one);
      st(aRow + w + o, r, one);
      st(aRow + 2 * w + o, cand, one);
      st(hh + hRow + o, uh, one);
      const hp = ld(hPrev + hRow + o, one);
      const hNew = to32(
        f64x2.add(f64x2.mul(lo(z), lo(hp)), f64x2.mul(f64x2.sub(one64, lo(z)), lo(cand))),
        f64x2.add(f64x2.mul(hi(z), hi(hp)), f64x2.mul(f64x2.sub(one64, hi(z)), hi(cand))),
      );
      st(h + hRow + o, hNew, one);
      j += one ? 1 : 4;
    }
  }
}

/** gruCellGrad with gruCellAct's activations, from its zs as well. */
export function gruCellGradAct(
  dh: usize, dhNext: usize, carryDht: usize, carryA: usize, a: usize, hh: usize, hPrev: usize, zs: usize,
  dx: usize, du: usize, dht: usize, batch: i32, units: i32, act: i32, gate: i32,
): void {
  const g = 3 * units;
  const w = <usize>units << 2;
  const one64 = f64x2.splat(1);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < units; ) {
      const one = j + 4 > units;
      const i = <usize>(b * units + j) << 2;
      const q = <usize>(b * g + j) << 2;
      const z = ld(a + q, one), r = ld(a + q + w, one), cand = ld(a + q + 2 * w, one);
      let next = ld(dhNext + i, one);
      if (carryDht) {
        const cd = ld(carryDht + i, one), ca = ld(carryA + q, one);
        next = to32(f64x2.add(lo(next), f64x2.mul(lo(cd), lo(ca))), f64x2.add(hi(next), f64x2.mul(hi(cd), hi(ca))));
      }
      const d = f32x4.add(ld(dh + i, one), next);
      st(dht + i, d, one);
      const hp = ld(hPrev + i, one);
      const dzA = to32(f64x2.mul(lo(d), f64x2.sub(lo(hp), lo(cand))), f64x2.mul(hi(d), f64x2.sub(hi(hp), hi(cand))));
      const dcand = to32(f64x2.mul(lo(d), f64x2.sub(one64, lo(z))), f64x2.mul(hi(d), f64x2.sub(one64, hi(z))));
      const dzc = f32x4.mul(dcand, cellDerivative4(ld(zs + q + 2 * w, one), cand, act));
      const dzz = f32x4.mul(dzA, cellDerivative4(ld(zs + q, one), z, gate));
      const dzr = f32x4.mul(f32x4.mul(dzc, ld(hh + i, one)), cellDerivative4(ld(zs + q + w, one), r, gate));
      st(dx + q, dzz, one);
      st(du + q, dzz, one);
      st(dx + q + w, dzr, one);
      st(du + q + w, dzr, one);
      st(dx + q + 2 * w, dzc, one);
      st(du + q + 2 * w, f32x4.mul(dzc, r), one);
      j += one ? 1 : 4;
    }
  }
}
