import { tensor, type Tensor } from '../core/tensor';

type Pads = [[number, number], [number, number]];

function copyRows(src: Tensor, dstShape: number[], pads: Pads, into: 'padded' | 'cropped'): Tensor {
  if (src.shape.length !== 4) throw new RangeError(`zero padding needs an NHWC tensor, got shape [${src.shape}]`);
  const [[top], [left]] = pads;
  const big = into === 'padded' ? dstShape : src.shape;
  const small = into === 'padded' ? src.shape : dstShape;
  const [n, h, w, c] = small;
  const out = new Float32Array(dstShape.reduce((a, b) => a * b, 1));
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++) {
      const smallRow = (b * h + y) * w * c;
      const bigRow = ((b * big[1] + y + top) * big[2] + left) * c;
      if (into === 'padded') out.set(src.data.subarray(smallRow, smallRow + w * c), bigRow);
      else out.set(src.data.subarray(bigRow, bigRow + w * c), smallRow);
    }
  return tensor(dstShape, out);
}

/** ZeroPadding2D: pads = [[top, bottom], [left, right]]. */
export function zeroPad2d(x: Tensor, pads: Pads): Tensor {
  const [n, h, w, c] = x.shape;
  return copyRows(x, [n, h + pads[0][0] + pads[0][1], w + pads[1][0] + pads[1][1], c], pads, 'padded');
}

/** The gradient of padding is the crop of dy back to the input's size. */
export function zeroPad2dGrad(dy: Tensor, pads: Pads): Tensor {
  const [n, h, w, c] = dy.shape;
  return copyRows(dy, [n, h - pads[0][0] - pads[0][1], w - pads[1][0] - pads[1][1], c], pads, 'cropped');
}
