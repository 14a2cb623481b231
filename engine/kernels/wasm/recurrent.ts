// AssemblyScript. One LSTM or GRU step's elementwise part (sigmoid gates, tanh), forward and backward, as
// engine/kernels/lstm-cell.ts and gru-cell.ts compute it: each value in f64 from float32 operands and rounded to float32 where the
// reference stores it, in the same order, so the arithmetic is the reference's. exp and tanh are AssemblyScript's
// (musl's), not V8's (fdlibm's): both are within an ulp in f64, which float32 rounding almost always hides; the
// tests compare with the reference bit for bit on their shapes. A step of a text model holds a few thousand values:
// one thread, no SIMD (exp dominates and is scalar).

// @ts-ignore: decorator
@inline function f(p: usize): f64 {
  return <f64>load<f32>(p);
}

// @ts-ignore: decorator
@inline function put(p: usize, v: f64): void {
  store<f32>(p, <f32>v);
}

// @ts-ignore: decorator
@inline function sigmoid(v: f64): f64 {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
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
    for (let k = 0; k < g; k++) {
      const o = <usize>k << 2;
      let z = <f32>(f(row + o) + f(zRow + o));
      if (bias) z = <f32>(<f64>z + f(bias + o));
      put(aRow + o, k >= 2 * units && k < 3 * units ? Math.tanh(<f64>z) : sigmoid(<f64>z));
    }
    for (let j = 0; j < units; j++) {
      const i = <usize>(b * units + j) << 2;
      const q = aRow + (<usize>j << 2);
      const u = <usize>units << 2;
      put(c + i, f(q + u) * f(cPrev + i) + f(q) * f(q + 2 * u));
      put(ac + i, Math.tanh(f(c + i)));
      put(h + i, f(q + 3 * u) * f(ac + i));
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
    for (let j = 0; j < units; j++) {
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
    for (let j = 0; j < units; j++) {
      const o = <usize>j << 2;
      const i = <usize>(b * units + j) << 2;
      let uz = load<f32>(uRow + o), ur = load<f32>(uRow + w + o), uh = load<f32>(uRow + 2 * w + o);
      let xz = load<f32>(row + o), xr = load<f32>(row + w + o), xh = load<f32>(row + 2 * w + o);
      if (bias) {
        const bh = bias + 3 * w;
        xz = <f32>(<f64>xz + f(bias + o));
        xr = <f32>(<f64>xr + f(bias + w + o));
        xh = <f32>(<f64>xh + f(bias + 2 * w + o));
        uz = <f32>(<f64>uz + f(bh + o));
        ur = <f32>(<f64>ur + f(bh + w + o));
        uh = <f32>(<f64>uh + f(bh + 2 * w + o));
      }
      put(aRow + o, sigmoid(<f64><f32>(<f64>xz + <f64>uz)));
      put(aRow + w + o, sigmoid(<f64><f32>(<f64>xr + <f64>ur)));
      store<f32>(hh + i, uh);
      put(aRow + 2 * w + o, Math.tanh(<f64><f32>(<f64>xh + f(aRow + w + o) * <f64>uh)));
      const z = f(aRow + o);
      put(h + i, z * f(hPrev + i) + (1 - z) * f(aRow + 2 * w + o));
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
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < units; j++) {
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
