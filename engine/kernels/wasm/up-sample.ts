// AssemblyScript. UpSampling2D's 'nearest' over NHWC: forward, each output row copies its source row's pixels sw
// times (threads claim output rows); the gradient gathers each source pixel's sh × sw output gradients, summed in
// float32 in the order the outputs lie (row by row), the reference's order, so the same bits on any split (threads
// claim source rows).
import { claim } from './claim';

export function upSampleForward(x: usize, out: usize, batch: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32, ctx: usize): void {
  const oh = h * sh, ow = w * sw;
  const rows = batch * oh;
  const pixel = <usize>c << 2;
  for (let r = claim(ctx, 1, rows); r < rows; r = claim(ctx, 1, rows)) {
    const b = r / oh, y = (r % oh) / sh;
    const src = x + <usize>((b * h + y) * w) * pixel;
    let dst = out + <usize>r * <usize>ow * pixel;
    for (let j = 0; j < w; j++)
      for (let t = 0; t < sw; t++, dst += pixel) memory.copy(dst, src + <usize>j * pixel, pixel);
  }
}

export function upSampleBackward(dy: usize, dx: usize, batch: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32, ctx: usize): void {
  const ow = w * sw;
  const rows = batch * h;
  const c4 = c & ~3;
  for (let r = claim(ctx, 1, rows); r < rows; r = claim(ctx, 1, rows)) {
    const b = r / h, y = r % h;
    for (let x = 0; x < w; x++) {
      const to = dx + (<usize>((r * w + x) * c) << 2);
      let k = 0;
      for (; k < c4; k += 4) {
        let acc = f32x4.splat(0);
        for (let di = 0; di < sh; di++)
          for (let dj = 0; dj < sw; dj++)
            acc = f32x4.add(acc, v128.load(dy + (<usize>(((b * h * sh + y * sh + di) * ow + x * sw + dj) * c + k) << 2)));
        v128.store(to + (<usize>k << 2), acc);
      }
      for (; k < c; k++) {
        let acc: f32 = 0;
        for (let di = 0; di < sh; di++)
          for (let dj = 0; dj < sw; dj++) acc += load<f32>(dy + (<usize>(((b * h * sh + y * sh + di) * ow + x * sw + dj) * c + k) << 2));
        store<f32>(to + (<usize>k << 2), acc);
      }
    }
  }
}
