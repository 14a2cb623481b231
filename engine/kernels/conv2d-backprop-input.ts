import { tensor, type Tensor } from '../core/tensor';
import { checkShape, convGeometry, forEachConvTap } from './geometry';
import type { ConvParams } from './types';

/** dL/dx of conv2d: each dy value flows back through the same taps that produced it. */
export function conv2dBackpropInput(dy: Tensor, filter: Tensor, xShape: readonly number[], p: ConvParams): Tensor {
  const g = convGeometry(xShape, filter.shape, p);
  const cout = filter.shape[3];
  checkShape('conv2d dy', dy.shape, [g.batch, g.outH, g.outW, cout]);
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  const D = dy.data,
    F = filter.data;
  forEachConvTap(g, cout, g.inC * cout, (xBase, fBase, o) => {
    for (let c = 0; c < g.inC; c++) {
      const f = fBase + c * cout;
      let s = 0;
      for (let d = 0; d < cout; d++) s += D[o + d] * F[f + d];
      dx[xBase + c] += s;
    }
  });
  return tensor([...xShape], dx);
}
