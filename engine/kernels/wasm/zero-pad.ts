// AssemblyScript. ZeroPadding2D and Cropping2D over NHWC (and each other's gradient) as one window copy: dst pixel
// (y, x) of each image is src pixel (y + oy, x + ox) where that lies inside src, else 0 (padding: oy, ox = −top, −left;
// cropping: top, left). Threads claim destination rows; a row is a zero run, a copied run and a zero run.
import { claim } from './claim';

export function windowCopy(src: usize, dst: usize, batch: i32, h1: i32, w1: i32, h2: i32, w2: i32, c: i32, oy: i32, ox: i32, ctx: usize): void {
  const rows = batch * h2;
  const pixel = <usize>c << 2;
  // Columns [x0, x1) of a destination row read src columns [x0 + ox, x1 + ox).
  const x0 = max<i32>(0, -ox), x1 = min<i32>(w2, w1 - ox);
  const step = max<i32>(1, 4096 / max<i32>(w2 * c, 1));
  for (let r0 = claim(ctx, step, rows); r0 < rows; r0 = claim(ctx, step, rows))
    for (let r = r0, end = min(rows, r0 + step); r < end; r++) {
      const b = r / h2, y = r % h2 + oy;
      const row = dst + <usize>r * <usize>w2 * pixel;
      if (y < 0 || y >= h1 || x1 <= x0) {
        memory.fill(row, 0, <usize>w2 * pixel);
        continue;
      }
      memory.fill(row, 0, <usize>x0 * pixel);
      memory.copy(row + <usize>x0 * pixel, src + (<usize>(b * h1 + y) * <usize>w1 + <usize>(x0 + ox)) * pixel, <usize>(x1 - x0) * pixel);
      memory.fill(row + <usize>x1 * pixel, 0, <usize>(w2 - x1) * pixel);
    }
}
