/**
 * Keras's serialized small objects: initializers and dtypes, as tf.keras 2 (`{"class_name", "config"}`), Keras 3
 * (`{"module", "class_name", "config", "registered_name"}`) and TF.js (VarianceScaling for the Glorot family) write
 * them, to and from the initializer names LayerCanvas stores.
 */
import { isObject, quote } from './parse';
import { parseVarianceScaling, varianceScalingArgs, varianceScalingText } from '../../core/variance-scaling';
import {
  ARG_CLASSES,
  argInitializer,
  argInitializerValue,
  parseArgInitializer,
  type ArgClass,
} from '../../core/initializer-text';
import {
  parseRule,
  REGULARIZER_CLASSES,
  ruleFromString,
  ruleModule,
  ruleText,
  weightRule,
  type RuleKind,
  type WeightRule,
} from '../../core/weight-rules';

export type Read<T> = { ok: true; value: T; warning?: string } | { ok: false; message: string; hint?: string };

const CLASS_TO_NAME: Record<string, string> = {
  GlorotUniform: 'glorot_uniform',
  GlorotNormal: 'glorot_normal',
  HeUniform: 'he_uniform',
  HeNormal: 'he_normal',
  LecunUniform: 'lecun_uniform',
  LecunNormal: 'lecun_normal',
  LeCunUniform: 'lecun_uniform',
  LeCunNormal: 'lecun_normal',
  RandomUniform: 'random_uniform',
  RandomNormal: 'random_normal',
  TruncatedNormal: 'truncated_normal',
  Zeros: 'zeros',
  Ones: 'ones',
  Orthogonal: 'orthogonal',
  // Keras's string aliases (`Embedding(embeddings_initializer='uniform')`).
  uniform: 'random_uniform',
  normal: 'random_normal',
};
const NAME_TO_CLASS: Record<string, string> = {
  glorot_uniform: 'GlorotUniform',
  glorot_normal: 'GlorotNormal',
  he_uniform: 'HeUniform',
  he_normal: 'HeNormal',
  lecun_uniform: 'LecunUniform',
  lecun_normal: 'LecunNormal',
  random_uniform: 'RandomUniform',
  random_normal: 'RandomNormal',
  truncated_normal: 'TruncatedNormal',
  zeros: 'Zeros',
  ones: 'Ones',
  orthogonal: 'Orthogonal',
};
/** Keras's default arguments of the initializers with arguments; LayerCanvas computes only these. */
const DEFAULT_ARGS: Record<string, Record<string, number>> = {
  random_uniform: { minval: -0.05, maxval: 0.05 },
  random_normal: { mean: 0, stddev: 0.05 },
  truncated_normal: { mean: 0, stddev: 0.05 },
  orthogonal: { gain: 1 },
};
/** The variance-scaling parameters of each named initializer ('normal' is Keras 2's and TF.js's truncated normal). */
const VARIANCE_SCALING: Record<string, [number, string, string]> = {
  glorot_uniform: [1, 'fan_avg', 'uniform'],
  glorot_normal: [1, 'fan_avg', 'truncated_normal'],
  he_uniform: [2, 'fan_in', 'uniform'],
  he_normal: [2, 'fan_in', 'truncated_normal'],
  lecun_uniform: [1, 'fan_in', 'uniform'],
  lecun_normal: [1, 'fan_in', 'truncated_normal'],
};

const SUPPORTED =
  'glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, random_uniform, random_normal, truncated_normal, zeros, ones, orthogonal';

/** An initializer as any Keras version writes it → a LayerCanvas initializer name. A seed is ignored with a warning. */
export function readInitializer(value: unknown): Read<string> {
  if (typeof value === 'string') {
    const name = NAME_TO_CLASS[value] ? value : CLASS_TO_NAME[value];
    if (name) return { ok: true, value: name };
    return {
      ok: false,
      message: `initializer ${quote(value)} is not one LayerCanvas supports`,
      hint: `use one of ${SUPPORTED}`,
    };
  }
  if (!isObject(value) || typeof value.class_name !== 'string')
    return { ok: false, message: `expected an initializer (a name or {"class_name", "config"}), got ${quote(value)}` };
  const cls = value.class_name;
  const config = isObject(value.config) ? value.config : {};
  let name: string | undefined = CLASS_TO_NAME[cls];
  if (cls === 'VarianceScaling') {
    name = fromVarianceScaling(config);
    if (!name) {
      const general = generalVarianceScaling(config);
      return typeof general === 'string' ? withSeed(general, config.seed) : general;
    }
  }
  if ((ARG_CLASSES as string[]).includes(cls)) {
    // RandomNormal(mean, stddev), TruncatedNormal(…), RandomUniform(minval, maxval), Constant(value): any numbers.
    const { seed, ...given } = config;
    const read = argInitializer(cls as ArgClass, given);
    if (typeof read === 'string') return { ok: false, message: read, hint: `use ${cls} with number arguments` };
    return withSeed(argInitializerValue(read), seed);
  }
  if (!name)
    return {
      ok: false,
      message: `initializer ${cls}${Object.keys(config).length ? ` ${quote(config)}` : ''} is not one LayerCanvas supports`,
      hint: `use one of ${SUPPORTED}`,
    };
  const defaults = DEFAULT_ARGS[name];
  if (defaults) {
    for (const [k, v] of Object.entries(defaults)) {
      if (k in config && config[k] !== v)
        return {
          ok: false,
          message: `${cls} with ${k}=${quote(config[k])} is not supported: LayerCanvas draws ${name} with Keras's default ${k}=${v}`,
          hint: `use ${k}=${v}, or another initializer`,
        };
    }
  }
  return withSeed(name, config.seed);
}

function withSeed(name: string, seed: unknown): Read<string> {
  if (seed !== undefined && seed !== null)
    return {
      ok: true,
      value: name,
      warning: `the initializer seed ${quote(seed)} is ignored: LayerCanvas uses its own seeded generator`,
    };
  return { ok: true, value: name };
}

/** Any other VarianceScaling (EfficientNet's scale=2, mode='fan_out'): its text, or why Keras's arguments are refused. */
function generalVarianceScaling(
  config: Record<string, unknown>,
): string | { ok: false; message: string; hint: string } {
  for (const key of ['input_axes', 'output_axes'])
    if (config[key] !== undefined && config[key] !== null)
      return {
        ok: false,
        message: `VarianceScaling with ${key}=${quote(config[key])} is not supported: LayerCanvas computes Keras's fans`,
        hint: `use ${key}=None`,
      };
  const args = varianceScalingArgs(
    config.scale ?? 1,
    config.mode ?? 'fan_in',
    config.distribution ?? 'truncated_normal',
  );
  return typeof args === 'string'
    ? { ok: false, message: args, hint: 'use the arguments Keras accepts' }
    : varianceScalingText(args);
}

function fromVarianceScaling(config: Record<string, unknown>): string | undefined {
  const scale = config.scale ?? 1;
  const mode = config.mode ?? 'fan_in';
  const distribution =
    config.distribution === 'normal' ? 'truncated_normal' : (config.distribution ?? 'truncated_normal');
  for (const [name, [s, m, d]] of Object.entries(VARIANCE_SCALING))
    if (s === scale && m === mode && d === distribution) return name;
  return undefined;
}

/** Keras 3's serialized initializer: `{"module": "keras.initializers", "class_name": "GlorotUniform", …}`. */
export function keras3Initializer(name: string): Record<string, unknown> {
  const withArgs = parseArgInitializer(name);
  if (withArgs)
    return {
      module: 'keras.initializers',
      class_name: withArgs.cls,
      config: withArgs.cls === 'Constant' ? withArgs.args : { ...withArgs.args, seed: null },
      registered_name: null,
    };
  const vs = parseVarianceScaling(name);
  if (vs)
    return {
      module: 'keras.initializers',
      class_name: 'VarianceScaling',
      config: { seed: null, ...vs, input_axes: null, output_axes: null },
      registered_name: null,
    };
  return {
    module: 'keras.initializers',
    class_name: NAME_TO_CLASS[name] ?? name,
    config: initializerConfig(name, 'keras3'),
    registered_name: null,
  };
}

/**
 * tf.keras 2 / TF.js form. The variance-scaling family is written as VarianceScaling because TF.js names the
 * LeCun classes differently from Keras; every Keras and TF.js version reads VarianceScaling.
 */
export function keras2Initializer(name: string): Record<string, unknown> {
  const withArgs = parseArgInitializer(name);
  if (withArgs)
    return {
      class_name: withArgs.cls,
      config: withArgs.cls === 'Constant' ? withArgs.args : { ...withArgs.args, seed: null },
    };
  const general = parseVarianceScaling(name);
  if (general) return { class_name: 'VarianceScaling', config: { ...general, seed: null } };
  const vs = VARIANCE_SCALING[name];
  if (vs)
    return {
      class_name: 'VarianceScaling',
      config: {
        scale: vs[0],
        mode: vs[1],
        distribution: vs[2] === 'truncated_normal' ? 'truncated_normal' : 'uniform',
        seed: null,
      },
    };
  return { class_name: NAME_TO_CLASS[name] ?? name, config: initializerConfig(name, 'keras2') };
}

function initializerConfig(name: string, flavor: 'keras3' | 'keras2'): Record<string, unknown> {
  if (name === 'zeros' || name === 'ones') return {};
  // Keras 3.15's variance-scaling classes may scale over chosen axes (None: Keras's fans); tf.keras 2's can't.
  if (flavor === 'keras3' && VARIANCE_SCALING[name]) return { seed: null, input_axes: null, output_axes: null };
  const defaults = DEFAULT_ARGS[name];
  // Keras 3's get_config puts the base class's seed first (RandomUniform, Orthogonal); tf.keras 2's puts it last.
  if (flavor === 'keras3') return { seed: null, ...defaults };
  return defaults ? { ...defaults, seed: null } : { seed: null };
}

/**
 * A regularizer or constraint as any Keras version writes it (a string, `{"class_name", "config"}`, Keras 3's
 * `{"module", …, "registered_name"}`, TF.js's L1L2) → the text a LayerCanvas field stores, or None.
 */
export function readRule(kind: RuleKind, value: unknown): Read<string | null> {
  const what = kind === 'regularizer' ? 'regularizer' : 'weight constraint';
  const hint =
    kind === 'regularizer'
      ? 'use L1, L2 or L1L2 (keras.regularizers), or None'
      : 'use MaxNorm, NonNeg, UnitNorm or MinMaxNorm (keras.constraints), or None';
  if (value === null || value === undefined) return { ok: true, value: null };
  if (typeof value === 'string') {
    const rule = ruleFromString(kind, value);
    return rule
      ? { ok: true, value: ruleText(rule) }
      : { ok: false, message: `${quote(value)} is not a ${what} LayerCanvas computes`, hint };
  }
  if (!isObject(value) || typeof value.class_name !== 'string')
    return { ok: false, message: `expected a ${what} (a name or {"class_name", "config"}), got ${quote(value)}`, hint };
  const custom =
    (typeof value.registered_name === 'string' && value.registered_name !== value.class_name) ||
    (typeof value.module === 'string' && value.module !== ruleModule(kind) && !value.module.startsWith('keras.src.'));
  const cls = value.class_name;
  if (custom) return { ok: false, message: `${what} ${cls} is a custom class LayerCanvas cannot compute`, hint };
  // Older files may name the class by Keras's snake_case alias (max_norm).
  const rule = weightRule(kind, ruleFromString(kind, cls)?.cls ?? cls, isObject(value.config) ? value.config : {});
  if (typeof rule === 'string') return { ok: false, message: rule, hint };
  return { ok: true, value: ruleText(float32Factors(rule)) };
}

/**
 * Keras 3 keeps L1's factor as a float32 tensor (tf.keras 2 every factor), so its config says 0.009999999776482582
 * for 0.01: a factor is stored as the shortest decimal with the same float32, which Keras reads back to the same
 * factor, and written back as that float32.
 */
function float32Factors(rule: WeightRule): WeightRule {
  if (!REGULARIZER_CLASSES.includes(rule.cls)) return rule;
  const args: Record<string, number> = {};
  for (const [key, value] of Object.entries(rule.args)) {
    const x = value as number;
    args[key] = x;
    if (Math.fround(x) !== x) continue;
    for (let digits = 1; digits <= 9; digits++) {
      const short = Number(x.toPrecision(digits));
      if (Math.fround(short) !== x) continue;
      args[key] = short;
      break;
    }
  }
  return { cls: rule.cls, args };
}

/** The factors as the Keras flavour's get_config holds them: float32 for Keras 3's L1, for every one in tf.keras 2. */
function writtenArgs(rule: WeightRule, flavor: 'keras3' | 'keras2'): Record<string, unknown> {
  if (!REGULARIZER_CLASSES.includes(rule.cls) || (flavor === 'keras3' && rule.cls !== 'L1')) return { ...rule.args };
  return Object.fromEntries(Object.entries(rule.args).map(([k, v]) => [k, Math.fround(v as number)]));
}

/** Keras 3's serialized rule: `{"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01}, …}`. */
export function keras3Rule(kind: RuleKind, text: string | null): Record<string, unknown> | null {
  const rule = text === null ? null : parseRule(kind, text);
  if (!rule) return null;
  return { module: ruleModule(kind), class_name: rule.cls, config: writtenArgs(rule, 'keras3'), registered_name: null };
}

/** tf.keras 2's form: `{"class_name": "L2", "config": {"l2": 0.01}}`. */
export function keras2Rule(kind: RuleKind, text: string | null): Record<string, unknown> | null {
  const rule = text === null ? null : parseRule(kind, text);
  return rule ? { class_name: rule.cls, config: writtenArgs(rule, 'keras2') } : null;
}

/** The dtype a layer computes in: a string (tf.keras 2, TF.js) or a DTypePolicy (Keras 3). Only float32 is supported. */
export function readDtype(value: unknown): Read<null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  let name: unknown = value;
  if (isObject(value)) name = isObject(value.config) ? value.config.name : undefined;
  if (name === 'float32') return { ok: true, value: null };
  return {
    ok: false,
    message: `dtype ${quote(name ?? value)} is not supported: LayerCanvas computes in float32 only`,
    hint: "set dtype='float32' (or remove mixed precision) before exporting",
  };
}

export const KERAS3_DTYPE_POLICY = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name: 'float32' },
  registered_name: null,
} as const;
