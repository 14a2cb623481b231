import { tensor, type Tensor } from '../../core/tensor';
import { checkShape, poolGeometry } from '../geometry';
import type { PoolParams } from '../types';

/**
 * Average pooling in tight loops (channels innermost, no per-element callback as the reference has); like Keras,
 * 'same' windows average only their real elements. grad: dx[window] += dy / count instead of out += x / count.
 */
function traverse(
  xShape: readonly number[],
  p: PoolParams,
  src: Float32Array,
  dst: Float32Array,
  grad: boolean,
): number[] {
  const g = poolGeometry(xShape, p);
  const C = g.inC;
  let o = 0;
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outH; oy++) {
      const y0 = Math.max(oy * g.sh - g.padT, 0),
        y1 = Math.min(oy * g.sh - g.padT + g.kh, g.inH);
      for (let ox = 0; ox < g.outW; ox++, o += C) {
        const x0 = Math.max(ox * g.sw - g.padL, 0),
          x1 = Math.min(ox * g.sw - g.padL + g.kw, g.inW);
        const inv = 1 / ((y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++)
          for (let ix = x0; ix < x1; ix++) {
            const xi = ((n * g.inH + iy) * g.inW + ix) * C;
            if (grad) for (let c = 0; c < C; c++) dst[xi + c] += src[o + c] * inv;
            else for (let c = 0; c < C; c++) dst[o + c] += src[xi + c] * inv;
          }
      }
    }
  return [g.batch, g.outH, g.outW, C];
}

export function fastAvgPool(x: Tensor, p: PoolParams): Tensor {
  const g = poolGeometry(x.shape, p);
  const out = new Float32Array(g.batch * g.outH * g.outW * g.inC);
  return tensor(traverse(x.shape, p, x.data, out, false), out);
}

export function fastAvgPoolGrad(dy: Tensor, xShape: readonly number[], p: PoolParams): Tensor {
  const g = poolGeometry(xShape, p);
  checkShape('avgPool dy', dy.shape, [g.batch, g.outH, g.outW, g.inC]);
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  traverse(xShape, p, dy.data, dx, true);
  return tensor([...xShape], dx);
}
