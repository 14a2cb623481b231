// AssemblyScript. Batch norm over channels-last data seen as rows × C (C a multiple of 4), one thread.
// Sums run in f32 over blocks of ROWS_PER_FLUSH rows, then fold into f64 totals, so long reductions keep f64
// accuracy at f32 SIMD speed. The host computes the per-channel coefficients between the passes (C values).

const ROWS_PER_FLUSH: i32 = 64;

// @ts-ignore: decorator
@inline function flush(acc: usize, total: usize, c: i32): void {
  for (let j = 0; j < c; j++) {
    const a = acc + (<usize>j << 2), t = total + (<usize>j << 3);
    store<f64>(t, load<f64>(t) + <f64>load<f32>(a));
    store<f32>(a, 0);
  }
}

/** total[c] (f64) = Σ over rows of (x[r, c] − shift[c]) ^ power (power 1 or 2); acc is C f32 of scratch. */
export function channelSums(x: usize, rows: i32, c: i32, shift: usize, power: i32, total: usize, acc: usize): void {
  memory.fill(acc, 0, <usize>c << 2);
  memory.fill(total, 0, <usize>c << 3);
  let row = x;
  for (let r0 = 0; r0 < rows; r0 += ROWS_PER_FLUSH) {
    const r1 = min(rows, r0 + ROWS_PER_FLUSH);
    for (let r = r0; r < r1; r++) {
      for (let j = 0; j < c; j += 4) {
        const o = <usize>j << 2;
        const d = f32x4.sub(v128.load(row + o), v128.load(shift + o));
        v128.store(acc + o, f32x4.add(v128.load(acc + o), power == 2 ? f32x4.mul(d, d) : d));
      }
      row += <usize>c << 2;
    }
    flush(acc, total, c);
  }
}

/** total1[c] = Σ dy, total2[c] = Σ dy · (x − mean[c]) (the host scales it by invStd). */
export function gradSums(x: usize, dy: usize, rows: i32, c: i32, mean: usize, total1: usize, total2: usize, acc1: usize, acc2: usize): void {
  memory.fill(acc1, 0, <usize>c << 2);
  memory.fill(acc2, 0, <usize>c << 2);
  memory.fill(total1, 0, <usize>c << 3);
  memory.fill(total2, 0, <usize>c << 3);
  let o0: usize = 0;
  for (let r0 = 0; r0 < rows; r0 += ROWS_PER_FLUSH) {
    const r1 = min(rows, r0 + ROWS_PER_FLUSH);
    for (let r = r0; r < r1; r++) {
      for (let j = 0; j < c; j += 4) {
        const o = <usize>j << 2;
        const g = v128.load(dy + o0 + o);
        v128.store(acc1 + o, f32x4.add(v128.load(acc1 + o), g));
        v128.store(acc2 + o, f32x4.add(v128.load(acc2 + o), f32x4.mul(g, f32x4.sub(v128.load(x + o0 + o), v128.load(mean + o)))));
      }
      o0 += <usize>c << 2;
    }
    flush(acc1, total1, c);
    flush(acc2, total2, c);
  }
}

/** out = a · (u − cu) + b · (v − cv) + k per channel (v = 0 skips that term): BN's y and its dx. */
export function channelAffine(u: usize, cu: usize, v: usize, cv: usize, out: usize, rows: i32, c: i32, a: usize, b: usize, k: usize): void {
  let o0: usize = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < c; j += 4) {
      const o = <usize>j << 2;
      let y = f32x4.add(f32x4.mul(v128.load(a + o), f32x4.sub(v128.load(u + o0 + o), v128.load(cu + o))), v128.load(k + o));
      if (v) y = f32x4.add(y, f32x4.mul(v128.load(b + o), f32x4.sub(v128.load(v + o0 + o), v128.load(cv + o))));
      v128.store(out + o0 + o, y);
    }
    o0 += <usize>c << 2;
  }
}
