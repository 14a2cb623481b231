import { tensor, type Tensor } from '../core/tensor';
import { checkShape, convGeometry, forEachConvTap } from './geometry';
import type { ConvParams } from './types';

/** dL/dfilter of conv2d: each tap accumulates input value × dy over every output position it touched. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: readonly number[], p: ConvParams): Tensor {
  const g = convGeometry(x.shape, filterShape, p);
  const cout = filterShape[3];
  checkShape('conv2d dy', dy.shape, [g.batch, g.outH, g.outW, cout]);
  const dw = new Float32Array(g.kh * g.kw * g.inC * cout);
  const X = x.data,
    D = dy.data;
  forEachConvTap(g, cout, g.inC * cout, (xBase, fBase, o) => {
    for (let c = 0; c < g.inC; c++) {
      const xv = X[xBase + c];
      const f = fBase + c * cout;
      for (let d = 0; d < cout; d++) dw[f + d] += xv * D[o + d];
    }
  });
  return tensor([...filterShape], dw);
}
