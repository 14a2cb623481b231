import { tensor, type Tensor } from '../core/tensor';
import { checkShape, convGeometry } from './geometry';
import type { ConvParams } from './types';

/** dL/dx of conv2d: each dy value flows back through the same taps that produced it. */
export function conv2dBackpropInput(dy: Tensor, filter: Tensor, xShape: readonly number[], p: ConvParams): Tensor {
  const g = convGeometry(xShape, filter.shape, p);
  const cout = filter.shape[3];
  checkShape('conv2d dy', dy.shape, [g.batch, g.outH, g.outW, cout]);
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  const D = dy.data, F = filter.data;
  let o = 0;
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++, o += cout)
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = oy * g.sh - g.padT + ky * g.dh;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = ox * g.sw - g.padL + kx * g.dw;
            if (ix < 0 || ix >= g.inW) continue;
            const xBase = ((b * g.inH + iy) * g.inW + ix) * g.inC;
            const fBase = (ky * g.kw + kx) * g.inC * cout;
            for (let c = 0; c < g.inC; c++) {
              const f = fBase + c * cout;
              let s = 0;
              for (let d = 0; d < cout; d++) s += D[o + d] * F[f + d];
              dx[xBase + c] += s;
            }
          }
        }
  return tensor([...xShape], dx);
}
