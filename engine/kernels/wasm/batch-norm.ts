// AssemblyScript. Batch norm over channels-last data seen as rows × C (C a multiple of 4). Threads claim spans of
// whole chunks of CHUNK rows (spanRows); sums run in f32 within a chunk and are folded into f64 in chunk order (foldPartials), so long reductions
// keep f64 accuracy at f32 SIMD speed and the result doesn't depend on the thread count. Between the passes one call
// here turns the sums into the per-channel coefficients (C values, in f64 as the host's JavaScript would): the host
// posts the second pass within microseconds, while the workers still spin. Forward is two sweeps (moments, then y),
// backward two (gradient sums, then dx).
import { claim } from './claim';
import { ACT_LINEAR, CHUNK, act4, foldPartials, grad4, spanRows } from './elementwise';

// Within a chunk the sums run channel group by channel group down the rows, in registers: the chunk (CHUNK rows
// of C floats, 8 KiB at C = 32) stays in L1 after the first group, and there are no accumulator loads and stores.
// Even and odd rows go to separate accumulators (two dependency chains), added at the end of the chunk.

/**
 * One sweep for the moments around a per-channel shift (close to the mean): partials1[chunk · c + j] = Σ d and
 * partials2[chunk · c + j] = Σ d² over the chunk's rows, d = x[r, j] − shift[j], in f32.
 */
export function channelMoments(x: usize, rows: i32, c: i32, shift: usize, partials1: usize, partials2: usize, ctx: usize): void {
  const stride = <usize>c << 2;
  const span = spanRows(rows);
  for (let s0 = claim(ctx, span, rows); s0 < rows; s0 = claim(ctx, span, rows))
  for (let r0 = s0; r0 < min(rows, s0 + span); r0 += CHUNK) {
    const r1 = min(rows, r0 + CHUNK);
    const at = <usize>(r0 / CHUNK) * stride;
    for (let j = 0; j < c; j += 4) {
      const o = <usize>j << 2;
      const s = v128.load(shift + o);
      let e1 = f32x4.splat(0), e2 = f32x4.splat(0), o1 = f32x4.splat(0), o2 = f32x4.splat(0);
      let p = x + <usize>r0 * stride + o;
      let r = r0;
      for (; r + 1 < r1; r += 2) {
        const d = f32x4.sub(v128.load(p), s), q = f32x4.sub(v128.load(p + stride), s);
        e1 = f32x4.add(e1, d);
        e2 = f32x4.add(e2, f32x4.mul(d, d));
        o1 = f32x4.add(o1, q);
        o2 = f32x4.add(o2, f32x4.mul(q, q));
        p += stride << 1;
      }
      if (r < r1) {
        const d = f32x4.sub(v128.load(p), s);
        e1 = f32x4.add(e1, d);
        e2 = f32x4.add(e2, f32x4.mul(d, d));
      }
      v128.store(partials1 + at + o, f32x4.add(e1, o1));
      v128.store(partials2 + at + o, f32x4.add(e2, o2));
    }
  }
}

/**
 * Per chunk: partials1 = Σ dy, partials2 = Σ dy · (x − mean[c]) (the host scales the total by invStd). With an
 * activation after the BN run as its epilogue (kind ≠ ACT_LINEAR: relu or relu6), each chunk's dy is first taken
 * through it by its output y, dz = dy · f'(y) (y > 0, and y < 6 for relu6: the mask its input gives, as the
 * activation's own gradient pass computes it, elementwise.ts's grad4), written to dz, which the sums and then the dx
 * pass read in dy's place.
 */
export function gradSums(
  x: usize, dy: usize, rows: i32, c: i32, mean: usize, partials1: usize, partials2: usize, y: usize, kind: i32,
  dz: usize, ctx: usize,
): void {
  const stride = <usize>c << 2;
  const span = spanRows(rows);
  const masked = kind != ACT_LINEAR;
  const g0 = masked ? dz : dy;
  const zero = f32x4.splat(0);
  for (let s0 = claim(ctx, span, rows); s0 < rows; s0 = claim(ctx, span, rows))
  for (let r0 = s0; r0 < min(rows, s0 + span); r0 += CHUNK) {
    const r1 = min(rows, r0 + CHUNK);
    const at = <usize>(r0 / CHUNK) * stride;
    if (masked)
      for (let q = <usize>r0 * stride, q1 = <usize>r1 * stride; q < q1; q += 16)
        v128.store(dz + q, grad4(v128.load(dy + q), v128.load(y + q), kind, zero));
    for (let j = 0; j < c; j += 4) {
      const o = <usize>j << 2;
      const m = v128.load(mean + o);
      let e1 = f32x4.splat(0), e2 = f32x4.splat(0), o1 = f32x4.splat(0), o2 = f32x4.splat(0);
      let p = <usize>r0 * stride + o;
      let r = r0;
      for (; r + 1 < r1; r += 2) {
        const g = v128.load(g0 + p), h = v128.load(g0 + p + stride);
        e1 = f32x4.add(e1, g);
        e2 = f32x4.add(e2, f32x4.mul(g, f32x4.sub(v128.load(x + p), m)));
        o1 = f32x4.add(o1, h);
        o2 = f32x4.add(o2, f32x4.mul(h, f32x4.sub(v128.load(x + p + stride), m)));
        p += stride << 1;
      }
      if (r < r1) {
        const g = v128.load(g0 + p);
        e1 = f32x4.add(e1, g);
        e2 = f32x4.add(e2, f32x4.mul(g, f32x4.sub(v128.load(x + p), m)));
      }
      v128.store(partials1 + at + o, f32x4.add(e1, o1));
      v128.store(partials2 + at + o, f32x4.add(e2, o2));
    }
  }
}

/**
 * out = f(a · (u − cu) + b · (v − cv) + k) per channel (v = 0 skips that term): BN's y, with the activation after it
 * as an epilogue (kind: relu or relu6, ACT_LINEAR: none; the same bits as its own pass, elementwise.ts's act4), and
 * BN's dx. out may be u (in place).
 */
export function channelAffine(
  u: usize, cu: usize, v: usize, cv: usize, out: usize, rows: i32, c: i32, a: usize, b: usize, k: usize, kind: i32,
  ctx: usize,
): void {
  const zero = f32x4.splat(0);
  const stride = <usize>c << 2;
  const span = spanRows(rows);
  for (let r0 = claim(ctx, span, rows); r0 < rows; r0 = claim(ctx, span, rows)) {
    const r1 = min(rows, r0 + span);
    let o0 = <usize>r0 * stride;
    for (let r = r0; r < r1; r++) {
      for (let j = 0; j < c; j += 4) {
        const o = <usize>j << 2;
        let y = f32x4.add(f32x4.mul(v128.load(a + o), f32x4.sub(v128.load(u + o0 + o), v128.load(cu + o))), v128.load(k + o));
        if (v) y = f32x4.add(y, f32x4.mul(v128.load(b + o), f32x4.sub(v128.load(v + o0 + o), v128.load(cv + o))));
        v128.store(out + o0 + o, kind != ACT_LINEAR ? act4(y, kind, zero) : y);
      }
      o0 += stride;
    }
  }
}

/** Both partial sums of a pass over `rows` rows folded into f64 totals (c each, the second's address returned). */
// @ts-ignore: decorator
@inline function foldBoth(p1: usize, p2: usize, rows: i32, c: i32, totals: usize): usize {
  const chunks = (rows + CHUNK - 1) / CHUNK;
  const t2 = totals + (<usize>c << 3);
  foldPartials(p1, chunks, c, totals);
  foldPartials(p2, chunks, c, t2);
  return t2;
}

/**
 * After channelMoments over `rows` rows: per channel, in f64, offset = Σd / rows, mean = shift + offset,
 * var = max(Σd² / rows − offset², 0), invStd = 1 / √(var + eps); written as f32 to stats (mean, var, invStd: 3 · c)
 * and as channelAffine's y = a · (x − cu) + k: cu = mean, a = invStd · gamma, k = beta (gamma, beta 0: none).
 * `totals` is 2 · c f64 of scratch.
 */
export function momentsCoefficients(
  p1: usize, p2: usize, rows: i32, c: i32, shift: usize, gamma: usize, beta: usize, eps: f64,
  totals: usize, stats: usize, cu: usize, a: usize, k: usize,
): void {
  const t2 = foldBoth(p1, p2, rows, c, totals);
  const n = <f64>rows;
  for (let j = 0; j < c; j++) {
    const o = <usize>j << 2;
    const offset = load<f64>(totals + (<usize>j << 3)) / n;
    const mean = <f64>load<f32>(shift + o) + offset;
    const variance = max(load<f64>(t2 + (<usize>j << 3)) / n - offset * offset, 0);
    const invStd = 1 / sqrt(variance + eps);
    store<f32>(stats + o, <f32>mean);
    store<f32>(stats + o + (<usize>c << 2), <f32>variance);
    store<f32>(stats + o + (<usize>c << 3), <f32>invStd);
    store<f32>(cu + o, <f32>mean);
    store<f32>(a + o, <f32>(gamma ? invStd * <f64>load<f32>(gamma + o) : invStd));
    store<f32>(k + o, beta ? load<f32>(beta + o) : 0);
  }
}

/**
 * After gradSums over `rows` rows (Σ dy and Σ dy · (x − mean) per channel): per channel, in f64, dbeta = Σ dy,
 * dgamma = Σ dy · (x − mean) · invStd, g = gamma · invStd, and channelAffine's dx = k1 · dy + kx · (x − mean) + k0:
 * k1 = g, kx = −g · dgamma / rows · invStd, k0 = −g · dbeta / rows. dgamma and dbeta (c each, f32) go to grads;
 * `totals` is 2 · c f64 of scratch.
 */
export function gradCoefficients(
  p1: usize, p2: usize, rows: i32, c: i32, invStd: usize, gamma: usize,
  totals: usize, grads: usize, k1: usize, kx: usize, k0: usize,
): void {
  const t2 = foldBoth(p1, p2, rows, c, totals);
  const n = <f64>rows;
  for (let j = 0; j < c; j++) {
    const o = <usize>j << 2;
    const s = <f64>load<f32>(invStd + o);
    const sumDy = load<f64>(totals + (<usize>j << 3));
    const sumDyXhat = load<f64>(t2 + (<usize>j << 3)) * s;
    const g = (gamma ? <f64>load<f32>(gamma + o) : 1) * s;
    store<f32>(grads + o, <f32>sumDyXhat);
    store<f32>(grads + o + (<usize>c << 2), <f32>sumDy);
    store<f32>(k1 + o, <f32>g);
    store<f32>(kx + o, <f32>(((-g * sumDyXhat) / n) * s));
    store<f32>(k0 + o, <f32>((-g * sumDy) / n));
  }
}
