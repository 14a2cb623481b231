// AssemblyScript. A transpose (Permute) as rows of y: each row (every index but the last) starts at Σ index_k ·
// stride_k in x, and its values lie `last stride` apart there: one memory.copy when that is 1 (the channels stay
// last, as Permute over the spatial axes keeps them), a strided gather otherwise. Threads claim spans of rows. shape,
// strides: rank i32 each (y's shape; x's strides along y's axes).
import { claim } from './claim';

export function transposeRows(x: usize, y: usize, rank: i32, shape: usize, strides: usize, ctx: usize): void {
  const last = load<i32>(shape + (<usize>(rank - 1) << 2));
  const lastStride = load<i32>(strides + (<usize>(rank - 1) << 2));
  let rows = 1;
  for (let k = 0; k < rank - 1; k++) rows *= load<i32>(shape + (<usize>k << 2));
  const step = max<i32>(1, 4096 / max<i32>(last, 1));
  for (let r0 = claim(ctx, step, rows); r0 < rows; r0 = claim(ctx, step, rows))
    for (let r = r0, end = min(rows, r0 + step); r < end; r++) {
      let from: usize = 0;
      let rest = r;
      for (let k = rank - 2; k >= 0; k--) {
        const d = load<i32>(shape + (<usize>k << 2));
        from += <usize>(rest % d) * <usize>load<i32>(strides + (<usize>k << 2));
        rest /= d;
      }
      const dst = y + (<usize>r * <usize>last << 2);
      const src = x + (from << 2);
      if (lastStride == 1) memory.copy(dst, src, <usize>last << 2);
      else for (let j = 0; j < last; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j * <usize>lastStride << 2)));
    }
}
