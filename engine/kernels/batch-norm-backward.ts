import { tensor, type Tensor } from '../core/tensor';
import { activationGrad } from './activations';
import { channelLayout, forEachChannelRun } from './batch-norm';
import type { BatchNormEpilogue, BatchNormGrads, BatchNormSaved } from './types';

/**
 * Gradients of training-mode batch norm, where mean and variance depend on x:
 * dx = gamma · invStd / N · (N · dy − Σdy − x̂ · Σ(dy · x̂)), dgamma = Σ dy · x̂, dbeta = Σ dy.
 */
export function batchNormBackward(
  dy: Tensor,
  x: Tensor,
  gamma: Float32Array | null,
  saved: BatchNormSaved,
  epilogue?: { activation: BatchNormEpilogue; y: Tensor },
): BatchNormGrads {
  const l = channelLayout(x.shape, saved.axis);
  const { outer, channels: C, inner } = l;
  if (dy.data.length !== x.data.length) throw new RangeError(`dy [${dy.shape}] and x [${x.shape}] differ`);
  const X = x.data;
  // The epilogue's gradient first, from its output (y > 0 is the mask its input gives), as its own layer takes it.
  const D = epilogue ? activationGrad(dy, epilogue.y, epilogue.y, epilogue.activation).data : dy.data;
  const { mean, invStd } = saved;
  const n = outer * inner;
  const sumDy = new Float64Array(C),
    sumDyXhat = new Float64Array(C);
  forEachChannelRun(
    l,
    (c, start, end) => {
      const m = mean[c],
        s = invStd[c];
      let a = 0,
        b = 0;
      for (let i = start; i < end; i++) {
        a += D[i];
        b += D[i] * (X[i] - m) * s;
      }
      sumDy[c] += a;
      sumDyXhat[c] += b;
    },
    (row) => {
      for (let c = 0; c < C; c++) {
        const d = D[row + c];
        sumDy[c] += d;
        sumDyXhat[c] += d * (X[row + c] - mean[c]) * invStd[c];
      }
    },
  );
  // dx = k1 · dy + kx · (x − mean) + k0 per channel, folded so the last pass is a few multiply-adds per value.
  const k1 = new Float64Array(C),
    kx = new Float64Array(C),
    k0 = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const g = (gamma ? gamma[c] : 1) * invStd[c];
    k1[c] = g;
    kx[c] = ((-g * sumDyXhat[c]) / n) * invStd[c];
    k0[c] = (-g * sumDy[c]) / n;
  }
  const dx = new Float32Array(X.length);
  forEachChannelRun(
    l,
    (c, start, end) => {
      const a = k1[c],
        b = kx[c],
        z = k0[c],
        m = mean[c];
      for (let i = start; i < end; i++) dx[i] = a * D[i] + b * (X[i] - m) + z;
    },
    (row) => {
      for (let c = 0; c < C; c++) dx[row + c] = k1[c] * D[row + c] + kx[c] * (X[row + c] - mean[c]) + k0[c];
    },
  );
  return { dx: tensor(x.shape, dx), dgamma: Float32Array.from(sumDyXhat), dbeta: Float32Array.from(sumDy) };
}
