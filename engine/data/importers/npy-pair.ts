/**
 * An (x.npy, y.npy) pair → dataset, the way people hand arrays to `model.fit(x, y)`. Labels are classes when
 * they are integers (an integer dtype, or whole floats), or one-hot rows; other float targets are regression.
 */
import type { Dataset, DataResult } from '../types';
import { dataError, failure, formatSampleShape } from '../types';
import { parseNpy } from './npy';

export interface NpyPairOptions {
  name?: string;
  xFile?: string;
  yFile?: string;
  task?: 'auto' | 'classification' | 'regression';
}

/** Whole numbers from 0 up to this count as class indices under task 'auto'. */
const MAX_AUTO_CLASSES = 1000;

function oneHotRows(values: Float32Array, rows: number, width: number): Int32Array | null {
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let hot = -1;
    for (let c = 0; c < width; c++) {
      const v = values[r * width + c];
      if (v === 1 && hot < 0) hot = c;
      else if (v !== 0) return null;
    }
    if (hot < 0) return null;
    labels[r] = hot;
  }
  return labels;
}

export function readNpyPair(xBytes: Uint8Array, yBytes: Uint8Array, options: NpyPairOptions = {}): DataResult<Dataset> {
  const xs = parseNpy(xBytes, options.xFile);
  if (!xs.ok) return xs;
  const ys = parseNpy(yBytes, options.yFile);
  if (!ys.ok) return ys;
  const yAt = { offset: 0, ...(options.yFile ? { file: options.yFile } : {}) };
  const [n, ...sampleShape] = xs.value.shape;
  if (xs.value.shape.length < 2) {
    return failure(
      dataError(
        `x has the shape ${formatSampleShape(xs.value.shape)}; it needs a sample axis first and features after it`,
        'Reshape it first, e.g. x.reshape(-1, 1) for one feature.',
        { offset: 0, ...(options.xFile ? { file: options.xFile } : {}) },
      ),
    );
  }
  const yShape = ys.value.shape;
  if (yShape[0] !== n || yShape.length === 0) {
    return failure(
      dataError(
        `x holds ${n} samples but y has the shape ${formatSampleShape(yShape)}`,
        'x and y need the same first (sample) axis.',
        yAt,
      ),
    );
  }
  const targetWidth = yShape.slice(1).reduce((a, b) => a * b, 1);
  const name = options.name ?? 'NumPy arrays';
  const about = `${n} samples of shape ${formatSampleShape(sampleShape)}`;
  const base = { name, x: xs.value.values, sampleShape, count: n, normalization: [] };
  const task = options.task ?? 'auto';
  const v = ys.value.values;

  if (task !== 'regression') {
    let labels: Int32Array | null = null;
    if (
      targetWidth === 1 &&
      v.every((t) => Number.isInteger(t) && t >= 0) &&
      (task === 'classification' || ys.value.integer || v.reduce((m, t) => Math.max(m, t), 0) < MAX_AUTO_CLASSES)
    ) {
      labels = Int32Array.from(v);
    } else if (targetWidth > 1 && yShape.length === 2) {
      labels = oneHotRows(v, n, targetWidth);
    }
    if (labels) {
      const classes = targetWidth > 1 ? targetWidth : labels.reduce((m, c) => Math.max(m, c), -1) + 1;
      return {
        ok: true,
        value: {
          ...base,
          description: `${about}, ${classes} classes.`,
          y: labels,
          numClasses: classes,
          classNames: Array.from({ length: classes }, (_, k) => String(k)),
        },
      };
    }
    if (task === 'classification') {
      return failure(
        dataError(
          `y (${ys.value.dtype}, shape ${formatSampleShape(yShape)}) holds neither class indices (whole numbers ≥ 0) nor one-hot rows`,
          'Save the class of each sample as an integer: np.save(path, labels.astype("int32")).',
          yAt,
        ),
      );
    }
  }
  return {
    ok: true,
    value: { ...base, description: `${about}, regression targets of width ${targetWidth}.`, y: Float32Array.from(v) },
  };
}
