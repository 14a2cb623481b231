/**
 * One layer's serialized config ↔ a LayerCanvas config. Reading accepts tf.keras 2, Keras 3 and TF.js; writing gives
 * the full config Keras 3's `get_config()` returns for the layer, in its key order (checked against
 * keras/src/layers/*: base_conv.py, base_depthwise_conv.py, base_separable_conv.py, base_pooling.py,
 * batch_normalization.py, dense.py, …).
 */
import type { FormatError } from '../../core/problems';
import { allFields, checkValue, completeConfig, validateConfig } from '../../layers/config';
import { INITIALIZERS } from '../../layers/fields';
import {
  isRegularizerOrConstraint,
  NEUTRAL_ARGS,
  NEUTRAL_HINTS,
  neutralValue,
  olderSpelling,
} from '../../layers/keras-args';
import { getLayer, namePrefix } from '../../layers/registry';
import type { ConfigValue, LayerConfig, LayerDefinition } from '../../layers/types';
import {
  KERAS3_DTYPE_POLICY,
  keras2Initializer,
  keras2Rule,
  keras3Initializer,
  keras3Rule,
  readDtype,
  readInitializer,
  readRule,
} from './keras-objects';
import { ruleKindOf } from '../../core/weight-rules';
import { isConfigValue, isObject, joinPath, quote } from './parse';

/** Keys whose value only matters when another key is set (renorm_momentum only with renorm=True). */
const IGNORED_ALWAYS = new Set([
  'name',
  'dtype',
  'renorm_momentum',
  'batch_input_shape',
  'batch_shape',
  'input_shape',
  'input_dim',
  'batch_size',
  'module',
  'registered_name',
]);

const INITIALIZER_NAMES = new Set<string>(INITIALIZERS);

export interface LayerRead {
  config: LayerConfig;
  errors: FormatError[];
  warnings: FormatError[];
}

/**
 * A Keras layer config (the `config` object of one layer) → a complete LayerCanvas config. `path` is the JSON path
 * of that `config` object. Every key is either mapped to a field, accepted at a harmless value, or reported.
 */
export function readLayerConfig(def: LayerDefinition, raw: Record<string, unknown>, path: string): LayerRead {
  const errors: FormatError[] = [];
  const warnings: FormatError[] = [];
  const given: Record<string, unknown> = {};
  const fields = def.fields;
  const at = (key: string) => joinPath(path, key);

  // A layer with a dtype field (InputLayer: int ids) checks it as a field; any other computes in float32 only.
  const dtype = 'dtype' in fields ? ({ ok: true } as const) : readDtype(raw.dtype);
  if (!dtype.ok) errors.push({ message: dtype.message, hint: dtype.hint, path: at('dtype') });

  const wrapped = def.keras.wraps ? readWrapped(def, raw, path) : null;
  if (wrapped) {
    errors.push(...wrapped.errors);
    warnings.push(...wrapped.warnings);
    Object.assign(given, wrapped.given);
  }

  for (const [key0, value] of Object.entries(raw)) {
    if (wrapped && (key0 === def.keras.wraps?.field || key0 === 'backward_layer')) continue;
    // tf.keras 2 and TF.js spell some fields differently (LeakyReLU's `alpha`).
    const key = IGNORED_ALWAYS.has(key0) ? key0 : (def.keras.renamed?.[key0] ?? key0);
    if (key === 'trainable') {
      if (def.arity !== 'none') given.trainable = value;
      continue;
    }
    if (key in fields) {
      const converted = convertValue(def, key, value);
      if (!converted.ok) errors.push({ message: converted.message, hint: converted.hint, path: at(key0) });
      else {
        given[key] = converted.value;
        if (converted.warning) warnings.push({ message: converted.warning, path: at(key0) });
      }
      continue;
    }
    if (IGNORED_ALWAYS.has(key)) continue;
    const harmless = Object.hasOwn(NEUTRAL_ARGS, key) ? NEUTRAL_ARGS[key] : undefined;
    if (harmless?.includes(value as ConfigValue)) continue;
    if (key === 'data_format') {
      errors.push({
        message: `data_format ${quote(value)} is not supported: LayerCanvas works in channels_last (NHWC)`,
        hint: "use data_format='channels_last'",
        path: at(key),
      });
      continue;
    }
    if (isRegularizerOrConstraint(key)) {
      if (value === null) continue;
      errors.push({
        message: `${key} ${quote(value)} is not supported: LayerCanvas has no ${key.endsWith('_constraint') ? 'weight constraints' : 'regularizers'}`,
        hint: `remove the ${key} (set it to None) before importing`,
        path: at(key),
      });
      continue;
    }
    if (value === null || value === undefined) continue;
    if (harmless) {
      errors.push({
        message: `${key} ${quote(value)} is not supported by LayerCanvas`,
        hint: NEUTRAL_HINTS[key] ?? `set ${key} to ${quote(harmless[0])}`,
        path: at(key),
      });
      continue;
    }
    warnings.push({
      message: `${def.className} option ${key}=${quote(value)} is not one LayerCanvas knows; it is ignored`,
      path: at(key),
    });
  }

  const { config } = completeConfig(def, given);
  const fieldPaths = new Set<string>();
  for (const [key, spec] of Object.entries(allFields(def))) {
    const reason = checkValue(key, spec, config[key]);
    if (reason) {
      errors.push({ message: reason, path: at(key) });
      fieldPaths.add(key);
    }
  }
  if (fieldPaths.size === 0)
    for (const issue of validateConfig(def, config)) errors.push({ message: issue.message, hint: issue.hint, path });
  return { config, errors, warnings };
}

/**
 * A wrapper's nested layer (Bidirectional's `layer`) read as that layer, its fields becoming the wrapper's. Keras
 * writes `backward_layer` too: only the go_backwards copy of `layer` (what Keras makes when none is given) is read.
 */
function readWrapped(
  def: LayerDefinition,
  raw: Record<string, unknown>,
  path: string,
): { given: Record<string, unknown>; errors: FormatError[]; warnings: FormatError[] } {
  const { field, classes } = def.keras.wraps!;
  const errors: FormatError[] = [];
  const read = (value: unknown, at: string) => {
    const className = isObject(value) ? value.class_name : undefined;
    const inner = typeof className === 'string' && classes.includes(className) ? getLayer(className) : undefined;
    if (!inner || !isObject(value) || !isObject(value.config)) {
      errors.push({
        message: `${def.className} ${field} must be one of ${classes.join(', ')}, got ${quote(className ?? value)}`,
        hint: `wrap an ${classes.join(' or ')} layer`,
        path: at,
      });
      return null;
    }
    const r = readLayerConfig(inner, value.config, joinPath(at, 'config'));
    errors.push(...r.errors);
    return { className, config: r.config, warnings: r.warnings };
  };
  const forward = read(raw[field], joinPath(path, field));
  if (!forward) return { given: {}, errors, warnings: [] };
  const backwardRaw = raw.backward_layer;
  if (backwardRaw !== undefined && backwardRaw !== null) {
    const at = joinPath(path, 'backward_layer');
    const backward = read(backwardRaw, at);
    const copy = (c: LayerConfig) => ({ ...c, go_backwards: !c.go_backwards, trainable: true });
    const same =
      backward !== null &&
      backward.className === forward.className &&
      JSON.stringify(copy(backward.config)) === JSON.stringify({ ...forward.config, trainable: true });
    if (backward && !same)
      errors.push({
        message: `${def.className} backward_layer differs from layer's go_backwards copy: LayerCanvas runs that copy`,
        hint: 'drop backward_layer, or make it the same layer with go_backwards=True',
        path: at,
      });
  }
  const { trainable: _, ...fields } = forward.config;
  return { given: { ...fields, [field]: forward.className }, errors, warnings: forward.warnings };
}

function convertValue(
  def: LayerDefinition,
  key: string,
  value: unknown,
): { ok: true; value: unknown; warning?: string } | { ok: false; message: string; hint?: string } {
  const spec = def.fields[key];
  // Keras 3 may write a dtype as a DTypePolicy object; its name is the dtype.
  if (key === 'dtype' && isObject(value) && isObject(value.config)) return { ok: true, value: value.config.name };
  if (key === 'dtype' && value === null) return { ok: true, value: 'float32' };
  if (spec.type === 'enum' && spec.options.some((o) => INITIALIZER_NAMES.has(o)) && key.endsWith('_initializer'))
    return readInitializer(value);
  const kind = ruleKindOf(key);
  if (kind) {
    const read = readRule(kind, value);
    return read.ok ? read : { ...read, message: `${key}: ${read.message}` };
  }
  // tf.keras 2 writes BatchNormalization's axis as a list once built: [3].
  if (spec.type === 'int' && Array.isArray(value) && value.length === 1) return { ok: true, value: value[0] };
  if (key === 'activation' && isObject(value))
    return {
      ok: false,
      message: `activation ${quote(value)} is a custom activation LayerCanvas cannot compute`,
      hint: 'use a built-in activation name such as relu',
    };
  if (key === 'activation' && value === null) return { ok: true, value: 'linear' };
  if (!isConfigValue(value))
    return {
      ok: false,
      message: `${key} must be a number, a string, True/False or a tuple of them, got ${quote(value)}`,
    };
  return { ok: true, value };
}

// ---------- writing ----------

/** get_config() keys Keras 3 added that tf.keras 2 never wrote. */
const KERAS3_ONLY = ['synchronized', 'renorm', 'renorm_clipping', 'renorm_momentum', 'quantization_config'];

export type Flavor = 'keras3' | 'keras2';

/** The full config of one layer as `get_config()` gives it (Keras 3) or as tf.keras 2 / TF.js would (keras2). */
export function writeLayerConfig(
  def: LayerDefinition,
  config: LayerConfig,
  name: string,
  flavor: Flavor,
  /** The build_config input_shape Keras 3 writes for the layer, which a wrapper's nested layers repeat. */
  buildInput?: unknown,
): Record<string, unknown> {
  if (def.className === 'InputLayer') return writeInputLayer(config, name, flavor);
  if (def.keras.wraps) return writeWrapper(def, config, name, flavor, buildInput);
  // Keras 3's spatial dropouts override get_config without the base keys and take no `trainable` argument.
  if (def.noTrainableArgument)
    return {
      ...Object.fromEntries(Object.keys(def.fields).map((key) => [key, config[key]])),
      name,
      dtype: 'float32',
      data_format: 'channels_last',
    };
  const out: Record<string, unknown> = {
    name,
    trainable: config.trainable ?? true,
    dtype: flavor === 'keras3' ? { ...KERAS3_DTYPE_POLICY, config: { name: 'float32' } } : 'float32',
  };
  const written = new Set<string>();
  // Keras 3's base Layer.get_config puts a set activity_regularizer right after dtype, whatever the layer's own order.
  if (flavor === 'keras3' && 'activity_regularizer' in def.fields && config.activity_regularizer != null) {
    out.activity_regularizer = writeValue(def, 'activity_regularizer', config, flavor);
    written.add('activity_regularizer');
  }
  for (const key of def.keras.config ?? def.keras.args) {
    if (written.has(key)) continue;
    if (!(key in def.fields)) {
      out[key] = neutralValue(key);
      continue;
    }
    out[key] = writeValue(def, key, config, flavor);
    written.add(key);
  }
  // A field the signature doesn't list still gets written; Keras 3 leaves out an activity_regularizer of None.
  for (const key of Object.keys(def.fields))
    if (!written.has(key) && !(key === 'activity_regularizer' && flavor === 'keras3'))
      out[key] = writeValue(def, key, config, flavor);
  if (flavor === 'keras2') {
    for (const key of Object.keys(def.fields)) {
      const older = olderSpelling(def, key);
      if (older === undefined) continue;
      out[older] = out[key];
      delete out[key];
    }
    for (const key of KERAS3_ONLY) delete out[key];
  }
  return out;
}

/**
 * Bidirectional's get_config(): merge_mode, then the wrapped layer as Keras names it (`forward_lstm`) and its
 * go_backwards copy (`backward_lstm`), each a whole serialized layer.
 */
function writeWrapper(
  def: LayerDefinition,
  config: LayerConfig,
  name: string,
  flavor: Flavor,
  buildInput: unknown,
): Record<string, unknown> {
  const { field } = def.keras.wraps!;
  const inner = getLayer(config[field] as string)!;
  const own: LayerConfig = { trainable: config.trainable ?? true };
  for (const key of Object.keys(inner.fields)) own[key] = config[key];
  const nested = (direction: 'forward' | 'backward', c: LayerConfig) => {
    // TF.js names the wrapped layer's weights `forward_<its name>/…` whatever the name: the tf.keras 2 form (TF.js's
    // input) gives it the plain name, so they are `forward_lstm/kernel` as Keras names them.
    const plain = flavor === 'keras2' && direction === 'forward';
    const written = writeLayerConfig(inner, c, `${plain ? '' : `${direction}_`}${namePrefix(inner)}`, flavor);
    // Bidirectional's force_zero_output_for_mask sets it to return_sequences on both copies it makes.
    if ('zero_output_for_mask' in written) written.zero_output_for_mask = c.return_sequences;
    // tf.keras 2.13+ serializes the nested layer with its module too, which Keras 3's loader of tf.keras 2 files needs.
    if (flavor === 'keras2')
      return { module: 'keras.layers', class_name: inner.className, config: written, registered_name: null };
    return {
      module: 'keras.layers',
      class_name: inner.className,
      config: written,
      registered_name: null,
      ...(buildInput === undefined ? {} : { build_config: { input_shape: buildInput } }),
    };
  };
  const out: Record<string, unknown> = {
    name,
    trainable: config.trainable ?? true,
    dtype: flavor === 'keras3' ? { ...KERAS3_DTYPE_POLICY, config: { name: 'float32' } } : 'float32',
  };
  for (const key of def.keras.config ?? def.keras.args) {
    if (key === field) out[key] = nested('forward', own);
    else if (key === 'backward_layer') out[key] = nested('backward', { ...own, go_backwards: !own.go_backwards });
    else out[key] = key in def.fields ? config[key] : neutralValue(key);
  }
  return out;
}

/** Activation names Keras 3 writes under another name: the function an alias stands for. */
const KERAS3_ACTIVATION_NAMES: Record<string, string> = { swish: 'silu', hard_swish: 'hard_silu' };

function writeValue(def: LayerDefinition, key: string, config: LayerConfig, flavor: Flavor): unknown {
  const value = config[key];
  if (key.endsWith('_initializer') && typeof value === 'string')
    return flavor === 'keras3' ? keras3Initializer(value) : keras2Initializer(value);
  const kind = ruleKindOf(key);
  if (kind && key in def.fields) {
    const text = typeof value === 'string' ? value : null;
    return flavor === 'keras3' ? keras3Rule(kind, text) : keras2Rule(kind, text);
  }
  // Keras 3's LayerNormalization and Normalization keep their axis as a list once built ([-1]), as to_json() writes.
  if (def.keras.axisAsList && key === 'axis' && flavor === 'keras3' && typeof value === 'number') return [value];
  // Keras 3 pooling resolves strides=None to pool_size in its constructor, so get_config never holds None.
  if ('pool_size' in def.fields && key === 'strides' && value === null) return config.pool_size;
  // Keras 3's swish and hard_swish are aliases of silu and hard_silu, and get_config names the function itself.
  if (flavor === 'keras3' && (key === 'activation' || key === 'recurrent_activation') && typeof value === 'string')
    return KERAS3_ACTIVATION_NAMES[value] ?? value;
  return value;
}

function writeInputLayer(config: LayerConfig, name: string, flavor: Flavor): Record<string, unknown> {
  const batchShape = [config.batch_size ?? null, ...(config.shape as ConfigValue[])];
  if (flavor === 'keras3')
    return {
      batch_shape: batchShape,
      dtype: config.dtype ?? 'float32',
      sparse: false,
      ragged: false,
      name,
      optional: false,
    };
  return { batch_input_shape: batchShape, dtype: config.dtype ?? 'float32', sparse: false, ragged: false, name };
}
