/** Does a dataset fit a model? Checked before training starts so the user gets a fix, not a crash mid-epoch. */
import type { Dataset } from './types';
import { formatSampleShape, sampleSize } from './types';

export interface DataMismatch {
  message: string;
  hint: string;
  /** What to change on the model to make it fit: the Input's `shape`, or the output layer's `units`. */
  fix: { shape: number[] } | { units: number };
}

/**
 * `inputShape` is the Input layer's `shape`, without the batch axis (a leading None there would be a real axis:
 * Input(shape=(None, 2)) takes sequences). `null` sizes match anything, as they do in Keras.
 */
export function checkAgainstInput(
  dataset: Pick<Dataset, 'sampleShape'>,
  inputShape: readonly (number | null)[],
): DataMismatch | null {
  const sample = dataset.sampleShape;
  if (inputShape.length === sample.length && inputShape.every((d, i) => d === null || d === sample[i])) return null;
  const fits = formatSampleShape(sample);
  let hint = `Set the Input's shape to ${fits} to match the data.`;
  const modelSize = inputShape.every((d) => d !== null) ? sampleSize(inputShape as number[]) : null;
  if (modelSize === sampleSize(sample) && inputShape.length === 1 && sample.length > 1) {
    hint += ` A Flatten after it gives the ${formatSampleShape(inputShape)} vector the next layers expect.`;
  } else if (modelSize === sampleSize(sample) && inputShape.length > 1) {
    hint += ` A Reshape${formatSampleShape(inputShape)} after it keeps the layout the next layers expect.`;
  }
  return {
    message: `The dataset's samples are ${fits} but the model's Input is ${formatSampleShape(inputShape)}.`,
    hint,
    fix: { shape: [...sample] },
  };
}

/**
 * For classification: the model's output must have one unit per class (softmax + sparse categorical
 * crossentropy), or one unit for two classes (sigmoid + binary crossentropy). `outputShape` is the last layer's
 * output without the batch axis.
 */
export function checkAgainstOutput(
  dataset: Pick<Dataset, 'numClasses'>,
  outputShape: readonly (number | null)[],
): DataMismatch | null {
  const classes = dataset.numClasses;
  if (!classes) return null;
  const units = outputShape[outputShape.length - 1];
  if (outputShape.length !== 1 || units === null) return null;
  if (units === classes || (classes === 2 && units === 1)) return null;
  return {
    message: `The dataset has ${classes} classes but the model's output has ${units} unit${units === 1 ? '' : 's'}.`,
    hint: `Give the last Dense layer units=${classes} (with a softmax) so it scores every class.`,
    fix: { units: classes },
  };
}
