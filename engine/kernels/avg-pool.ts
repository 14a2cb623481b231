import { tensor, type Tensor } from '../core/tensor';
import { checkShape, poolGeometry, type WindowGeometry } from './geometry';
import type { PoolParams } from './types';

/** Calls visit(xIndex, outIndex, count) for every real element of every window; count excludes padding, as Keras does. */
function forEachWindowElement(g: WindowGeometry, visit: (xi: number, oi: number, count: number) => void): void {
  let o = 0;
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++) {
      const y0 = Math.max(oy * g.sh - g.padT, 0),
        y1 = Math.min(oy * g.sh - g.padT + g.kh, g.inH);
      for (let ox = 0; ox < g.outW; ox++, o += g.inC) {
        const x0 = Math.max(ox * g.sw - g.padL, 0),
          x1 = Math.min(ox * g.sw - g.padL + g.kw, g.inW);
        const count = (y1 - y0) * (x1 - x0);
        for (let iy = y0; iy < y1; iy++)
          for (let ix = x0; ix < x1; ix++) {
            const base = ((b * g.inH + iy) * g.inW + ix) * g.inC;
            for (let c = 0; c < g.inC; c++) visit(base + c, o + c, count);
          }
      }
    }
}

export function avgPool(x: Tensor, p: PoolParams): Tensor {
  const g = poolGeometry(x.shape, p);
  const out = new Float32Array(g.batch * g.outH * g.outW * g.inC);
  const X = x.data;
  forEachWindowElement(g, (xi, oi, count) => {
    out[oi] += X[xi] / count;
  });
  return tensor([g.batch, g.outH, g.outW, g.inC], out);
}

export function avgPoolGrad(dy: Tensor, xShape: readonly number[], p: PoolParams): Tensor {
  const g = poolGeometry(xShape, p);
  checkShape('avgPool dy', dy.shape, [g.batch, g.outH, g.outW, g.inC]);
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  const D = dy.data;
  forEachWindowElement(g, (xi, oi, count) => {
    dx[xi] += D[oi] / count;
  });
  return tensor([...xShape], dx);
}
