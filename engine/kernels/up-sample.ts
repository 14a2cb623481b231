import { tensor, type Tensor } from '../core/tensor';

/** UpSampling2D's 'nearest' on NHWC: each pixel repeated sh × sw times. */
export function upSampleNearest(x: Tensor, [sh, sw]: readonly [number, number]): Tensor {
  const [n, h, w, c] = x.shape;
  const out = new Float32Array(x.data.length * sh * sw);
  const ow = w * sw;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h * sh; i++)
      for (let j = 0; j < ow; j++) {
        const from = ((b * h + Math.floor(i / sh)) * w + Math.floor(j / sw)) * c;
        out.set(x.data.subarray(from, from + c), ((b * h * sh + i) * ow + j) * c);
      }
  return tensor([n, h * sh, ow, c], out);
}

/** Its gradient: each pixel's sh × sw output gradients summed in float32, row by row, as they were produced. */
export function upSampleNearestGrad(dy: Tensor, [sh, sw]: readonly [number, number]): Tensor {
  const [n, oh, ow, c] = dy.shape;
  const h = oh / sh,
    w = ow / sw;
  const dx = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const to = ((b * h + Math.floor(i / sh)) * w + Math.floor(j / sw)) * c,
          from = ((b * oh + i) * ow + j) * c;
        for (let k = 0; k < c; k++) dx[to + k] += dy.data[from + k];
      }
  return tensor([n, h, w, c], dx);
}
