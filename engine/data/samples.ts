/**
 * A window of a dataset's samples, as the `samples` request answers it and as the renderer cuts it from a dataset it
 * imported itself: the same function on both sides, so a preview of an imported file and of a built-in look alike.
 * Pure: no Node imports, so the renderer can use it.
 */
import { detokenize } from './text';
import type { Dataset } from './types';
import { sampleSize, targetSize } from './types';

/** More than a preview grid or a thumbnail strip needs; keeps one answer small over the browser host's socket. */
export const MAX_SAMPLES = 256;

export type Split = 'train' | 'test';

export interface SampleWindow {
  /** The dataset's name as its loader gives it. */
  name: string;
  split: Split;
  /** Which splits the dataset has: a test split only where the source has one (MNIST, a t10k IDX pair). */
  splits: Split[];
  /** How many samples the split holds. */
  total: number;
  offset: number;
  /** How many samples this window holds (fewer than asked at the end of the split). */
  count: number;
  /** `count × product(sampleShape)` values, row-major (a copy). */
  x: Float32Array;
  /** Class indices (classification) or `count × targetSize` targets (regression). */
  y: Int32Array | Float32Array;
  targetSize: number;
  sampleShape: number[];
  /** By class index; empty for regression. */
  classNames: string[];
  /** Token datasets: the word of each id, so a sample reads as text. */
  vocabulary?: string[];
}

/** The samples `offset … offset + count - 1` (clipped to the split), copied out of the dataset. */
export function sampleWindow(
  dataset: Dataset,
  split: Split,
  splits: Split[],
  offset: number,
  count: number,
): SampleWindow {
  const per = sampleSize(dataset.sampleShape);
  const ty = targetSize(dataset);
  const start = Math.max(0, Math.min(Math.floor(offset), dataset.count));
  const n = Math.max(0, Math.min(Math.floor(count), MAX_SAMPLES, dataset.count - start));
  const classNames =
    dataset.classNames ?? (dataset.numClasses ? Array.from({ length: dataset.numClasses }, (_, k) => String(k)) : []);
  return {
    name: dataset.name,
    split,
    splits,
    total: dataset.count,
    offset: start,
    count: n,
    x: dataset.x.slice(start * per, (start + n) * per),
    y: dataset.y.slice(start * ty, (start + n) * ty),
    targetSize: ty,
    sampleShape: [...dataset.sampleShape],
    classNames: [...classNames],
    ...(dataset.vocabulary ? { vocabulary: [...dataset.vocabulary] } : {}),
  };
}

/**
 * One sample of a window: its values, its label as text (the class name, or the targets) and, for a token
 * dataset, the words its ids stand for.
 */
export function sampleAt(
  window: SampleWindow,
  k: number,
): { x: Float32Array; label: number | null; labelText: string; text?: string } {
  const per = sampleSize(window.sampleShape);
  const x = window.x.subarray(k * per, (k + 1) * per);
  const text = window.vocabulary ? { text: detokenize(x, window.vocabulary) } : {};
  if (window.y instanceof Int32Array && window.targetSize === 1) {
    const label = window.y[k];
    return { x, label, labelText: window.classNames[label] ?? String(label), ...text };
  }
  const targets = Array.from(window.y.subarray(k * window.targetSize, (k + 1) * window.targetSize));
  return { x, label: null, labelText: targets.map((v) => Number(v.toPrecision(4))).join(', '), ...text };
}
