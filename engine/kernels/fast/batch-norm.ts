import { tensor, type Tensor } from '../../core/tensor';
import { batchNormInfer as referenceInfer, batchNormTrain as referenceTrain, channelLayout } from '../batch-norm';
import { batchNormBackward as referenceBackward } from '../batch-norm-backward';
import type { BatchNormEpilogue, BatchNormGrads, BatchNormSaved } from '../types';
import { ACTIVATION_CODE } from './bias-add';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

/** channelAffine's and gradSums's epilogue code: relu or relu6, or linear (none). */
const epilogueCode = (activation: BatchNormEpilogue | undefined): number =>
  ACTIVATION_CODE[activation ?? 'linear'] as number;

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 16384;
/** Rows whose mean is the shift of the one-sweep moments. */
const SHIFT_SAMPLES = 64;

/** The SIMD path covers channels-last data with C a multiple of 4 (the common case); the rest is reference. */
function simdRows(rt: WasmRuntime, x: Tensor, axis: number): { rows: number; c: number } | null {
  const l = channelLayout(x.shape, axis);
  if (l.inner !== 1 || l.channels % 4 !== 0 || !worthWasm(rt, x.data, SMALL)) return null;
  return { rows: l.outer, c: l.channels };
}

type PerChannel = ArrayLike<number>;

/** out = a·(u − cu) + b·(v − cv) + k per channel through the threaded wasm kernel (pv = 0: no v term). */
function affine(
  rt: WasmRuntime,
  out: number,
  rows: number,
  c: number,
  pu: number,
  cu: PerChannel,
  pv: number,
  cv: PerChannel,
  a: PerChannel,
  b: PerChannel,
  k: PerChannel,
): Float32Array {
  const { arena } = rt;
  const put = (values: PerChannel) => arena.copyIn(Float32Array.from(values));
  const args = [pu, put(cu), pv, put(cv), out, rows, c, put(a), put(b), put(k), epilogueCode(undefined)];
  runRows(rt, rows * c, 'channelAffine', (ctx) => [...args, ctx]);
  return arena.result(out, rows * c);
}

/**
 * Scratch of the two passes: per-chunk partial sums (two sums of c channels), their f64 totals, the three per-channel
 * coefficient vectors of channelAffine, and c zeros.
 */
function passScratch(rt: WasmRuntime, rows: number, c: number) {
  const { arena } = rt;
  const chunks = Math.ceil(rows / rt.constant('CHUNK'));
  const p1 = arena.alloc(chunks * c),
    p2 = arena.alloc(chunks * c),
    totals = arena.alloc(4 * c),
    base = arena.alloc(3 * c);
  const coefficients = [base, base + 4 * c, base + 8 * c] as const;
  return { p1, p2, totals, zeros: arena.zeros(c), coefficients };
}

/**
 * Per-channel mean of `samples` rows spread evenly over channels-last data at float index `at`, rounded to float32:
 * a shift close to the true mean even where the data drifts along the rows (an image's border, then its digit).
 */
function sampledMean(memory: Float32Array, at: number, rows: number, c: number, samples: number): Float32Array {
  const sum = new Float64Array(c);
  for (let i = 0; i < samples; i++) {
    const row = at + Math.floor((i * rows) / samples) * c;
    for (let j = 0; j < c; j++) sum[j] += memory[row + j];
  }
  return Float32Array.from(sum, (v) => v / samples);
}

export function fastBatchNormTrain(
  rt: WasmRuntime,
  x: Tensor,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  epsilon: number,
  axis = -1,
  activation?: BatchNormEpilogue,
): { y: Tensor; saved: BatchNormSaved } {
  const dims = simdRows(rt, x, axis);
  if (!dims || (gamma && gamma.length !== dims.c) || (beta && beta.length !== dims.c))
    return referenceTrain(x, gamma, beta, epsilon, axis, activation);
  const { rows, c } = dims;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(rows * c);
  const px = arena.copyIn(x.data);
  const { p1, p2, totals, zeros, coefficients } = passScratch(rt, rows, c);
  // One sweep for Σ d and Σ d², d = x − shift, then var = Σ d² / n − (mean − shift)². With the mean of 64 rows
  // spread over the data as the shift, (mean − shift)² is about var / 64: the subtraction costs no accuracy.
  const shift = sampledMean(arena.f32(), px >> 2, rows, c, Math.min(rows, SHIFT_SAMPLES));
  const pshift = arena.copyIn(shift);
  const pgamma = gamma ? arena.copyIn(gamma) : 0,
    pbeta = beta ? arena.copyIn(beta) : 0;
  const stats = arena.alloc(3 * c);
  const [cu, a, k] = coefficients;
  runRows(rt, rows * c, 'channelMoments', (ctx) => [px, rows, c, pshift, p1, p2, ctx]);
  rt.call('momentsCoefficients', p1, p2, rows, c, pshift, pgamma, pbeta, epsilon, totals, stats, cu, a, k);
  const act = epilogueCode(activation);
  runRows(rt, rows * c, 'channelAffine', (ctx) => [px, cu, 0, zeros, out, rows, c, a, zeros, k, act, ctx]);
  const y = arena.result(out, rows * c);
  const memory = arena.f32(),
    at = stats >> 2;
  return {
    y: tensor(x.shape, y),
    saved: {
      mean: memory.slice(at, at + c),
      variance: memory.slice(at + c, at + 2 * c),
      invStd: memory.slice(at + 2 * c, at + 3 * c),
      axis: x.shape.length - 1,
    },
  };
}

export function fastBatchNormInfer(
  rt: WasmRuntime,
  x: Tensor,
  movingMean: Float32Array,
  movingVariance: Float32Array,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  epsilon: number,
  axis = -1,
): Tensor {
  const dims = simdRows(rt, x, axis);
  const fits =
    dims && [movingMean, movingVariance, gamma ?? movingMean, beta ?? movingMean].every((v) => v.length === dims.c);
  if (!dims || !fits) return referenceInfer(x, movingMean, movingVariance, gamma, beta, epsilon, axis);
  const { arena } = rt;
  arena.reset();
  const out = arena.output(dims.rows * dims.c);
  const scale = Array.from(movingVariance, (v, j) => (gamma ? gamma[j] : 1) / Math.sqrt(v + epsilon));
  const zeros = new Float32Array(dims.c);
  return tensor(
    x.shape,
    affine(rt, out, dims.rows, dims.c, arena.copyIn(x.data), movingMean, 0, zeros, scale, zeros, beta ?? zeros),
  );
}

/**
 * The same closed form as the reference (dx = k1·dy + kx·(x − mean) + k0 per channel), its two passes in SIMD; with
 * an epilogue, the first pass takes dy back through it chunk by chunk (into the dx buffer, which the second pass
 * then reads in place).
 */
export function fastBatchNormBackward(
  rt: WasmRuntime,
  dy: Tensor,
  x: Tensor,
  gamma: Float32Array | null,
  saved: BatchNormSaved,
  epilogue?: { activation: BatchNormEpilogue; y: Tensor },
): BatchNormGrads {
  const dims = simdRows(rt, x, saved.axis);
  const fits = !epilogue || epilogue.y.data.length === x.data.length;
  if (!dims || dy.data.length !== x.data.length || saved.mean.length !== dims.c || !fits)
    return referenceBackward(dy, x, gamma, saved, epilogue);
  const { rows, c } = dims;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(rows * c);
  const px = arena.copyIn(x.data),
    pdy = arena.copyIn(dy.data),
    pmean = arena.copyIn(saved.mean);
  const { p1, p2, totals, zeros, coefficients } = passScratch(rt, rows, c);
  const pinv = arena.copyIn(saved.invStd),
    pgamma = gamma ? arena.copyIn(gamma) : 0;
  const grads = arena.alloc(2 * c);
  const [k1, kx, k0] = coefficients;
  const act = epilogueCode(epilogue?.activation);
  const py = epilogue ? arena.copyIn(epilogue.y.data) : 0;
  runRows(rt, rows * c, 'gradSums', (ctx) => [px, pdy, rows, c, pmean, p1, p2, py, act, out, ctx]);
  rt.call('gradCoefficients', p1, p2, rows, c, pinv, pgamma, totals, grads, k1, kx, k0);
  // With an epilogue the first pass left dy's masked copy in out: dx is computed from it in place.
  const pu = epilogue ? out : pdy;
  const none = epilogueCode(undefined);
  runRows(rt, rows * c, 'channelAffine', (ctx) => [pu, zeros, px, pmean, out, rows, c, k1, kx, k0, none, ctx]);
  const dx = arena.result(out, rows * c);
  const memory = arena.f32(),
    at = grads >> 2;
  return {
    dx: tensor(x.shape, dx),
    dgamma: memory.slice(at, at + c),
    dbeta: memory.slice(at + c, at + 2 * c),
  };
}
