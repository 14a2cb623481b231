import { tensor, type Tensor } from '../core/tensor';

/** What the backward pass of layerNorm needs. */
export interface LayerNormSaved {
  /** The normalized values before gamma and beta. */
  xhat: Float32Array;
  /** (x − mean) · invStd (x̂ itself unless rms scaling). */
  centered: Float32Array;
  /** 1 / sqrt(var + ε) per row. */
  invStd: Float32Array;
}

export interface LayerNormGrads {
  dx: Tensor;
  dgamma: Float32Array;
  dbeta: Float32Array;
}

/**
 * Keras 3.15's LayerNormalization over the last axis: each row's mean and biased variance in float64, in channel
 * order; x̂ = (x − mean)/sqrt(var + ε), or with rms scaling x/sqrt(var + ε) (Keras divides x itself, uncentred);
 * y = gamma · x̂ + beta (null: none).
 */
export function layerNorm(
  x: Tensor,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  epsilon: number,
  rms: boolean,
): { y: Tensor; saved: LayerNormSaved } {
  const c = x.shape[x.shape.length - 1];
  const X = x.data,
    y = new Float32Array(X.length),
    xhat = new Float32Array(X.length);
  const centered = rms ? new Float32Array(X.length) : xhat;
  const invStd = new Float32Array(X.length / c);
  for (let r = 0, row = 0; r < X.length; r += c, row++) {
    let mean = 0;
    for (let j = 0; j < c; j++) mean += X[r + j];
    mean /= c;
    let v = 0;
    for (let j = 0; j < c; j++) {
      const d = X[r + j] - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / c + epsilon);
    invStd[row] = inv;
    for (let j = 0; j < c; j++) {
      centered[r + j] = (X[r + j] - mean) * inv;
      const h = rms ? X[r + j] * inv : centered[r + j];
      xhat[r + j] = h;
      y[r + j] = (gamma ? gamma[j] * h : h) + (beta ? beta[j] : 0);
    }
  }
  return { y: tensor([...x.shape], y), saved: { xhat, centered, invStd } };
}

/**
 * dx = invStd · (g − mean(g) − centered · mean(g · x̂)) per row with g = dy · gamma (no mean(g) under rms scaling),
 * the row sums in float64 in channel order; dgamma = Σ dy · x̂ and dbeta = Σ dy over the rows, in float32 in row order.
 */
export function layerNormGrad(
  dy: Tensor,
  gamma: Float32Array | null,
  saved: LayerNormSaved,
  rms: boolean,
): LayerNormGrads {
  const { xhat, centered, invStd } = saved;
  const c = dy.shape[dy.shape.length - 1];
  const D = dy.data,
    dx = new Float32Array(D.length);
  const dgamma = new Float32Array(c),
    dbeta = new Float32Array(c);
  for (let r = 0, row = 0; r < D.length; r += c, row++) {
    let sumG = 0,
      sumGX = 0;
    for (let j = 0; j < c; j++) {
      const g = gamma ? D[r + j] * gamma[j] : D[r + j];
      sumG += g;
      sumGX += g * xhat[r + j];
      dgamma[j] += D[r + j] * xhat[r + j];
      dbeta[j] += D[r + j];
    }
    const meanG = rms ? 0 : sumG / c,
      meanGX = sumGX / c;
    for (let j = 0; j < c; j++) {
      const g = gamma ? D[r + j] * gamma[j] : D[r + j];
      dx[r + j] = invStd[row] * (g - meanG - centered[r + j] * meanGX);
    }
  }
  return { dx: tensor([...dy.shape], dx), dgamma, dbeta };
}
