// AssemblyScript. The memory-bound passes around every linear layer, one thread, 4 lanes at a time with a scalar tail:
// bias add and its gradient (a sum over rows), and the piecewise-linear activations with their gradients.
// Semantics match the reference kernels exactly, NaN included: relu's pmax and the `>` masks send NaN to 0 as
// `v > 0 ? v : 0` does, relu6's min/max keep it as Math.min/Math.max do.

const ROWS_PER_FLUSH: i32 = 64;

/** out[r, j] = x[r, j] + bias[j] over rows × c (any c). */
export function biasAdd(x: usize, bias: usize, out: usize, rows: i32, c: i32): void {
  const c4 = c & ~3;
  const stride = <usize>c << 2;
  for (let r = 0; r < rows; r++) {
    let j = 0;
    for (; j < c4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(x + o), v128.load(bias + o)));
    }
    for (; j < c; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(x + o) + load<f32>(bias + o));
    }
    x += stride;
    out += stride;
  }
}

/**
 * total[j] (f64) = Σ over rows of dy[r, j]: f32 partial sums over blocks of ROWS_PER_FLUSH rows folded into f64, so
 * long batches keep f64 accuracy at f32 SIMD speed; acc is c f32 of scratch. One fixed order: deterministic.
 */
export function biasGrad(dy: usize, rows: i32, c: i32, total: usize, acc: usize): void {
  const c4 = c & ~3;
  memory.fill(acc, 0, <usize>c << 2);
  memory.fill(total, 0, <usize>c << 3);
  for (let r0 = 0; r0 < rows; r0 += ROWS_PER_FLUSH) {
    const r1 = min(rows, r0 + ROWS_PER_FLUSH);
    for (let r = r0; r < r1; r++) {
      let j = 0;
      for (; j < c4; j += 4) {
        const o = <usize>j << 2;
        v128.store(acc + o, f32x4.add(v128.load(acc + o), v128.load(dy + o)));
      }
      for (; j < c; j++) {
        const o = <usize>j << 2;
        store<f32>(acc + o, load<f32>(acc + o) + load<f32>(dy + o));
      }
      dy += <usize>c << 2;
    }
    for (let j = 0; j < c; j++) {
      const a = acc + (<usize>j << 2), t = total + (<usize>j << 3);
      store<f64>(t, load<f64>(t) + <f64>load<f32>(a));
      store<f32>(a, 0);
    }
  }
}

// Activation codes shared with the host (fast/activation.ts).
export const ACT_RELU: i32 = 0;
export const ACT_RELU6: i32 = 1;
export const ACT_LEAKY: i32 = 2;

// @ts-ignore: decorator
@inline function act4(v: v128, kind: i32, slope: v128): v128 {
  const zero = f32x4.splat(0);
  if (kind == ACT_RELU) return f32x4.pmax(zero, v); // zero < v ? v : zero
  if (kind == ACT_RELU6) return f32x4.min(f32x4.max(v, zero), f32x4.splat(6)); // NaN stays NaN, as Math.min/max
  return v128.bitselect(v, f32x4.mul(v, slope), f32x4.gt(v, zero));
}

// @ts-ignore: decorator
@inline function act1(v: f32, kind: i32, slope: f32): f32 {
  if (kind == ACT_RELU) return v > 0 ? v : 0;
  if (kind == ACT_RELU6) return min<f32>(max<f32>(v, 0), 6);
  return v > 0 ? v : slope * v;
}

/** out[i] = f(x[i]) for relu, relu6 or leaky relu (slope) over n values. */
export function pointwiseActivation(x: usize, out: usize, n: i32, kind: i32, slope: f32): void {
  const n4 = n & ~3;
  const s = f32x4.splat(slope);
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, act4(v128.load(x + o), kind, s));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, act1(load<f32>(x + o), kind, slope));
  }
}

/** dx[i] = dy[i] · f'(x[i]) with the reference's derivative (1 where x > 0, and x < 6 for relu6; slope otherwise for leaky). */
export function pointwiseActivationGrad(dy: usize, x: usize, out: usize, n: i32, kind: i32, slope: f32): void {
  const n4 = n & ~3;
  const zero = f32x4.splat(0), six = f32x4.splat(6), s = f32x4.splat(slope);
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o), d = v128.load(dy + o);
    let g: v128;
    if (kind == ACT_RELU) g = f32x4.mul(d, v128.and(f32x4.gt(v, zero), f32x4.splat(1)));
    else if (kind == ACT_RELU6) g = f32x4.mul(d, v128.and(v128.and(f32x4.gt(v, zero), f32x4.lt(v, six)), f32x4.splat(1)));
    else g = f32x4.mul(d, v128.bitselect(f32x4.splat(1), s, f32x4.gt(v, zero)));
    v128.store(out + o, g);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o), d = load<f32>(dy + o);
    let df: f32;
    if (kind == ACT_RELU) df = v > 0 ? 1 : 0;
    else if (kind == ACT_RELU6) df = v > 0 && v < 6 ? 1 : 0;
    else df = v > 0 ? 1 : slope;
    store<f32>(out + o, d * df);
  }
}
