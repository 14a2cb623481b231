/** Field specs and config readers shared by the layer files, so each layer states only what is its own. */
import { parseArgInitializer } from '../core/initializer-text';
import { parseVarianceScaling } from '../core/variance-scaling';
import { parseRule, ruleOptions } from '../core/weight-rules';
import type { ConfigValue, FieldSpec, LayerConfig } from './types';

/**
 * Keras 3 activation names LayerCanvas computes (the string forms `keras.activations.get` accepts, less glu, threshold
 * and sparsemax). `silu`/`swish` and `hard_silu`/`hard_swish` are one function each; `linear` is None.
 */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'relu6',
  'gelu',
  'silu',
  'swish',
  'leaky_relu',
  'hard_sigmoid',
  'hard_silu',
  'hard_swish',
  'exponential',
  'mish',
  'log_softmax',
  'celu',
  'hard_tanh',
  'log_sigmoid',
  'tanh_shrink',
  'squareplus',
  'sparse_plus',
  'sparse_sigmoid',
  'soft_shrink',
  'hard_shrink',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Keras initializer names (the string forms `keras.initializers.get` accepts). */
export const INITIALIZERS = [
  'glorot_uniform',
  'glorot_normal',
  'he_uniform',
  'he_normal',
  'lecun_uniform',
  'lecun_normal',
  'random_uniform',
  'random_normal',
  'truncated_normal',
  'zeros',
  'ones',
  'orthogonal',
] as const;
export type Initializer = (typeof INITIALIZERS)[number];

export const activationField = (
  def: ActivationName = 'linear',
  doc = 'Activation applied to the output; linear (None) is none.',
) => ({ type: 'enum', options: ACTIVATIONS, default: def, doc }) as const satisfies FieldSpec;

/**
 * An initializer field: one of the names, a general VarianceScaling(…) (core/variance-scaling.ts), or an initializer
 * with other arguments than Keras's defaults, e.g. RandomNormal(mean=0, stddev=0.02) (core/initializer-text.ts).
 */
export const initializerField = (def: Initializer, doc: string) =>
  ({
    type: 'enum',
    options: INITIALIZERS,
    default: def,
    doc,
    advanced: true,
    accepts: (v: string) => parseVarianceScaling(v) !== null || parseArgInitializer(v) !== null,
  }) as const satisfies FieldSpec;

/** A `*_regularizer` field: None, or L1(…), L2(…), L1L2(…) as core/weight-rules.ts stores them. */
export const regularizerField = (doc: string) =>
  ({
    type: 'enum',
    options: ruleOptions('regularizer'),
    default: null,
    nullable: true,
    doc,
    advanced: true,
    accepts: (v: string) => parseRule('regularizer', v) !== null,
    rule: 'regularizer',
  }) as const satisfies FieldSpec;

/** A `*_constraint` field: None, or MaxNorm(…), NonNeg(), UnitNorm(…), MinMaxNorm(…) (core/weight-rules.ts). */
export const constraintField = (doc: string) =>
  ({
    type: 'enum',
    options: ruleOptions('constraint'),
    default: null,
    nullable: true,
    doc,
    advanced: true,
    accepts: (v: string) => parseRule('constraint', v) !== null,
    rule: 'constraint',
  }) as const satisfies FieldSpec;

export const activityRegularizerField = regularizerField(
  "Penalty on the layer's output, divided by the batch size, added to the loss (None: none).",
);

const WEIGHT_NAMES: Readonly<Record<string, string>> = {
  kernel: 'kernel',
  bias: 'bias',
  recurrent: 'recurrent kernel',
  depthwise: 'depthwise kernel',
  pointwise: 'pointwise kernel',
  embeddings: 'embedding matrix',
  beta: 'beta',
  gamma: 'gamma',
};

/** `kernel_regularizer`, `bias_regularizer`, … for the weights named (Keras's prefixes), in that order. */
export function regularizerFields<const P extends string>(
  ...prefixes: P[]
): Record<`${P}_regularizer`, ReturnType<typeof regularizerField>> {
  return Object.fromEntries(
    prefixes.map((p) => [
      `${p}_regularizer`,
      regularizerField(`Penalty on the ${WEIGHT_NAMES[p] ?? p} added to the loss (None: none).`),
    ]),
  ) as Record<`${P}_regularizer`, ReturnType<typeof regularizerField>>;
}

/** `kernel_constraint`, `bias_constraint`, … for the weights named, in that order. */
export function constraintFields<const P extends string>(
  ...prefixes: P[]
): Record<`${P}_constraint`, ReturnType<typeof constraintField>> {
  return Object.fromEntries(
    prefixes.map((p) => [
      `${p}_constraint`,
      constraintField(`Applied to the ${WEIGHT_NAMES[p] ?? p} after every optimizer step (None: none).`),
    ]),
  ) as Record<`${P}_constraint`, ReturnType<typeof constraintField>>;
}

export const paddingField = {
  type: 'enum',
  options: ['valid', 'same'],
  default: 'valid',
  doc: "'valid': no padding, the output shrinks; 'same': zero-pad so that output = ceil(input / stride).",
} as const satisfies FieldSpec;

export const useBiasField = {
  type: 'bool',
  default: true,
  doc: 'Add a learned bias. Set it to False before BatchNormalization: BN subtracts the mean, cancelling any bias.',
} as const satisfies FieldSpec;

interface PairOptions {
  required?: boolean;
  nullable?: boolean;
  min?: number;
  advanced?: boolean;
}

/** A (height, width) field; `nullable: true` in the options makes its value `[number, number] | null`. */
export function pair<const O extends PairOptions = Record<never, never>>(
  def: readonly number[] | null,
  doc: string,
  options?: O,
): {
  readonly type: 'ints';
  readonly length: 2;
  readonly default: readonly number[] | null;
  readonly min: number;
  readonly doc: string;
} & O {
  const spec = { type: 'ints', length: 2, default: def, min: options?.min ?? 1, doc } as const;
  return { ...spec, ...(options as O) };
}

// ---- readers: the config has been validated by then, so these only narrow the types ----

export function num(config: LayerConfig, key: string): number {
  return config[key] as number;
}

export function numOrNull(config: LayerConfig, key: string): number | null {
  const v = config[key];
  return typeof v === 'number' ? v : null;
}

export function str(config: LayerConfig, key: string): string {
  return config[key] as string;
}

export function bool(config: LayerConfig, key: string): boolean {
  return config[key] === true;
}

export function ints(config: LayerConfig, key: string): number[] {
  const v = config[key];
  return Array.isArray(v) ? (v as number[]).slice() : [v as number, v as number];
}

export function intsOrNull(config: LayerConfig, key: string): number[] | null {
  const v = config[key];
  return v === null || v === undefined ? null : ints(config, key);
}

/** Python-style tuple text, for key arguments on a node: `(3, 3)`. */
export function tupleText(v: ConfigValue): string {
  if (Array.isArray(v)) return `(${v.map(tupleText).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (v === null) return 'None';
  if (typeof v === 'object') return JSON.stringify(v) ?? '?'; // a stray JSON object from an import
  return String(v);
}

export function activationText(config: LayerConfig): string | null {
  const a = config.activation;
  return a && a !== 'linear' ? String(a) : null;
}

export function joinArgs(...parts: (string | null | undefined | false)[]): string {
  return parts.filter(Boolean).join(' · ');
}
