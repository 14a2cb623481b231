// AssemblyScript. Keras's Adam step over one variable, two lanes at a time in f64: the same correctly
// rounded operations in the same order as the reference's f64 JavaScript, so the results are bit-identical to it (an
// f32 version drifted by ulps per step, enough to move a training run's trajectory).
import { claim } from './claim';

// @ts-ignore: decorator
@inline function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

// @ts-ignore: decorator
@inline function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** Claims are whole multiples of this many values (even: the pairs never straddle two threads), about 64 per update. */
const ADAM_CHUNK: i32 = 4096;

/**
 * m' = m + (g − m)·k1; v' = v + (g² − v)·k2; w −= alpha · m' / (√v' + eps), over n values (k1 = 1 − β₁, k2 = 1 − β₂),
 * reading the slots at m, v and writing them at mOut, vOut (the same addresses: in place), threads claiming whole
 * multiples of ADAM_CHUNK values at a time (every value is computed alone, so the split changes nothing).
 */
export function adamUpdate(
  w: usize, g: usize, m: usize, v: usize, mOut: usize, vOut: usize, n: i32,
  alpha: f64, k1s: f64, k2s: f64, eps: f64, ctx: usize,
): void {
  const span = max<i32>(1, (n + ADAM_CHUNK * 64 - 1) / (ADAM_CHUNK * 64)) * ADAM_CHUNK;
  for (let i0 = claim(ctx, span, n); i0 < n; i0 = claim(ctx, span, n)) {
    const o0 = <usize>i0 << 2;
    adamRange(w + o0, g + o0, m + o0, v + o0, mOut + o0, vOut + o0, min(span, n - i0), alpha, k1s, k2s, eps);
  }
}

/** Ints per variable in adamUpdateMany's table: w, g, m, v, mOut, vOut (byte addresses), n, its first index. */
const ENTRY: i32 = 8;

/**
 * adamUpdate over many variables in one call: the table holds `count` entries (ENTRY ints each) whose values, laid end
 * to end, run from 0 to `total`; threads claim spans of that whole range, so a model's many small variables share
 * the threads as one large one would, and a step pays one call instead of one per variable. Every value is computed
 * alone, as adamUpdate computes it: the same bits on any split.
 */
export function adamUpdateMany(
  table: usize, count: i32, total: i32, alpha: f64, k1s: f64, k2s: f64, eps: f64, ctx: usize,
): void {
  const span = max<i32>(1, (total + ADAM_CHUNK * 64 - 1) / (ADAM_CHUNK * 64)) * ADAM_CHUNK;
  let e = 0;
  for (let i0 = claim(ctx, span, total); i0 < total; i0 = claim(ctx, span, total)) {
    const i1 = min(total, i0 + span);
    // The first entry that ends after i0 (claims mostly move forward: search from the last one, else from the top).
    if (e >= count || field(table, e, 7) > i0) e = 0;
    while (field(table, e, 7) + field(table, e, 6) <= i0) e++;
    for (let k = e; k < count; k++) {
      const first = field(table, k, 7), n = field(table, k, 6);
      if (first >= i1) break;
      const lo = max(i0, first) - first, hi = min(i1, first + n) - first;
      const o = <usize>lo << 2;
      adamRange(
        <usize>field(table, k, 0) + o, <usize>field(table, k, 1) + o, <usize>field(table, k, 2) + o,
        <usize>field(table, k, 3) + o, <usize>field(table, k, 4) + o, <usize>field(table, k, 5) + o,
        hi - lo, alpha, k1s, k2s, eps,
      );
    }
  }
}

// @ts-ignore: decorator
@inline function field(table: usize, entry: i32, i: i32): i32 {
  return load<i32>(table + (<usize>(entry * ENTRY + i) << 2));
}

function adamRange(
  w: usize, g: usize, m: usize, v: usize, mo: usize, vo: usize, n: i32, alpha: f64, k1s: f64, k2s: f64, eps: f64,
): void {
  const n2 = n & ~1;
  const k1 = f64x2.splat(k1s), k2 = f64x2.splat(k2s), a = f64x2.splat(alpha), e = f64x2.splat(eps);
  let i = 0;
  for (; i < n2; i += 2) {
    const o = <usize>i << 2;
    const gi = load2(g + o), m0 = load2(m + o), v0 = load2(v + o);
    store2(mo + o, f64x2.add(m0, f64x2.mul(f64x2.sub(gi, m0), k1)));
    store2(vo + o, f64x2.add(v0, f64x2.mul(f64x2.sub(f64x2.mul(gi, gi), v0), k2)));
    // The stored (f32-rounded) slots feed the weight update, as in the reference.
    const m1 = load2(mo + o), v1 = load2(vo + o);
    store2(w + o, f64x2.sub(load2(w + o), f64x2.div(f64x2.mul(a, m1), f64x2.add(f64x2.sqrt(v1), e))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = <f64>load<f32>(g + o);
    store<f32>(mo + o, <f32>(<f64>load<f32>(m + o) + (gi - <f64>load<f32>(m + o)) * k1s));
    store<f32>(vo + o, <f32>(<f64>load<f32>(v + o) + (gi * gi - <f64>load<f32>(v + o)) * k2s));
    const m1 = <f64>load<f32>(mo + o), v1 = <f64>load<f32>(vo + o);
    store<f32>(w + o, <f32>(<f64>load<f32>(w + o) - (alpha * m1) / (Math.sqrt(v1) + eps)));
  }
}
