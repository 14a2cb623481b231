import { tensor, type Tensor } from '../core/tensor';

/** Rows, inner size and columns of op(a) · op(b); throws when the inner sizes disagree. */
export function matMulDims(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): [number, number, number] {
  if (a.shape.length !== 2 || b.shape.length !== 2)
    throw new RangeError(`matMul needs 2-D operands, got [${a.shape}] and [${b.shape}]`);
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== k2)
    throw new RangeError(
      `matMul inner sizes differ: [${a.shape}]${transposeA ? 'ᵀ' : ''} · [${b.shape}]${transposeB ? 'ᵀ' : ''}`,
    );
  return [m, k, n];
}

/** Dense forward is x · W; its backward is dy · Wᵀ (transposeB) and xᵀ · dy (transposeA). */
export function matMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  const [m, k, n] = matMulDims(a, b, transposeA, transposeB);
  const A = a.data,
    B = b.data;
  const out = new Float32Array(m * n);
  // i-p-j order keeps the innermost loop contiguous in out and (untransposed) b.
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const av = transposeA ? A[p * m + i] : A[i * k + p];
      if (av === 0) continue;
      if (transposeB) for (let j = 0; j < n; j++) out[row + j] += av * B[j * k + p];
      else {
        const brow = p * n;
        for (let j = 0; j < n; j++) out[row + j] += av * B[brow + j];
      }
    }
  }
  return tensor([m, n], out);
}
