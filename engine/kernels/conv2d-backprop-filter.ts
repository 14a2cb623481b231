import { tensor, type Tensor } from '../core/tensor';
import { checkShape, convGeometry } from './geometry';
import type { ConvParams } from './types';

/** dL/dfilter of conv2d: each tap accumulates input value × dy over every output position it touched. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: readonly number[], p: ConvParams): Tensor {
  const g = convGeometry(x.shape, filterShape, p);
  const cout = filterShape[3];
  checkShape('conv2d dy', dy.shape, [g.batch, g.outH, g.outW, cout]);
  const dw = new Float32Array(g.kh * g.kw * g.inC * cout);
  const X = x.data, D = dy.data;
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
              const xv = X[xBase + c];
              const f = fBase + c * cout;
              for (let d = 0; d < cout; d++) dw[f + d] += xv * D[o + d];
            }
          }
        }
  return tensor([...filterShape], dw);
}
