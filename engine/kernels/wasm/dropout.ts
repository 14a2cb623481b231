// AssemblyScript. Inverted dropout's mask and output, the reference's (dropout.ts) to the bit: mulberry32 seeded
// with `seed`, whose state only ever adds 0x6d2b79f5, so value i's draw comes from state seed + (i + 1)·0x6d2b79f5
// alone and threads can claim any span of values. Value i is kept (mask `keep` = 1/(1 − rate) as float32, else 0)
// when its draw t/2³² ≥ rate, that is when the integer t ≥ ⌈rate·2³²⌉ = `least` (exact: both sides scale by 2³²);
// y = x · mask in f32. Four draws at a time in i32x4 lanes (the multiplies keep the low 32 bits, as Math.imul).
import { claim } from './claim';
import { spanOf } from './add';

const STEP: u32 = 0x6d2b79f5;

// @ts-ignore: decorator
@inline function draw(s: u32): u32 {
  let t = s;
  t = (t ^ (t >>> 15)) * (t | 1);
  t ^= t + (t ^ (t >>> 7)) * (t | 61);
  return t ^ (t >>> 14);
}

/** least: ⌈rate·2³²⌉ (> 0xffffffff: every value dropped). */
export function dropoutForward(x: usize, y: usize, mask: usize, n: i32, seed: u32, least: f64, keep: f32, ctx: usize): void {
  const none = least > 4294967295.0;
  const bound: u32 = none ? 0 : <u32>least;
  const k = f32x4.splat(keep), b = i32x4.splat(<i32>bound);
  const span = spanOf(n);
  for (let i0 = claim(ctx, span, n); i0 < n; i0 = claim(ctx, span, n)) {
    const i1 = min(n, i0 + span);
    const first: u32 = seed + <u32>(i0 + 1) * STEP;
    let s = i32x4.add(i32x4.splat(<i32>first), i32x4(0, <i32>STEP, <i32>(2 * STEP), <i32>(3 * STEP)));
    const step4 = i32x4.splat(<i32>(4 * STEP));
    const one = i32x4.splat(1), sixtyOne = i32x4.splat(61);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      let t = s;
      t = i32x4.mul(v128.xor(t, i32x4.shr_u(t, 15)), v128.or(t, one));
      t = v128.xor(t, i32x4.add(t, i32x4.mul(v128.xor(t, i32x4.shr_u(t, 7)), v128.or(t, sixtyOne))));
      t = v128.xor(t, i32x4.shr_u(t, 14));
      const kept = none ? i32x4.splat(0) : i32x4.ge_u(t, b);
      const m = v128.and(k, kept);
      const o = <usize>i << 2;
      v128.store(mask + o, m);
      v128.store(y + o, f32x4.mul(v128.load(x + o), m));
      s = i32x4.add(s, step4);
    }
    for (; i < i1; i++) {
      const m: f32 = !none && draw(seed + <u32>(i + 1) * STEP) >= bound ? keep : 0;
      const o = <usize>i << 2;
      store<f32>(mask + o, m);
      store<f32>(y + o, load<f32>(x + o) * m);
    }
  }
}
