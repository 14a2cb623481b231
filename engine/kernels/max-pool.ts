import { tensor, type Tensor } from '../core/tensor';
import { checkShape, poolGeometry, type WindowGeometry } from './geometry';
import type { PoolParams } from './types';

/** Index into x of the first maximum of each output window (padding never wins: it is not a value). */
function argmaxes(x: Tensor, g: WindowGeometry): Int32Array {
  const X = x.data;
  const idx = new Int32Array(g.batch * g.outH * g.outW * g.inC).fill(-1);
  let o = 0;
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++, o += g.inC)
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = oy * g.sh - g.padT + ky;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = ox * g.sw - g.padL + kx;
            if (ix < 0 || ix >= g.inW) continue;
            const base = ((b * g.inH + iy) * g.inW + ix) * g.inC;
            for (let c = 0; c < g.inC; c++) {
              const best = idx[o + c];
              if (best < 0 || X[base + c] > X[best]) idx[o + c] = base + c;
            }
          }
        }
  return idx;
}

export function maxPool(x: Tensor, p: PoolParams): Tensor {
  const g = poolGeometry(x.shape, p);
  const idx = argmaxes(x, g);
  const out = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = x.data[idx[i]];
  return tensor([g.batch, g.outH, g.outW, g.inC], out);
}

export function maxPoolGrad(dy: Tensor, x: Tensor, p: PoolParams): Tensor {
  const g = poolGeometry(x.shape, p);
  checkShape('maxPool dy', dy.shape, [g.batch, g.outH, g.outW, g.inC]);
  const idx = argmaxes(x, g);
  const dx = new Float32Array(x.data.length);
  for (let i = 0; i < idx.length; i++) dx[idx[i]] += dy.data[i];
  return tensor(x.shape, dx);
}
