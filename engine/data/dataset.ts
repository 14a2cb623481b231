/** Splitting, batching and looking at datasets. All randomness is seeded, so a seed always gives the same order. */
import { Random } from '../core/random';
import type { Batch, Dataset, PreviewSample } from './types';
import { sampleSize, targetSize } from './types';

/** A seeded Fisher–Yates permutation of 0 … n - 1. */
export function permutation(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new Random(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** The samples at `indices`, in that order, as a new dataset (copies). */
export function take(dataset: Dataset, indices: ArrayLike<number>, name = dataset.name): Dataset {
  const per = sampleSize(dataset.sampleShape);
  const ty = targetSize(dataset);
  const x = new Float32Array(indices.length * per);
  const y =
    dataset.y instanceof Int32Array ? new Int32Array(indices.length * ty) : new Float32Array(indices.length * ty);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    x.set(dataset.x.subarray(i * per, (i + 1) * per), k * per);
    y.set(dataset.y.subarray(i * ty, (i + 1) * ty), k * ty);
  }
  return { ...dataset, name, x, y, count: indices.length, sampleShape: [...dataset.sampleShape] };
}

/** The first `n` samples (all of them when n ≥ count), for quick runs. */
export function subset(dataset: Dataset, n: number): Dataset {
  const count = Math.max(0, Math.min(Math.floor(n), dataset.count));
  const indices = new Int32Array(count);
  for (let i = 0; i < count; i++) indices[i] = i;
  return take(dataset, indices, dataset.name);
}

/**
 * Train/validation split. The validation part is `count - floor(count × (1 - fraction))` samples, the count rule
 * of Keras's `validation_split`; Keras takes the last samples in order, which misleads on data sorted by class,
 * so the samples are first put in a seeded random order (`seed: null` keeps Keras's in-order split).
 */
export function split(
  dataset: Dataset,
  validationFraction: number,
  seed: number | null = 0,
): { train: Dataset; validation: Dataset } {
  const fraction = Math.min(Math.max(validationFraction, 0), 1);
  const trainCount = Math.floor(dataset.count * (1 - fraction));
  const order =
    seed === null ? Int32Array.from({ length: dataset.count }, (_, i) => i) : permutation(dataset.count, seed);
  return {
    train: take(dataset, order.subarray(0, trainCount), `${dataset.name} (train)`),
    validation: take(dataset, order.subarray(trainCount), `${dataset.name} (validation)`),
  };
}

export interface BatchOptions {
  shuffle?: boolean;
  /** Seed of the shuffle; pass a different one each epoch (e.g. seed + epoch) for a new order. */
  seed?: number;
}

/**
 * The dataset in batches of `batchSize`; the last batch keeps the remainder, as Keras's `fit` does.
 * Unshuffled batches are views into the dataset's arrays (don't write to them); shuffled ones are copies.
 */
export function* batches(dataset: Dataset, batchSize: number, options: BatchOptions = {}): Generator<Batch> {
  const size = Math.max(1, Math.floor(batchSize));
  const per = sampleSize(dataset.sampleShape);
  const ty = targetSize(dataset);
  const order = options.shuffle ? permutation(dataset.count, options.seed ?? 0) : null;
  for (let start = 0; start < dataset.count; start += size) {
    const n = Math.min(size, dataset.count - start);
    const xShape = [n, ...dataset.sampleShape];
    if (!order) {
      yield {
        x: dataset.x.subarray(start * per, (start + n) * per),
        y: dataset.y.subarray(start * ty, (start + n) * ty),
        size: n,
        xShape,
      };
      continue;
    }
    const x = new Float32Array(n * per);
    const y = dataset.y instanceof Int32Array ? new Int32Array(n * ty) : new Float32Array(n * ty);
    for (let k = 0; k < n; k++) {
      const i = order[start + k];
      x.set(dataset.x.subarray(i * per, (i + 1) * per), k * per);
      y.set(dataset.y.subarray(i * ty, (i + 1) * ty), k * ty);
    }
    yield { x, y, size: n, xShape };
  }
}

/** How many batches an epoch has: ceil(count / batchSize). */
export const batchCount = (count: number, batchSize: number): number =>
  Math.ceil(count / Math.max(1, Math.floor(batchSize)));

/** Class indices → one-hot rows (`labels.length × numClasses`), as `keras.utils.to_categorical`. */
export function oneHot(labels: ArrayLike<number>, numClasses: number): Float32Array {
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c >= 0 && c < numClasses) out[i * numClasses + c] = 1;
  }
  return out;
}

/** How many samples each class has (classification datasets). */
export function classCounts(dataset: Dataset): number[] {
  const counts = new Array<number>(dataset.numClasses ?? 0).fill(0);
  if (!(dataset.y instanceof Int32Array)) return counts;
  for (const c of dataset.y) if (c >= 0 && c < counts.length) counts[c]++;
  return counts;
}

/**
 * `k` samples for a preview grid, spread over the classes (round-robin, first samples of each class first) so a
 * grid of a sorted dataset doesn't show one class only; regression datasets give the first `k`.
 */
export function preview(dataset: Dataset, k: number): PreviewSample[] {
  const n = Math.max(0, Math.min(Math.floor(k), dataset.count));
  const per = sampleSize(dataset.sampleShape);
  const ty = targetSize(dataset);
  let picked: number[] = [];
  if (dataset.y instanceof Int32Array && dataset.numClasses) {
    const byClass: number[][] = Array.from({ length: dataset.numClasses }, () => []);
    for (let i = 0; i < dataset.count; i++) {
      const bucket = byClass[dataset.y[i]];
      if (bucket && bucket.length < n) bucket.push(i);
    }
    for (let round = 0; picked.length < n; round++) {
      let any = false;
      for (const bucket of byClass) {
        if (round < bucket.length && picked.length < n) {
          picked.push(bucket[round]);
          any = true;
        }
      }
      if (!any) break;
    }
  } else {
    picked = Array.from({ length: n }, (_, i) => i);
  }
  return picked.map((index) => {
    const x = dataset.x.slice(index * per, (index + 1) * per);
    if (dataset.y instanceof Int32Array && ty === 1) {
      const label = dataset.y[index];
      return { index, x, label, labelText: dataset.classNames?.[label] ?? String(label) };
    }
    const label = Array.from(dataset.y.subarray(index * ty, (index + 1) * ty));
    return { index, x, label, labelText: label.map((v) => Number(v.toPrecision(4))).join(', ') };
  });
}
