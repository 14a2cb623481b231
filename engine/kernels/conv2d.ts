import { tensor, type Tensor } from '../core/tensor';
import { biasActivation } from './bias-activation';
import { convGeometry, forEachConvTap } from './geometry';
import type { ConvEpilogue, ConvParams } from './types';

/**
 * NHWC convolution (TensorFlow's cross-correlation), filter [kh, kw, c_in, c_out]; the epilogue's bias and activation
 * applied after it, as the separate kernel does.
 */
export function conv2d(x: Tensor, filter: Tensor, p: ConvParams, epilogue?: ConvEpilogue): Tensor {
  const g = convGeometry(x.shape, filter.shape, p);
  const cout = filter.shape[3];
  const out = new Float32Array(g.batch * g.outH * g.outW * cout);
  const X = x.data,
    F = filter.data;
  forEachConvTap(g, cout, g.inC * cout, (xBase, fBase, o) => {
    for (let c = 0; c < g.inC; c++) {
      const xv = X[xBase + c];
      const f = fBase + c * cout;
      for (let d = 0; d < cout; d++) out[o + d] += xv * F[f + d];
    }
  });
  const y = tensor([g.batch, g.outH, g.outW, cout], out);
  return epilogue ? biasActivation(y, epilogue.bias, epilogue.activation) : y;
}
