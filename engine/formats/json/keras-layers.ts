/**
 * One layer's serialized config ↔ a LayerCanvas config. Reading accepts tf.keras 2, Keras 3 and TF.js; writing gives
 * the full config Keras 3's `get_config()` returns for the layer, in its key order (checked against
 * keras/src/layers/*: base_conv.py, base_depthwise_conv.py, base_separable_conv.py, base_pooling.py,
 * batch_normalization.py, dense.py, …).
 */
import type { FormatError } from '../../core/problems';
import { allFields, checkValue, completeConfig, validateConfig } from '../../layers/config';
import { INITIALIZERS } from '../../layers/fields';
import type { ConfigValue, LayerConfig, LayerDefinition } from '../../layers/types';
import { KERAS3_DTYPE_POLICY, keras2Initializer, keras3Initializer, readDtype, readInitializer } from './keras-objects';
import { isConfigValue, isObject, joinPath, quote } from './parse';

/** Marks a key Keras writes that LayerCanvas has no field for: the value it must have (anything else is refused). */
type Fixed = { fixed: ConfigValue };
const CHANNELS_LAST: Fixed = { fixed: 'channels_last' };
const NONE: Fixed = { fixed: null };

/** Keras 3's get_config keys after name/trainable/dtype: a field of ours, or a key with a fixed value. */
const KERAS3_KEYS: Record<string, (string | [string, Fixed])[]> = {
  Dense: ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', ['kernel_regularizer', NONE], ['bias_regularizer', NONE], ['kernel_constraint', NONE], ['bias_constraint', NONE]],
  Conv2D: ['filters', 'kernel_size', 'strides', 'padding', ['data_format', CHANNELS_LAST], 'dilation_rate', 'groups', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', ['kernel_regularizer', NONE], ['bias_regularizer', NONE], ['activity_regularizer', NONE], ['kernel_constraint', NONE], ['bias_constraint', NONE]],
  DepthwiseConv2D: ['depth_multiplier', 'kernel_size', 'strides', 'padding', ['data_format', CHANNELS_LAST], 'dilation_rate', 'activation', 'use_bias', 'depthwise_initializer', 'bias_initializer', ['depthwise_regularizer', NONE], ['bias_regularizer', NONE], ['activity_regularizer', NONE], ['depthwise_constraint', NONE], ['bias_constraint', NONE]],
  SeparableConv2D: ['depth_multiplier', 'filters', 'kernel_size', 'strides', 'padding', ['data_format', CHANNELS_LAST], 'dilation_rate', 'activation', 'use_bias', 'depthwise_initializer', 'pointwise_initializer', 'bias_initializer', ['depthwise_regularizer', NONE], ['pointwise_regularizer', NONE], ['bias_regularizer', NONE], ['activity_regularizer', NONE], ['depthwise_constraint', NONE], ['pointwise_constraint', NONE], ['bias_constraint', NONE]],
  MaxPooling2D: ['pool_size', 'padding', 'strides', ['data_format', CHANNELS_LAST]],
  AveragePooling2D: ['pool_size', 'padding', 'strides', ['data_format', CHANNELS_LAST]],
  GlobalAveragePooling2D: [['data_format', CHANNELS_LAST], 'keepdims'],
  GlobalMaxPooling2D: [['data_format', CHANNELS_LAST], 'keepdims'],
  BatchNormalization: ['axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer', 'moving_variance_initializer', ['beta_regularizer', NONE], ['gamma_regularizer', NONE], ['beta_constraint', NONE], ['gamma_constraint', NONE], ['synchronized', { fixed: false }]],
  Dropout: ['rate', 'seed', ['noise_shape', NONE]],
  Flatten: [['data_format', CHANNELS_LAST]],
  Reshape: ['target_shape'],
  ZeroPadding2D: ['padding', ['data_format', CHANNELS_LAST]],
  Cropping2D: ['cropping', ['data_format', CHANNELS_LAST]],
  UpSampling2D: ['size', ['data_format', CHANNELS_LAST], 'interpolation'],
  Concatenate: ['axis'],
  Activation: ['activation'],
  ReLU: ['max_value', 'negative_slope', 'threshold'],
  LeakyReLU: ['negative_slope'],
  Softmax: ['axis'],
  Rescaling: ['scale', 'offset'],
};

/**
 * Keys older Keras versions and TF.js write with a value that changes nothing, accepted quietly at that value.
 * (BatchNormalization's renormalization and fused flags are tf.keras 2's; `sparse`/`ragged`/`optional` InputLayer's.)
 */
const HARMLESS: Record<string, ConfigValue[]> = {
  data_format: ['channels_last', null],
  synchronized: [false],
  noise_shape: [null],
  sparse: [false, null],
  ragged: [false, null],
  optional: [false],
  renorm: [false],
  renorm_clipping: [null],
  virtual_batch_size: [null],
  adjustment: [null],
  fused: [null, true, false],
  lora_rank: [null],
  lora_alpha: [null],
  quantization_config: [null],
  activity_regularizer: [null],
};
/** Keys whose value only matters when another key is set (renorm_momentum only with renorm=True). */
const IGNORED_ALWAYS = new Set(['name', 'dtype', 'renorm_momentum', 'batch_input_shape', 'batch_shape', 'input_shape', 'input_dim', 'batch_size', 'module', 'registered_name']);

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

  const dtype = readDtype(raw.dtype);
  if (!dtype.ok) errors.push({ message: dtype.message, hint: dtype.hint, path: at('dtype') });

  for (const [key0, value] of Object.entries(raw)) {
    let key = key0;
    // tf.keras 2 and TF.js call LeakyReLU's slope `alpha`.
    if (def.className === 'LeakyReLU' && key === 'alpha') key = 'negative_slope';
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
    const harmless = HARMLESS[key];
    if (harmless?.includes(value as ConfigValue)) continue;
    if (key === 'data_format') {
      errors.push({ message: `data_format ${quote(value)} is not supported: LayerCanvas works in channels_last (NHWC)`, hint: "use data_format='channels_last'", path: at(key) });
      continue;
    }
    if (/_regularizer$|_constraint$/.test(key)) {
      if (value === null) continue;
      errors.push({ message: `${key} ${quote(value)} is not supported: LayerCanvas has no ${key.endsWith('_constraint') ? 'weight constraints' : 'regularizers'}`, hint: `remove the ${key} (set it to None) before importing`, path: at(key) });
      continue;
    }
    if (value === null || value === undefined) continue;
    if (harmless) {
      errors.push({ message: `${key} ${quote(value)} is not supported by LayerCanvas`, hint: `set ${key} to ${quote(harmless[0])}`, path: at(key) });
      continue;
    }
    warnings.push({ message: `${def.className} option ${key}=${quote(value)} is not one LayerCanvas knows; it is ignored`, path: at(key) });
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
  if (fieldPaths.size === 0) for (const issue of validateConfig(def, config)) errors.push({ message: issue.message, hint: issue.hint, path });
  return { config, errors, warnings };
}

function convertValue(def: LayerDefinition, key: string, value: unknown): { ok: true; value: unknown; warning?: string } | { ok: false; message: string; hint?: string } {
  const spec = def.fields[key];
  if (spec.type === 'enum' && spec.options.some((o) => INITIALIZER_NAMES.has(o)) && key.endsWith('_initializer')) return readInitializer(value);
  // tf.keras 2 writes BatchNormalization's axis as a list once built: [3].
  if (spec.type === 'int' && Array.isArray(value) && value.length === 1) return { ok: true, value: value[0] };
  if (key === 'activation' && isObject(value))
    return { ok: false, message: `activation ${quote(value)} is a custom activation LayerCanvas cannot compute`, hint: 'use a built-in activation name such as relu' };
  if (key === 'activation' && value === null) return { ok: true, value: 'linear' };
  if (!isConfigValue(value)) return { ok: false, message: `${key} must be a number, a string, True/False or a tuple of them, got ${quote(value)}` };
  return { ok: true, value };
}

// ---------- writing ----------

export type Flavor = 'keras3' | 'keras2';

/** The full config of one layer as `get_config()` gives it (Keras 3) or as tf.keras 2 / TF.js would (keras2). */
export function writeLayerConfig(def: LayerDefinition, config: LayerConfig, name: string, flavor: Flavor): Record<string, unknown> {
  if (def.className === 'InputLayer') return writeInputLayer(config, name, flavor);
  // Keras 3's spatial dropouts override get_config without the base keys and take no `trainable` argument.
  if (def.className === 'SpatialDropout2D') return { rate: config.rate, seed: config.seed, name, dtype: 'float32', data_format: 'channels_last' };
  const out: Record<string, unknown> = {
    name,
    trainable: config.trainable ?? true,
    dtype: flavor === 'keras3' ? { ...KERAS3_DTYPE_POLICY, config: { name: 'float32' } } : 'float32',
  };
  const keys = KERAS3_KEYS[def.className] ?? [];
  const written = new Set<string>();
  for (const entry of keys) {
    if (Array.isArray(entry)) {
      out[entry[0]] = entry[1].fixed;
      continue;
    }
    out[entry] = writeValue(def, entry, config, flavor);
    written.add(entry);
  }
  // A field a newer registry added and the table above doesn't list yet still gets written.
  for (const key of Object.keys(def.fields)) if (!written.has(key)) out[key] = writeValue(def, key, config, flavor);
  if (flavor === 'keras2') {
    if (def.className === 'LeakyReLU') {
      out.alpha = out.negative_slope;
      delete out.negative_slope;
    }
    delete out.synchronized;
  }
  return out;
}

function writeValue(def: LayerDefinition, key: string, config: LayerConfig, flavor: Flavor): unknown {
  const value = config[key];
  if (key.endsWith('_initializer') && typeof value === 'string') return flavor === 'keras3' ? keras3Initializer(value) : keras2Initializer(value);
  // Keras 3 pooling resolves strides=None to pool_size in its constructor, so get_config never holds None.
  if ((def.className === 'MaxPooling2D' || def.className === 'AveragePooling2D') && key === 'strides' && value === null) return config.pool_size;
  return value;
}

function writeInputLayer(config: LayerConfig, name: string, flavor: Flavor): Record<string, unknown> {
  const batchShape = [config.batch_size ?? null, ...(config.shape as ConfigValue[])];
  if (flavor === 'keras3') return { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name };
  return { batch_input_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name };
}
