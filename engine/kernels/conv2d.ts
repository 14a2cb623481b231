import { tensor, type Tensor } from '../core/tensor';
import { convGeometry } from './geometry';
import type { ConvParams } from './types';

/** NHWC convolution (TensorFlow's cross-correlation), filter [kh, kw, c_in, c_out]. */
export function conv2d(x: Tensor, filter: Tensor, p: ConvParams): Tensor {
  const g = convGeometry(x.shape, filter.shape, p);
  const cout = filter.shape[3];
  const out = new Float32Array(g.batch * g.outH * g.outW * cout);
  const X = x.data, F = filter.data;
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
              for (let d = 0; d < cout; d++) out[o + d] += xv * F[f + d];
            }
          }
        }
  return tensor([g.batch, g.outH, g.outW, cout], out);
}
