/** Filling, coercing and checking a layer's config against its field specs (Keras's constructor checks). */
import type { LayerIssue } from '../core/problems';
import type { ConfigValue, FieldSpec, LayerConfig, LayerDefinition } from './types';
import { tupleText } from './fields';

/** Config keys every layer has besides its own fields. */
export const COMMON_FIELDS: Readonly<Record<string, FieldSpec>> = {
  trainable: {
    type: 'bool',
    default: true,
    doc: 'When False the weights are frozen: training leaves them as they are and they count as non-trainable.',
    advanced: true,
  },
};

const fieldCache = new WeakMap<
  LayerDefinition,
  { fields: Record<string, FieldSpec>; entries: [string, FieldSpec][] }
>();

function cachedFields(def: LayerDefinition) {
  let cached = fieldCache.get(def);
  if (!cached) {
    const fields =
      def.arity === 'none' || def.noTrainableArgument ? { ...def.fields } : { ...def.fields, ...COMMON_FIELDS };
    cached = { fields, entries: Object.entries(fields) };
    fieldCache.set(def, cached);
  }
  return cached;
}

/** The layer's own fields plus the common ones (`trainable`), in order. Shared: don't mutate. */
export function allFields(def: LayerDefinition): Readonly<Record<string, FieldSpec>> {
  return cachedFields(def).fields;
}

export function defaultConfig(def: LayerDefinition): LayerConfig {
  const config: LayerConfig = {};
  for (const [key, spec] of Object.entries(allFields(def))) config[key] = cloneValue(spec.default as ConfigValue);
  return config;
}

function cloneValue(v: ConfigValue): ConfigValue {
  return Array.isArray(v) ? v.map(cloneValue) : v;
}

/** Brings a value to the stored form: `3` → `[3, 3]` for a 2-tuple; `1` → `[[1, 1], [1, 1]]` for 2-D amounts. */
export function coerceValue(spec: FieldSpec, value: ConfigValue): ConfigValue {
  if (value === null) return null;
  if (spec.type === 'ints' && typeof value === 'number') return Array.from({ length: spec.length }, () => value);
  if (spec.type === 'pairs2d') {
    if (typeof value === 'number')
      return [
        [value, value],
        [value, value],
      ];
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
      const [h, w] = value as number[];
      return [
        [h, h],
        [w, w],
      ];
    }
  }
  if (spec.type === 'float' && typeof value === 'number') return value;
  return value;
}

export interface CompletedConfig {
  config: LayerConfig;
  /** Keys given that the layer doesn't have: importers report them rather than drop them silently. */
  unknownKeys: string[];
}

/** Defaults for what is missing, stored forms for what is given, and the layer's own normalization. */
export function completeConfig(def: LayerDefinition, given: Record<string, unknown>): CompletedConfig {
  const fields = allFields(def);
  const config = defaultConfig(def);
  const unknownKeys: string[] = [];
  for (const [key, value] of Object.entries(given)) {
    const spec = fields[key];
    if (!spec) {
      unknownKeys.push(key);
      continue;
    }
    config[key] = coerceValue(spec, value as ConfigValue);
  }
  return { config: def.normalize ? def.normalize(config) : config, unknownKeys };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function describe(v: ConfigValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return tupleText(v);
}

/** Checks one value; returns the reason it is refused, or null. The inspector uses it to refuse input in place. */
export function checkValue(key: string, spec: FieldSpec, value: ConfigValue | undefined): string | null {
  if (value === null || value === undefined) {
    if ('nullable' in spec && spec.nullable) return null;
    return `${key} needs a value, got ${value === null ? 'None' : 'nothing'}`;
  }
  switch (spec.type) {
    case 'int':
      if (!isInt(value)) return `${key} must be an integer, got ${describe(value)}`;
      if (spec.min !== undefined && value < spec.min) return `${key} must be at least ${spec.min}, got ${value}`;
      if (spec.max !== undefined && value > spec.max) return `${key} must be at most ${spec.max}, got ${value}`;
      return null;
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `${key} must be a number, got ${describe(value)}`;
      if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min))
        return `${key} must be ${spec.exclusiveMin ? 'greater than' : 'at least'} ${spec.min}, got ${value}`;
      if (spec.max !== undefined && (spec.exclusiveMax ? value >= spec.max : value > spec.max))
        return `${key} must be ${spec.exclusiveMax ? 'less than' : 'at most'} ${spec.max}, got ${value}`;
      return null;
    }
    case 'bool':
      return typeof value === 'boolean' ? null : `${key} must be True or False, got ${describe(value)}`;
    case 'enum':
      return typeof value === 'string' && (spec.options.includes(value) || spec.accepts?.(value))
        ? null
        : `${key} must be one of ${spec.options.map((o) => `'${o}'`).join(', ')}, got ${describe(value)}`;
    case 'ints': {
      if (!Array.isArray(value) || value.length !== spec.length || !value.every(isInt))
        return `${key} must be an integer or a tuple of ${spec.length} integers, got ${describe(value)}`;
      const min = spec.min ?? 1;
      if ((value as number[]).some((v) => v < min))
        return `${key} values must be at least ${min}, got ${describe(value)}`;
      return null;
    }
    case 'shape': {
      if (!Array.isArray(value) || value.length === 0)
        return `${key} must be a non-empty tuple of sizes, got ${describe(value)}`;
      let inferred = 0;
      for (const d of value) {
        if (d === null && spec.allowNone) continue;
        if (d === -1 && spec.allowInferred) {
          inferred++;
          continue;
        }
        if (!isInt(d) || d < 1) return `${key} sizes must be positive integers, got ${describe(value)}`;
      }
      if (inferred > 1) return `${key} may contain -1 only once, got ${describe(value)}`;
      return null;
    }
    case 'floats': {
      const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
      return finite(value) || (Array.isArray(value) && value.length > 0 && value.every(finite))
        ? null
        : `${key} must be a number or a list of numbers, got ${describe(value)}`;
    }
    case 'pairs2d': {
      const ok =
        Array.isArray(value) &&
        value.length === 2 &&
        value.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => isInt(v) && v >= 0));
      return ok
        ? null
        : `${key} must be an int, (height, width) or ((top, bottom), (left, right)) of non-negative ints, got ${describe(value)}`;
    }
  }
}

/** Every field checked against its spec, then the layer's own cross-field checks. */
export function validateConfig(def: LayerDefinition, config: LayerConfig): LayerIssue[] {
  const issues: LayerIssue[] = [];
  for (const [key, spec] of cachedFields(def).entries) {
    const reason = checkValue(key, spec, config[key]);
    if (reason)
      issues.push({
        code: 'bad-config',
        message: reason,
        hint: `Keras default: ${describe(spec.default as ConfigValue)}`,
      });
  }
  if (issues.length === 0 && def.validate) issues.push(...def.validate(config));
  return issues;
}

/**
 * How many outputs beyond the first a layer has with this config (LSTM with return_state: 2), for code that has no
 * input shapes: the count depends on the config alone, so a placeholder shape stands in for the input.
 */
export function extraOutputCount(def: LayerDefinition, config: LayerConfig): number {
  return def.extraOutputs?.(config, [[null, null, null]]).length ?? 0;
}

/** Whether a value equals the field's Keras default (export writes only the others). */
export function isDefaultValue(spec: FieldSpec, value: ConfigValue | undefined): boolean {
  return valuesEqual(spec.default as ConfigValue, value ?? null);
}

export function valuesEqual(a: ConfigValue | undefined, b: ConfigValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  return a === b;
}
