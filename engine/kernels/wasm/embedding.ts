// AssemblyScript. Embedding over float ids (whole numbers, checked by the host): the forward pass copies row
// trunc(id) of the (vocab, dim) table per token, threads claiming tokens; the table's gradient adds each token's dy
// row into its id's row in token order, float32 as the reference, so the same bits: threads claim ranges of table rows
// (`step` each), zero them, and each scans every token for ids in its range, so no two threads touch one row.
import { claim } from './claim';

export function embeddingGather(ids: usize, table: usize, out: usize, tokens: i32, dim: i32, ctx: usize): void {
  const row = <usize>dim << 2;
  const step = max<i32>(1, 4096 / max<i32>(dim, 1));
  for (let t0 = claim(ctx, step, tokens); t0 < tokens; t0 = claim(ctx, step, tokens))
    for (let t = t0, end = min(tokens, t0 + step); t < end; t++)
      memory.copy(out + <usize>t * row, table + <usize>(<i32>load<f32>(ids + (<usize>t << 2))) * row, row);
}

export function embeddingScatter(ids: usize, dy: usize, dE: usize, tokens: i32, vocab: i32, dim: i32, step: i32, ctx: usize): void {
  const row = <usize>dim << 2;
  const d4 = dim & ~3;
  for (let v0 = claim(ctx, step, vocab); v0 < vocab; v0 = claim(ctx, step, vocab)) {
    const v1 = min(vocab, v0 + step);
    memory.fill(dE + <usize>v0 * row, 0, <usize>(v1 - v0) * row);
    for (let t = 0; t < tokens; t++) {
      const id = <i32>load<f32>(ids + (<usize>t << 2));
      if (id < v0 || id >= v1) continue;
      const to = dE + <usize>id * row, from = dy + <usize>t * row;
      let j = 0;
      for (; j < d4; j += 4) {
        const o = <usize>j << 2;
        v128.store(to + o, f32x4.add(v128.load(to + o), v128.load(from + o)));
      }
      for (; j < dim; j++) {
        const o = <usize>j << 2;
        store<f32>(to + o, load<f32>(to + o) + load<f32>(from + o));
      }
    }
  }
}
