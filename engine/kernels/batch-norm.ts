import { tensor, type Tensor } from '../core/tensor';
import { activation as applyActivation } from './activations';
import type { BatchNormEpilogue, BatchNormSaved } from './types';

/** The tensor seen as [outer, C, inner] around the channel axis (inner = 1 for channels_last). */
export interface ChannelLayout {
  axis: number;
  outer: number;
  channels: number;
  inner: number;
}

export function channelLayout(shape: readonly number[], axis = -1): ChannelLayout {
  const a = axis < 0 ? shape.length + axis : axis;
  if (a < 0 || a >= shape.length) throw new RangeError(`axis ${axis} is out of range for shape [${shape}]`);
  let outer = 1,
    inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  return { axis: a, outer, channels: shape[a], inner };
}

/**
 * Visits the tensor channel by channel: run(c, start, end) for each contiguous run of one channel's values, or,
 * when the channel axis is the last one (runs of length 1), row(start) for each row of C values — the same
 * traversal without a call per element, which is most of the time of a channels_last batch norm.
 */
export function forEachChannelRun(
  l: ChannelLayout,
  run: (c: number, start: number, end: number) => void,
  row: (start: number) => void,
): void {
  const { outer, channels: C, inner } = l;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) row(o * C);
    return;
  }
  for (let o = 0, i = 0; o < outer; o++) for (let c = 0; c < C; c++, i += inner) run(c, i, i + inner);
}

function checkChannels(what: string, v: Float32Array | null, c: number): void {
  if (v && v.length !== c) throw new RangeError(`${what} has ${v.length} values but the channel axis has ${c}`);
}

/**
 * y = gamma · invStd · (x − mean) + beta, the same for training (batch stats) and inference (moving stats). x − mean
 * is taken first: folding mean into one shift (x·s + t) cancels badly when the mean is large next to the spread.
 */
function normalize(
  x: Tensor,
  l: ChannelLayout,
  mean: ArrayLike<number>,
  invStd: ArrayLike<number>,
  gamma: Float32Array | null,
  beta: Float32Array | null,
): Tensor {
  const C = l.channels;
  const scale = new Float64Array(C),
    shift = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    scale[c] = (gamma ? gamma[c] : 1) * invStd[c];
    shift[c] = beta ? beta[c] : 0;
  }
  const X = x.data,
    y = new Float32Array(X.length);
  forEachChannelRun(
    l,
    (c, start, end) => {
      const m = mean[c],
        s = scale[c],
        t = shift[c];
      for (let i = start; i < end; i++) y[i] = (X[i] - m) * s + t;
    },
    (row) => {
      for (let c = 0; c < C; c++) y[row + c] = (X[row + c] - mean[c]) * scale[c] + shift[c];
    },
  );
  return tensor(x.shape, y);
}

/**
 * Training forward: per-channel mean and biased variance (÷N) over every axis but the channel axis, as Keras
 * computes them. Two passes (mean, then squared deviations) so a large mean does not cancel the variance.
 */
export function batchNormTrain(
  x: Tensor,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  epsilon: number,
  axis = -1,
  activation?: BatchNormEpilogue,
): { y: Tensor; saved: BatchNormSaved } {
  const l = channelLayout(x.shape, axis);
  const { outer, channels: C, inner } = l;
  checkChannels('gamma', gamma, C);
  checkChannels('beta', beta, C);
  const X = x.data;
  const n = outer * inner;
  const sum = new Float64Array(C);
  forEachChannelRun(
    l,
    (c, start, end) => {
      let s = 0;
      for (let i = start; i < end; i++) s += X[i];
      sum[c] += s;
    },
    (row) => {
      for (let c = 0; c < C; c++) sum[c] += X[row + c];
    },
  );
  const mean64 = sum.map((s) => s / n);
  const sq = new Float64Array(C);
  forEachChannelRun(
    l,
    (c, start, end) => {
      const m = mean64[c];
      let s = 0;
      for (let i = start; i < end; i++) s += (X[i] - m) * (X[i] - m);
      sq[c] += s;
    },
    (row) => {
      for (let c = 0; c < C; c++) {
        const d = X[row + c] - mean64[c];
        sq[c] += d * d;
      }
    },
  );
  const var64 = sq.map((s) => s / n);
  const invStd64 = var64.map((v) => 1 / Math.sqrt(v + epsilon));
  const normalized = normalize(x, l, mean64, invStd64, gamma, beta);
  return {
    y: activation ? applyActivation(normalized, activation) : normalized,
    saved: {
      mean: Float32Array.from(mean64),
      variance: Float32Array.from(var64),
      invStd: Float32Array.from(invStd64),
      axis: l.axis,
    },
  };
}

/** Inference forward with the moving statistics. */
export function batchNormInfer(
  x: Tensor,
  movingMean: Float32Array,
  movingVariance: Float32Array,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  epsilon: number,
  axis = -1,
): Tensor {
  const l = channelLayout(x.shape, axis);
  checkChannels('moving_mean', movingMean, l.channels);
  checkChannels('moving_variance', movingVariance, l.channels);
  checkChannels('gamma', gamma, l.channels);
  checkChannels('beta', beta, l.channels);
  const invStd = Array.from(movingVariance, (v) => 1 / Math.sqrt(v + epsilon));
  return normalize(x, l, movingMean, invStd, gamma, beta);
}
