// AssemblyScript. Average pooling over NHWC and its gradient. As Keras does, a 'same' window averages only its real
// elements (count excludes the padding). Forward: each output sums its window, then scales by 1/count; gradient,
// gathered: each input pixel sums dy/count over the windows that hold it, in window order. Channels are the SIMD
// lanes (4 at a time, then one by one); threads claim rows of output (forward) or input (gradient) pixels, so every
// value is computed the same way on any thread count.
import { claim } from './claim';
import { fma } from './gemm';

/** The fewest rows a thread claims at once. */
const ROWS: i32 = 2;

// @ts-ignore: decorator
@inline function windowCount(oy: i32, ox: i32, inH: i32, inW: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32): i32 {
  const y0 = max(oy * sh - padT, 0), y1 = min(oy * sh - padT + kh, inH);
  const x0 = max(ox * sw - padL, 0), x1 = min(ox * sw - padL + kw, inW);
  return (y1 - y0) * (x1 - x0);
}

export function avgPoolForward(
  x: usize, out: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32, ctx: usize,
): void {
  const rows = batch * outH;
  const c4 = c & ~3;
  for (let r0 = claim(ctx, ROWS, rows); r0 < rows; r0 = claim(ctx, ROWS, rows)) {
    for (let r = r0, end = min(rows, r0 + ROWS); r < end; r++) {
      const b = r / outH, oy = r % outH;
      const y0 = max(oy * sh - padT, 0), y1 = min(oy * sh - padT + kh, inH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = max(ox * sw - padL, 0), x1 = min(ox * sw - padL + kw, inW);
        const inv = <f32>1 / <f32>((y1 - y0) * (x1 - x0));
        const o = out + (<usize>((r * outW + ox) * c) << 2);
        for (let k = 0; k < c4; k += 4) {
          let acc = f32x4.splat(0);
          for (let iy = y0; iy < y1; iy++)
            for (let ix = x0; ix < x1; ix++)
              acc = f32x4.add(acc, v128.load(x + (<usize>(((b * inH + iy) * inW + ix) * c + k) << 2)));
          v128.store(o + (<usize>k << 2), f32x4.mul(acc, f32x4.splat(inv)));
        }
        for (let k = c4; k < c; k++) {
          let acc: f32 = 0;
          for (let iy = y0; iy < y1; iy++)
            for (let ix = x0; ix < x1; ix++) acc += load<f32>(x + (<usize>(((b * inH + iy) * inW + ix) * c + k) << 2));
          store<f32>(o + (<usize>k << 2), acc * inv);
        }
      }
    }
  }
}

export function avgPoolBackward(
  dy: usize, dx: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32, ctx: usize,
): void {
  const rows = batch * inH;
  const c4 = c & ~3;
  for (let r0 = claim(ctx, ROWS, rows); r0 < rows; r0 = claim(ctx, ROWS, rows)) {
    for (let r = r0, end = min(rows, r0 + ROWS); r < end; r++) {
      const b = r / inH, iy = r % inH;
      // Windows oy with oy·sh − padT ≤ iy < oy·sh − padT + kh.
      const oyLo = max(0, ceilDiv(iy + padT - kh + 1, sh)), oyHi = min(outH - 1, floorDiv(iy + padT, sh));
      for (let ix = 0; ix < inW; ix++) {
        const oxLo = max(0, ceilDiv(ix + padL - kw + 1, sw)), oxHi = min(outW - 1, floorDiv(ix + padL, sw));
        const d = dx + (<usize>((r * inW + ix) * c) << 2);
        memory.fill(d, 0, <usize>c << 2);
        for (let oy = oyLo; oy <= oyHi; oy++)
          for (let ox = oxLo; ox <= oxHi; ox++) {
            const inv = <f32>1 / <f32>windowCount(oy, ox, inH, inW, kh, kw, sh, sw, padT, padL);
            const g = dy + (<usize>(((b * outH + oy) * outW + ox) * c) << 2);
            const v = f32x4.splat(inv);
            for (let k = 0; k < c4; k += 4) {
              const o = <usize>k << 2;
              v128.store(d + o, fma(v128.load(g + o), v, v128.load(d + o)));
            }
            for (let k = c4; k < c; k++) {
              const o = <usize>k << 2;
              store<f32>(d + o, load<f32>(d + o) + load<f32>(g + o) * inv);
            }
          }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function floorDiv(a: i32, b: i32): i32 {
  const q = a / b;
  return q * b > a ? q - 1 : q;
}

// @ts-ignore: decorator
@inline function ceilDiv(a: i32, b: i32): i32 {
  return -floorDiv(-a, b);
}
