// AssemblyScript. go_backwards's step reversal: row (b, t) of y (batch·steps rows of `width` floats) is row
// (b, steps − 1 − t) of x, one memory.copy each. Threads claim spans of rows.
import { claim } from './claim';

export function reverseSteps(x: usize, y: usize, batch: i32, steps: i32, width: i32, ctx: usize): void {
  const rows = batch * steps;
  const bytes = <usize>width << 2;
  const step = max<i32>(1, 4096 / max<i32>(width, 1));
  for (let r0 = claim(ctx, step, rows); r0 < rows; r0 = claim(ctx, step, rows))
    for (let r = r0, end = min(rows, r0 + step); r < end; r++) {
      const b = r / steps, t = r % steps;
      memory.copy(y + <usize>r * bytes, x + <usize>(b * steps + steps - 1 - t) * bytes, bytes);
    }
}
