/**
 * The numbers behind the Predict tab's pictures: class probabilities from a model's output (softmax applied when
 * the last layer has none), and feature maps and samples turned into 8-bit greys for a canvas. Pure, so tested
 * without a page.
 */

/** Softmax, shifted by the maximum so large logits don't overflow (as Keras's implementation does). */
export function softmax(values: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  const exps = Array.from({ length: values.length }, (_, i) => Math.exp(values[i] - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export interface ClassScores {
  /** One per class, summing to 1. */
  probabilities: number[];
  names: string[];
  /** The top class's index. */
  top: number;
  /** How the output was read, when it wasn't already a softmax (shown under the bars). */
  note: string | null;
}

/**
 * The output of one sample (its values without the batch axis) as class probabilities. A softmax output is taken
 * as it is; one sigmoid unit is p(class 1), so the bars show 1 − p and p; anything else is treated as logits and
 * put through a softmax, and the note says so.
 */
export function classScores(
  output: ArrayLike<number>,
  lastActivation: string | null,
  classNames: readonly string[],
): ClassScores {
  let probabilities: number[];
  let note: string | null = null;
  if (lastActivation === 'softmax') probabilities = Array.from(output);
  else if (output.length === 1 && lastActivation === 'sigmoid') {
    probabilities = [1 - output[0], output[0]];
    note = 'The last layer is one sigmoid unit: the bars show 1 − p and p.';
  } else {
    probabilities = softmax(output);
    note = `The last layer has no softmax (its activation is ${lastActivation ?? 'linear'}): softmax was applied for these bars.`;
  }
  const names = probabilities.map((_, i) =>
    classNames.length === probabilities.length ? classNames[i] : `class ${i}`,
  );
  let top = 0;
  probabilities.forEach((p, i) => {
    if (p > probabilities[top]) top = i;
  });
  return { probabilities, names, top, note };
}

/**
 * One channel of an NHWC feature map (batch item 0) as greys 0…255, min-max normalized within the channel so a
 * dim channel still shows its pattern; a constant channel is drawn black (nothing to see).
 */
export function channelGreys(
  data: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  channel: number,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(height * width);
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < height * width; p++) {
    const v = data[p * channels + channel];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  if (!(range > 0) || !Number.isFinite(range)) return out;
  for (let p = 0; p < height * width; p++) out[p] = Math.round(((data[p * channels + channel] - min) / range) * 255);
  return out;
}

/**
 * A sample's values as RGBA pixels: grey for one channel (or a 2-D sample), colour for three. Values already in
 * [0, 1] are shown as they are (so a faint MNIST stroke stays faint); others are min-max scaled.
 */
export function sampleRgba(
  x: ArrayLike<number>,
  sampleShape: readonly number[],
): { width: number; height: number; rgba: Uint8ClampedArray<ArrayBuffer> } | null {
  const [height, width, channels = 1] = sampleShape;
  if (sampleShape.length < 2 || sampleShape.length > 3 || (channels !== 1 && channels !== 3)) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  const unit = min >= 0 && max <= 1;
  const lo = unit ? 0 : min;
  const span = unit ? 1 : max - min || 1;
  const rgba = new Uint8ClampedArray(height * width * 4);
  for (let p = 0; p < height * width; p++) {
    for (let k = 0; k < 3; k++)
      rgba[p * 4 + k] = Math.round(((x[p * channels + (channels === 3 ? k : 0)] - lo) / span) * 255);
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

/** Whether a sample shape is a picture (H, W) or (H, W, 1|3) rather than a feature vector. */
export const isImageShape = (shape: readonly number[]): boolean =>
  (shape.length === 2 || shape.length === 3) && (shape.length === 2 || shape[2] === 1 || shape[2] === 3);

/**
 * A layer output's values in one line: the tiles are each stretched to black…white, which hides the scale, so the
 * caption says it (a BatchNormalization output sits near mean β, std γ; a ReLU's minimum is 0).
 */
export function valueSummary(data: ArrayLike<number>): string {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (data.length === 0) return 'no values';
  const mean = sum / data.length;
  const std = Math.sqrt(Math.max(0, sq / data.length - mean * mean));
  const f = (v: number) =>
    v === 0 ? '0' : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  return `mean ${f(mean)} · std ${f(std)} · ${f(min)} … ${f(max)}`;
}
