// AssemblyScript. Softmax over the last axis of rows × c values, four lanes at a time: the row's maximum, e^(x − max)
// by exp4 (float32, within 2 ulps), their sum, then each divided by it; the reference sums in float64, so the two
// differ by a few float32 ulps. Threads claim spans of rows (about 64 per op); a row's result doesn't depend on
// which thread ran it.
import { exp4 } from './exp';
import { claim } from './claim';

export function softmaxRows(x: usize, out: usize, rows: i32, c: i32, ctx: usize): void {
  const c4 = c & ~3;
  const stride = <usize>c << 2;
  const span = max<i32>(1, (rows + 63) / 64);
  for (let r0 = claim(ctx, span, rows); r0 < rows; r0 = claim(ctx, span, rows)) {
    for (let r = r0; r < min(rows, r0 + span); r++) {
      const xr = x + <usize>r * stride, yr = out + <usize>r * stride;
      let m4 = f32x4.splat(-Infinity);
      let j = 0;
      for (; j < c4; j += 4) m4 = f32x4.max(m4, v128.load(xr + (<usize>j << 2)));
      let m = max<f32>(max<f32>(f32x4.extract_lane(m4, 0), f32x4.extract_lane(m4, 1)), max<f32>(f32x4.extract_lane(m4, 2), f32x4.extract_lane(m4, 3)));
      for (; j < c; j++) m = max<f32>(m, load<f32>(xr + (<usize>j << 2)));
      const mv = f32x4.splat(m);
      let s4 = f32x4.splat(0);
      for (j = 0; j < c4; j += 4) {
        const e = exp4(f32x4.sub(v128.load(xr + (<usize>j << 2)), mv));
        v128.store(yr + (<usize>j << 2), e);
        s4 = f32x4.add(s4, e);
      }
      let s = f32x4.extract_lane(s4, 0) + f32x4.extract_lane(s4, 1) + f32x4.extract_lane(s4, 2) + f32x4.extract_lane(s4, 3);
      for (; j < c; j++) {
        const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(xr + (<usize>j << 2)) - m)), 0);
        store<f32>(yr + (<usize>j << 2), e);
        s += e;
      }
      const sv = f32x4.splat(s);
      for (j = 0; j < c4; j += 4) v128.store(yr + (<usize>j << 2), f32x4.div(v128.load(yr + (<usize>j << 2)), sv));
      for (; j < c; j++) store<f32>(yr + (<usize>j << 2), load<f32>(yr + (<usize>j << 2)) / s);
    }
  }
}
