import { tensor, type Tensor } from '../core/tensor';

/** The two-input element-wise merges a backend runs (Add has its own kernel): Keras's Subtract, Multiply, Average, Maximum, Minimum. */
export type MergeOp = 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';

function check(op: MergeOp, a: Tensor, b: Tensor): void {
  if (a.data.length !== b.data.length || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i]))
    throw new RangeError(`${op} of two tensors needs one shape, got [${a.shape}] and [${b.shape}]`);
}

/**
 * op(a, b) element by element for two tensors of one shape, in float32 as Keras computes it: a − b, a · b, (a + b)/2,
 * and for maximum and minimum b where it is greater (less), else a (NaN in a stays; NaN in b is never picked).
 */
export function merge(op: MergeOp, a: Tensor, b: Tensor): Tensor {
  check(op, a, b);
  const A = a.data,
    B = b.data;
  const out = new Float32Array(A.length);
  for (let i = 0; i < out.length; i++) {
    const x = A[i],
      y = B[i];
    out[i] =
      op === 'subtract'
        ? x - y
        : op === 'multiply'
          ? x * y
          : op === 'average'
            ? Math.fround(x + y) / 2
            : op === 'maximum'
              ? y > x
                ? y
                : x
              : y < x
                ? y
                : x;
  }
  return tensor([...a.shape], out);
}

/**
 * The gradients with respect to a and b: dy and −dy; dy·b and dy·a; dy/2 each; for maximum and minimum dy goes to the
 * operand merge picked (b where it won, else a), as TensorFlow's gradients route it to the first input holding the
 * extreme.
 */
export function mergeGrad(op: MergeOp, dy: Tensor, a: Tensor, b: Tensor): [Tensor, Tensor] {
  check(op, a, b);
  const D = dy.data,
    A = a.data,
    B = b.data;
  const da = new Float32Array(D.length),
    db = new Float32Array(D.length);
  for (let i = 0; i < D.length; i++) {
    const d = D[i];
    if (op === 'subtract') {
      da[i] = d;
      db[i] = -d;
    } else if (op === 'multiply') {
      da[i] = d * B[i];
      db[i] = d * A[i];
    } else if (op === 'average') {
      da[i] = d / 2;
      db[i] = d / 2;
    } else {
      const bWins = op === 'maximum' ? B[i] > A[i] : B[i] < A[i];
      if (bWins) db[i] = d;
      else da[i] = d;
    }
  }
  return [tensor([...a.shape], da), tensor([...b.shape], db)];
}

/**
 * x · s for x of shape [batch, …, channels] and s of [batch, channels] (a squeeze-and-excitation gate: Multiply of a
 * feature map by [batch, 1, 1, channels]), each value a float32 product.
 */
export function scaleChannels(x: Tensor, s: Tensor): Tensor {
  const [batch, c] = [x.shape[0], x.shape[x.shape.length - 1]];
  if (s.data.length !== batch * c) throw new RangeError(`scale [${s.shape}] does not fit [${x.shape}] per channel`);
  const pixels = x.data.length / (batch * c);
  const out = new Float32Array(x.data.length);
  for (let b = 0; b < batch; b++)
    for (let p = 0; p < pixels; p++)
      for (let k = 0; k < c; k++) {
        const i = (b * pixels + p) * c + k;
        out[i] = x.data[i] * s.data[b * c + k];
      }
  return tensor([...x.shape], out);
}

/** The gradients of scaleChannels: dx = dy · s, and ds = Σ over each image's pixels of dy · x, summed in pixel order in float32. */
export function scaleChannelsGrad(dy: Tensor, x: Tensor, s: Tensor): [Tensor, Tensor] {
  const [batch, c] = [x.shape[0], x.shape[x.shape.length - 1]];
  const pixels = x.data.length / (batch * c);
  const dx = new Float32Array(x.data.length),
    ds = new Float32Array(batch * c);
  for (let b = 0; b < batch; b++)
    for (let p = 0; p < pixels; p++)
      for (let k = 0; k < c; k++) {
        const i = (b * pixels + p) * c + k;
        dx[i] = dy.data[i] * s.data[b * c + k];
        ds[b * c + k] += Math.fround(dy.data[i] * x.data[i]);
      }
  return [tensor([...x.shape], dx), tensor([...s.shape], ds)];
}
