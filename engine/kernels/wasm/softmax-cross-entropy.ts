// AssemblyScript. Keras's categorical cross-entropy from logits, row by row in f64 as engine/train/losses.ts computes
// it on the host: the row's maximum, Σ e^(x − max), logSum = ln Σ + max; the row's loss −Σ t·(x − logSum) over the
// labels that aren't 0, and the gradient with respect to the logits, (e^(x − max) / Σ · Σt − t) / rows, rounded to
// f32. Labels are rows × k values (dense) or one class per row (sparse: t = 1 at that class; a class outside 0..k−1
// labels nothing). Threads claim spans of rows (claim.ts); each row's loss goes to losses[row] (f64), which the
// host adds in row order. exp and ln are AssemblyScript's (musl's), which can differ from V8's in the last bit of an
// f64, far below what the f32 gradient keeps.
import { claim } from './claim';

/** exps: this thread's k f64 of scratch (a row's exponentials, computed once). */
export function softmaxCrossEntropyRows(
  x: usize, labels: usize, sparse: i32, rows: i32, k: i32, grad: usize, losses: usize, exps: usize, ctx: usize,
): void {
  const stride = <usize>k << 2;
  const span = max<i32>(1, (rows + 63) / 64);
  const n = <f64>rows;
  for (let r0 = claim(ctx, span, rows); r0 < rows; r0 = claim(ctx, span, rows)) {
    for (let r = r0; r < min(rows, r0 + span); r++) {
      const xr = x + <usize>r * stride, gr = grad + <usize>r * stride;
      let m = -Infinity;
      for (let j = 0; j < k; j++) m = max<f64>(m, <f64>load<f32>(xr + (<usize>j << 2)));
      let sum: f64 = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(<f64>load<f32>(xr + (<usize>j << 2)) - m);
        store<f64>(exps + (<usize>j << 3), e);
        sum += e;
      }
      const logSum = Math.log(sum) + m;
      const cls = sparse ? load<i32>(labels + (<usize>r << 2)) : -1;
      const lr = labels + <usize>r * stride;
      let ySum: f64 = 0;
      if (sparse) ySum = cls >= 0 && cls < k ? 1 : 0;
      else for (let j = 0; j < k; j++) ySum += <f64>load<f32>(lr + (<usize>j << 2));
      let loss: f64 = 0;
      for (let j = 0; j < k; j++) {
        const t: f64 = sparse ? (j == cls ? 1 : 0) : <f64>load<f32>(lr + (<usize>j << 2));
        if (t != 0) loss -= t * (<f64>load<f32>(xr + (<usize>j << 2)) - logSum);
        store<f32>(gr + (<usize>j << 2), <f32>(((load<f64>(exps + (<usize>j << 3)) / sum) * ySum - t) / n));
      }
      store<f64>(losses + (<usize>r << 3), loss);
    }
  }
}
