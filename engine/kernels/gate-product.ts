/**
 * The recurrent layers' products with dropout masks (Keras's implementation 1, which recurrent_dropout switches on):
 * gate k's columns of a·w are (a·m_k)·w_k, its own mask on every gate. The layers' per-step loop and the
 * whole-sequence kernels (lstmSequence, gruSequence and their gradients) both run these, so both give the same bits;
 * the fast backend's wasm sequences do the same operations in the same order (wasm/recurrent-sequence.ts).
 */
import type { Tensor } from '../core/tensor';

/** The matrix product a sequence's loop runs each step with (a backend's matMul). */
export type MatMul = (a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean) => Tensor;

const mat = (rows: number, cols: number, data?: Float32Array): Tensor => ({
  shape: [rows, cols],
  data: data ?? new Float32Array(rows * cols),
});

/** Columns [from, from + width) of a (rows, cols) matrix. */
export function columns(m: Tensor, from: number, width: number): Tensor {
  const [rows, cols] = m.shape;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(m.data.subarray(r * cols + from, r * cols + from + width), r * width);
  return mat(rows, width, out);
}

/** Writes `part` into columns [from, …) of `m`. */
export function setColumns(m: Tensor, from: number, part: Tensor): void {
  const [rows, cols] = m.shape;
  const width = part.shape[1];
  for (let r = 0; r < rows; r++) m.data.set(part.data.subarray(r * width, (r + 1) * width), r * cols + from);
}

/** a·mask, the mask's row r/repeat serving row r (the input side's rows are (batch·steps), its masks (batch)). */
function masked(a: Tensor, mask: Float32Array, repeat: number): Tensor {
  const [rows, cols] = a.shape;
  const out = new Float32Array(a.data.length);
  for (let r = 0; r < rows; r++) {
    const m = Math.floor(r / repeat) * cols;
    for (let c = 0; c < cols; c++) out[r * cols + c] = a.data[r * cols + c] * mask[m + c];
  }
  return mat(rows, cols, out);
}

/** Masks on a product's left operand: none, one for every column, or one per gate (Keras's implementation 1). */
export type GateMasks = readonly Float32Array[] | null;

/** a·w with the gates' masks: no mask is a·w; one mask is (a·m)·w; one per gate is, gate k's columns, (a·m_k)·w_k. */
export function gateMatMul(matMul: MatMul, a: Tensor, w: Tensor, masks: GateMasks, repeat = 1): Tensor {
  if (!masks) return matMul(a, w);
  if (masks.length === 1) return matMul(masked(a, masks[0], repeat), w);
  const width = w.shape[1] / masks.length;
  const out = mat(a.shape[0], w.shape[1]);
  for (const [k, m] of masks.entries())
    setColumns(out, k * width, matMul(masked(a, m, repeat), columns(w, k * width, width)));
  return out;
}

/**
 * gateMatMul's gradients: dw, and da when asked (the masks pass the gradient back through them; gate by gate, each
 * masked product added in gate order to da from zeros).
 */
export function gateMatMulGrad(
  matMul: MatMul,
  a: Tensor,
  w: Tensor,
  dz: Tensor,
  masks: GateMasks,
  repeat: number,
  needA: boolean,
): { dw: Float32Array; da: Tensor | null } {
  if (!masks) return { dw: matMul(a, dz, true, false).data, da: needA ? matMul(dz, w, false, true) : null };
  if (masks.length === 1) {
    const dw = matMul(masked(a, masks[0], repeat), dz, true, false).data;
    return { dw, da: needA ? masked(matMul(dz, w, false, true), masks[0], repeat) : null };
  }
  const width = w.shape[1] / masks.length;
  const dw = mat(a.shape[1], w.shape[1]);
  const da = needA ? mat(a.shape[0], a.shape[1]) : null;
  for (const [k, m] of masks.entries()) {
    const dzk = columns(dz, k * width, width);
    setColumns(dw, k * width, matMul(masked(a, m, repeat), dzk, true, false));
    if (da) {
      const part = masked(matMul(dzk, columns(w, k * width, width), false, true), m, repeat).data;
      for (let i = 0; i < part.length; i++) da.data[i] += part[i];
    }
  }
  return { dw: dw.data, da };
}
