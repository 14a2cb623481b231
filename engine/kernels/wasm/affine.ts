// AssemblyScript. y = (x − center) · scale + shift per channel (÷ scale with `divide`), float32 op by op as the
// reference (affine.ts), so the same bits: Rescaling, Normalization and LayerScale. The host repeats the vectors to
// c = lcm(channels, 4) values, so a row of c values is whole SIMD lanes; center and shift 0 mean none. Threads claim
// rows; the last, partial row (n not a multiple of c) runs value by value.
import { claim } from './claim';

export function affineRows(x: usize, y: usize, n: i32, c: i32, scale: usize, center: usize, shift: usize, divide: i32, ctx: usize): void {
  const rows = (n + c - 1) / c;
  const step = max<i32>(1, 4096 / c);
  for (let r0 = claim(ctx, step, rows); r0 < rows; r0 = claim(ctx, step, rows))
    for (let r = r0, end = min(rows, r0 + step); r < end; r++) {
      const base = r * c;
      const row = <usize>base << 2;
      if (base + c <= n) {
        for (let k = 0; k < c; k += 4) {
          const o = <usize>k << 2;
          let u = v128.load(x + row + o);
          if (center) u = f32x4.sub(u, v128.load(center + o));
          u = divide ? f32x4.div(u, v128.load(scale + o)) : f32x4.mul(u, v128.load(scale + o));
          if (shift) u = f32x4.add(u, v128.load(shift + o));
          v128.store(y + row + o, u);
        }
      } else {
        for (let k = 0; k < n - base; k++) {
          const o = <usize>k << 2;
          let u = load<f32>(x + row + o);
          if (center) u -= load<f32>(center + o);
          u = divide ? u / load<f32>(scale + o) : u * load<f32>(scale + o);
          if (shift) u += load<f32>(shift + o);
          store<f32>(y + row + o, u);
        }
      }
    }
}
