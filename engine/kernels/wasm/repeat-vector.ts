// AssemblyScript. RepeatVector: forward, row b of x copied to rows (b, 0 … n − 1) of y; backward, dx row b the float32
// sum of dy rows (b, 0 … n − 1) in step order (the reference's order, so its bits). Threads claim samples.
import { claim } from './claim';

export function repeatRows(x: usize, y: usize, batch: i32, n: i32, features: i32, ctx: usize): void {
  const bytes = <usize>features << 2;
  const step = max<i32>(1, 4096 / max<i32>(n * features, 1));
  for (let b0 = claim(ctx, step, batch); b0 < batch; b0 = claim(ctx, step, batch))
    for (let b = b0, end = min(batch, b0 + step); b < end; b++)
      for (let t = 0; t < n; t++) memory.copy(y + <usize>(b * n + t) * bytes, x + <usize>b * bytes, bytes);
}

export function repeatRowsGrad(dy: usize, dx: usize, batch: i32, n: i32, features: i32, ctx: usize): void {
  const bytes = <usize>features << 2;
  const step = max<i32>(1, 4096 / max<i32>(n * features, 1));
  for (let b0 = claim(ctx, step, batch); b0 < batch; b0 = claim(ctx, step, batch))
    for (let b = b0, end = min(batch, b0 + step); b < end; b++) {
      const out = dx + <usize>b * bytes;
      memory.fill(out, 0, bytes);
      for (let t = 0; t < n; t++) {
        const row = dy + <usize>(b * n + t) * bytes;
        let f = 0;
        for (; f + 4 <= features; f += 4) {
          const o = <usize>f << 2;
          v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(row + o)));
        }
        for (; f < features; f++) {
          const o = <usize>f << 2;
          store<f32>(out + o, load<f32>(out + o) + load<f32>(row + o));
        }
      }
    }
}
