/**
 * Input-feature normalization, fit on the training split only and then applied, with the same statistics, to
 * validation, test and prediction inputs; fitting on everything would leak the held-out data into training.
 * Statistics run per feature along the last axis, like `keras.layers.Normalization(axis=-1)`.
 */
import type { Dataset, Normalization } from './types';

export type NormalizationKind = 'min-max' | 'z-score';

/** Features are the last axis of a sample: CSV columns, image channels. */
export function featureCount(sampleShape: readonly number[]): number {
  return sampleShape.length === 0 ? 1 : sampleShape[sampleShape.length - 1];
}

/** The statistics of `train` as it is now (float64 sums, so a large dataset keeps its precision). */
export function fitNormalization(train: Dataset, kind: NormalizationKind): Normalization {
  const f = featureCount(train.sampleShape);
  const rows = f === 0 ? 0 : train.x.length / f;
  if (kind === 'min-max') {
    const min = new Array<number>(f).fill(Infinity);
    const max = new Array<number>(f).fill(-Infinity);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < f; j++) {
        const v = train.x[r * f + j];
        if (v < min[j]) min[j] = v;
        if (v > max[j]) max[j] = v;
      }
    }
    // An empty training set has no range; leave its features as they are.
    return {
      kind,
      min: min.map((v) => (Number.isFinite(v) ? v : 0)),
      max: max.map((v) => (Number.isFinite(v) ? v : 1)),
    };
  }
  const sum = new Float64Array(f);
  for (let r = 0; r < rows; r++) for (let j = 0; j < f; j++) sum[j] += train.x[r * f + j];
  const mean = Array.from(sum, (s) => (rows ? s / rows : 0));
  const sq = new Float64Array(f);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < f; j++) {
      const d = train.x[r * f + j] - mean[j];
      sq[j] += d * d;
    }
  }
  return { kind, mean, std: Array.from(sq, (s) => (rows ? Math.sqrt(s / rows) : 1)) };
}

/** One step over `x` (features along the last axis), into a new array. */
export function applyNormalization(x: Float32Array, norm: Normalization, features: number): Float32Array {
  const out = new Float32Array(x.length);
  if (norm.kind === 'rescale') {
    for (let i = 0; i < x.length; i++) out[i] = x[i] * norm.scale + norm.offset;
    return out;
  }
  const shift = norm.kind === 'min-max' ? norm.min : norm.mean;
  const divisor =
    norm.kind === 'min-max'
      ? norm.min.map((lo, j) => (norm.max[j] - lo === 0 ? 1 : norm.max[j] - lo))
      : norm.std.map((s) => (s === 0 ? 1 : s));
  for (let i = 0; i < x.length; i++) {
    const j = i % features;
    out[i] = (x[i] - shift[j]) / divisor[j];
  }
  return out;
}

/** Raw inputs (e.g. for a prediction) through every step a dataset went through, so they match its `x`. */
export function prepareInputs(x: Float32Array, dataset: Pick<Dataset, 'normalization' | 'sampleShape'>): Float32Array {
  let out: Float32Array = x.slice();
  for (const step of dataset.normalization) out = applyNormalization(out, step, featureCount(dataset.sampleShape));
  return out;
}

/** A dataset with `norm` applied to its inputs and added to its steps. */
export function normalize(dataset: Dataset, norm: Normalization): Dataset {
  return {
    ...dataset,
    x: applyNormalization(dataset.x, norm, featureCount(dataset.sampleShape)),
    normalization: [...dataset.normalization, norm],
  };
}

/** Fit on `train`, apply the same statistics to every split: the only right way to use them. */
export function normalizeSplits<S extends { train: Dataset } & Record<string, Dataset>>(
  splits: S,
  kind: NormalizationKind,
): { stats: Normalization; splits: S } {
  const stats = fitNormalization(splits.train, kind);
  const out = {} as Record<string, Dataset>;
  for (const key of Object.keys(splits)) out[key] = normalize(splits[key], stats);
  return { stats, splits: out as S };
}
