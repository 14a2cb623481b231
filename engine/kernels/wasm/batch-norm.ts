// AssemblyScript. Batch norm over channels-last data seen as rows × C (C a multiple of 4). Threads claim chunks of
// CHUNK rows; sums run in f32 within a chunk and are folded into f64 in chunk order (foldPartials), so long reductions
// keep f64 accuracy at f32 SIMD speed and the result doesn't depend on the thread count. The host computes the
// per-channel coefficients between the passes (C values).
import { CHUNK, claim } from './elementwise';

/** partials[chunk · c + j] = Σ over the chunk's rows of (x[r, j] − shift[j]) ^ power (power 1 or 2), in f32. */
export function channelSums(x: usize, rows: i32, c: i32, shift: usize, power: i32, partials: usize, counter: usize): void {
  const stride = <usize>c << 2;
  for (let r0 = claim(counter, CHUNK); r0 < rows; r0 = claim(counter, CHUNK)) {
    const r1 = min(rows, r0 + CHUNK);
    const acc = partials + <usize>(r0 / CHUNK) * stride;
    memory.fill(acc, 0, stride);
    let row = x + <usize>r0 * stride;
    for (let r = r0; r < r1; r++) {
      for (let j = 0; j < c; j += 4) {
        const o = <usize>j << 2;
        const d = f32x4.sub(v128.load(row + o), v128.load(shift + o));
        v128.store(acc + o, f32x4.add(v128.load(acc + o), power == 2 ? f32x4.mul(d, d) : d));
      }
      row += stride;
    }
  }
}

/** Per chunk: partials1 = Σ dy, partials2 = Σ dy · (x − mean[c]) (the host scales the total by invStd). */
export function gradSums(x: usize, dy: usize, rows: i32, c: i32, mean: usize, partials1: usize, partials2: usize, counter: usize): void {
  const stride = <usize>c << 2;
  for (let r0 = claim(counter, CHUNK); r0 < rows; r0 = claim(counter, CHUNK)) {
    const r1 = min(rows, r0 + CHUNK);
    const acc1 = partials1 + <usize>(r0 / CHUNK) * stride, acc2 = partials2 + <usize>(r0 / CHUNK) * stride;
    memory.fill(acc1, 0, stride);
    memory.fill(acc2, 0, stride);
    let o0 = <usize>r0 * stride;
    for (let r = r0; r < r1; r++) {
      for (let j = 0; j < c; j += 4) {
        const o = <usize>j << 2;
        const g = v128.load(dy + o0 + o);
        v128.store(acc1 + o, f32x4.add(v128.load(acc1 + o), g));
        v128.store(acc2 + o, f32x4.add(v128.load(acc2 + o), f32x4.mul(g, f32x4.sub(v128.load(x + o0 + o), v128.load(mean + o)))));
      }
      o0 += stride;
    }
  }
}

/** out = a · (u − cu) + b · (v − cv) + k per channel (v = 0 skips that term): BN's y and its dx. */
export function channelAffine(u: usize, cu: usize, v: usize, cv: usize, out: usize, rows: i32, c: i32, a: usize, b: usize, k: usize, counter: usize): void {
  const stride = <usize>c << 2;
  for (let r0 = claim(counter, CHUNK); r0 < rows; r0 = claim(counter, CHUNK)) {
    const r1 = min(rows, r0 + CHUNK);
    let o0 = <usize>r0 * stride;
    for (let r = r0; r < r1; r++) {
      for (let j = 0; j < c; j += 4) {
        const o = <usize>j << 2;
        let y = f32x4.add(f32x4.mul(v128.load(a + o), f32x4.sub(v128.load(u + o0 + o), v128.load(cu + o))), v128.load(k + o));
        if (v) y = f32x4.add(y, f32x4.mul(v128.load(b + o), f32x4.sub(v128.load(v + o0 + o), v128.load(cv + o))));
        v128.store(out + o0 + o, y);
      }
      o0 += stride;
    }
  }
}
