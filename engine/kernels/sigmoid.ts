// The logistic function alone, imported by the activations and by the fused LSTM/GRU steps without the kernel
// types: the cell files' types are part of kernels/types.ts, so importing activations.ts from them made a cycle.

/** σ(v), stable on both sides; the fused recurrent steps use it too, to give the generic kernels' bits. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  // One exp, not two: the same value (exp is deterministic), at half the cost where exp is most of it.
  const e = Math.exp(v);
  return e / (1 + e);
}
