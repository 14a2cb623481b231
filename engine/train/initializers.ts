/**
 * Keras initializers by name (keras/src/initializers): the variance-scaling family with Keras's fans and its
 * truncated-normal correction, the fixed-range random ones, zeros and ones. Drawn from LayerCanvas's seeded
 * generator (core/random.ts), so a seed reproduces the weights, though not Keras's own numbers.
 */
import type { NamedWeight, ModelDocument } from '../graph/document';
import { infer } from '../graph/inference';
import { getLayer } from '../layers/registry';
import { Random } from '../core/random';
import { sizeOf, tensor, type Tensor } from '../core/tensor';
import { NAMED_VARIANCE_SCALING, parseVarianceScaling } from '../core/variance-scaling';
import { parseArgInitializer } from '../core/initializer-text';

/** scipy.stats.truncnorm.std(a=-2, b=2): the stddev of a standard normal cut at ±2, which Keras divides by. */
export const TRUNCATION_CORRECTION = 0.87962566103423978;

/** Keras's `compute_fans`: for a kernel of rank > 2 the receptive field (kh·kw) multiplies both fans. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/** Keras's defaults for the fixed-range initializers. */
export const RANDOM_UNIFORM_LIMIT = 0.05;
export const RANDOM_NORMAL_STDDEV = 0.05;

/** The parameters an initializer draws from for a shape: a uniform limit, or a normal's stddev. */
export function initializerParameters(
  name: string,
  shape: readonly number[],
):
  | { kind: 'uniform'; limit: number }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'normal' | 'truncated_normal'; stddev: number; mean?: number }
  | { kind: 'constant'; value: number }
  | { kind: 'orthogonal'; gain: number }
  | null {
  const vs = NAMED_VARIANCE_SCALING[name] ?? parseVarianceScaling(name);
  if (vs) {
    // Keras's VarianceScaling.__call__: the variance scale / fan, as a uniform's limit or a normal's stddev.
    const { fanIn, fanOut } = computeFans(shape);
    const fan = vs.mode === 'fan_in' ? fanIn : vs.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const scale = vs.scale / Math.max(1, fan);
    if (vs.distribution === 'uniform') return { kind: 'uniform', limit: Math.sqrt(3 * scale) };
    if (vs.distribution === 'untruncated_normal') return { kind: 'normal', stddev: Math.sqrt(scale) };
    return { kind: 'truncated_normal', stddev: Math.sqrt(scale) / TRUNCATION_CORRECTION };
  }
  const withArgs = parseArgInitializer(name);
  if (withArgs) {
    const a = withArgs.args;
    switch (withArgs.cls) {
      case 'RandomNormal':
        return { kind: 'normal', mean: a.mean, stddev: a.stddev };
      case 'TruncatedNormal':
        return { kind: 'truncated_normal', mean: a.mean, stddev: a.stddev };
      case 'RandomUniform':
        return { kind: 'range', min: a.minval, max: a.maxval };
      case 'Constant':
        return { kind: 'constant', value: a.value };
    }
  }
  switch (name) {
    case 'random_uniform':
      return { kind: 'uniform', limit: RANDOM_UNIFORM_LIMIT };
    case 'random_normal':
      return { kind: 'normal', stddev: RANDOM_NORMAL_STDDEV };
    case 'truncated_normal':
      return { kind: 'truncated_normal', stddev: RANDOM_NORMAL_STDDEV };
    case 'zeros':
      return { kind: 'constant', value: 0 };
    case 'ones':
      return { kind: 'constant', value: 1 };
    case 'orthogonal':
      return { kind: 'orthogonal', gain: 1 };
  }
  return null;
}

export function isKnownInitializer(name: string): boolean {
  return initializerParameters(name, [1]) !== null;
}

/** A tensor of `shape` filled by the named initializer; throws only on an unknown name (a programming error). */
export function initialize(name: string, shape: readonly number[], rng: Random): Tensor {
  const p = initializerParameters(name, shape);
  if (!p) throw new RangeError(`unknown initializer '${name}'`);
  const data = new Float32Array(sizeOf(shape));
  switch (p.kind) {
    case 'constant':
      data.fill(p.value);
      break;
    case 'uniform':
      for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-p.limit, p.limit);
      break;
    case 'range':
      for (let i = 0; i < data.length; i++) data[i] = rng.uniform(p.min, p.max);
      break;
    case 'normal':
      for (let i = 0; i < data.length; i++) data[i] = rng.normal(p.mean ?? 0, p.stddev);
      break;
    case 'truncated_normal':
      for (let i = 0; i < data.length; i++) data[i] = rng.truncatedNormal(p.mean ?? 0, p.stddev);
      break;
    case 'orthogonal':
      orthogonal(data, shape, p.gain, rng);
      break;
  }
  return tensor([...shape], data);
}

/**
 * Keras's Orthogonal: the (rows = product of all but the last axis) × (cols = last axis) matrix with orthonormal
 * rows or columns, whichever are fewer, from the QR decomposition of a standard normal matrix with R's diagonal made
 * positive. Gram–Schmidt gives that Q directly (its R has a positive diagonal by construction).
 */
function orthogonal(out: Float32Array, shape: readonly number[], gain: number, rng: Random): void {
  const cols = shape[shape.length - 1] ?? 1;
  const rows = out.length / cols;
  // Orthonormal vectors of length `long`, `short` of them: the columns of Q for the (long × short) normal matrix.
  const long = Math.max(rows, cols);
  const short = Math.min(rows, cols);
  const q = new Float64Array(long * short);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal(0, 1);
  for (let j = 0; j < short; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < long; i++) dot += q[i * short + j] * q[i * short + k];
      for (let i = 0; i < long; i++) q[i * short + j] -= dot * q[i * short + k];
    }
    let norm = 0;
    for (let i = 0; i < long; i++) norm += q[i * short + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < long; i++) q[i * short + j] /= norm;
  }
  // rows ≥ cols: Q is the (rows × cols) result; otherwise its transpose is.
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[r * short + c] : q[c * short + r]);
}

/**
 * Fresh weights for every node that has weights, in Keras's order, each drawn with the initializer its config names.
 * Nodes whose shapes can't be inferred (errors) get none. One generator runs through the nodes in document order,
 * so adding a layer at the end leaves the earlier layers' weights as they were.
 */
export function initializeWeights(doc: ModelDocument, seed: number): Record<string, NamedWeight[]> {
  const inference = infer(doc);
  const rng = new Random(seed);
  const out: Record<string, NamedWeight[]> = {};
  for (const node of doc.nodes) {
    const info = inference.nodes.get(node.id);
    if (!info || info.weights.length === 0 || !getLayer(node.className)) continue;
    out[node.id] = info.weights.map((w) => {
      if (w.constant !== undefined)
        return { name: w.name, tensor: tensor([...w.shape], new Float32Array(sizeOf(w.shape)).fill(w.constant)) };
      const name = node.config[w.initializer];
      const t = initialize(typeof name === 'string' ? name : 'zeros', w.shape, rng);
      if (w.ones) t.data.fill(1, w.ones[0], w.ones[1]);
      return { name: w.name, tensor: t };
    });
  }
  return out;
}
