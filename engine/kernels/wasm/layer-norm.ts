// AssemblyScript. LayerNormalization over the last axis, the reference's arithmetic (layer-norm.ts) to the bit: a
// row's mean and variance summed in f64 in channel order, x̂ and y rounded to f32 where the reference stores them.
// Rows are independent: threads claim spans of rows for the forward pass and for dx. dgamma and dbeta sum over the
// rows in f32 in row order, as the reference does: one thread (layerNormParamGrads), so the bits don't depend on the
// split.
import { claim } from './claim';

// @ts-ignore: decorator
@inline function f(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function put(p: usize, i: i32, v: f64): void {
  store<f32>(p + (<usize>i << 2), <f32>v);
}

/** Rows one claim takes: about 64 claims per op. */
// @ts-ignore: decorator
@inline function span(rows: i32): i32 {
  return max<i32>(1, (rows + 63) / 64);
}

/**
 * y = gamma · x̂ + beta (gamma, beta 0: none) for rows × c; x̂ and `centered` (the same address unless rms) and
 * invStd per row are kept for the gradient.
 */
export function layerNormForward(
  x: usize, y: usize, xhat: usize, centered: usize, invStd: usize, rows: i32, c: i32,
  gamma: usize, beta: usize, eps: f64, rms: i32, ctx: usize,
): void {
  const step = span(rows);
  for (let r0 = claim(ctx, step, rows); r0 < rows; r0 = claim(ctx, step, rows))
    for (let row = r0, end = min(rows, r0 + step); row < end; row++) {
      const at = row * c;
      let mean: f64 = 0;
      for (let j = 0; j < c; j++) mean += f(x, at + j);
      mean /= <f64>c;
      let v: f64 = 0;
      for (let j = 0; j < c; j++) {
        const d = f(x, at + j) - mean;
        v += d * d;
      }
      const inv = 1 / Math.sqrt(v / <f64>c + eps);
      put(invStd, row, inv);
      for (let j = 0; j < c; j++) {
        put(centered, at + j, (f(x, at + j) - mean) * inv);
        const h = rms ? f(x, at + j) * inv : f(centered, at + j);
        put(xhat, at + j, h);
        put(y, at + j, (gamma ? f(gamma, j) * h : h) + (beta ? f(beta, j) : 0));
      }
    }
}

/** dx per row: invStd · (g − mean(g) − centered · mean(g · x̂)), g = dy · gamma; mean(g) dropped under rms. */
export function layerNormBackward(
  dy: usize, xhat: usize, centered: usize, invStd: usize, dx: usize, rows: i32, c: i32, gamma: usize, rms: i32,
  ctx: usize,
): void {
  const step = span(rows);
  for (let r0 = claim(ctx, step, rows); r0 < rows; r0 = claim(ctx, step, rows))
    for (let row = r0, end = min(rows, r0 + step); row < end; row++) {
      const at = row * c;
      let sumG: f64 = 0,
        sumGX: f64 = 0;
      for (let j = 0; j < c; j++) {
        const g = gamma ? f(dy, at + j) * f(gamma, j) : f(dy, at + j);
        sumG += g;
        sumGX += g * f(xhat, at + j);
      }
      const meanG = rms ? 0 : sumG / <f64>c,
        meanGX = sumGX / <f64>c;
      const inv = f(invStd, row);
      for (let j = 0; j < c; j++) {
        const g = gamma ? f(dy, at + j) * f(gamma, j) : f(dy, at + j);
        put(dx, at + j, inv * (g - meanG - f(centered, at + j) * meanGX));
      }
    }
}

/** dgamma[j] += dy · x̂ and dbeta[j] += dy over the rows in row order, each sum rounded to f32 (dgamma, dbeta zeroed here). */
export function layerNormParamGrads(dy: usize, xhat: usize, dgamma: usize, dbeta: usize, rows: i32, c: i32): void {
  memory.fill(dgamma, 0, <usize>c << 2);
  memory.fill(dbeta, 0, <usize>c << 2);
  for (let row = 0; row < rows; row++) {
    const at = row * c;
    for (let j = 0; j < c; j++) {
      put(dgamma, j, f(dgamma, j) + f(dy, at + j) * f(xhat, at + j));
      put(dbeta, j, f(dbeta, j) + f(dy, at + j));
    }
  }
}
