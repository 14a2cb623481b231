/**
 * Binding a layer constructor's arguments the way Python and Keras do: positional ones by Keras's order, keywords
 * by name, each value checked by the layer's field rules and reported at the argument when refused.
 */
import type { FormatError, SourceLocation } from '../../core/problems';
import { allFields, checkValue, coerceValue, completeConfig } from '../../layers/config';
import { getLayer } from '../../layers/registry';
import type { ConfigValue, FieldSpec, LayerDefinition } from '../../layers/types';
import { checkLayerName } from '../../graph/naming';
import type { Arg } from './ast';
import { NEUTRAL_ARGS, NEUTRAL_HINTS } from '../../layers/keras-args';
import { parseRule, ruleFromString, ruleKindOf, ruleText } from '../../core/weight-rules';
import { BASE_KEYWORDS } from './signatures';
import { similar } from './suggest';
import { pythonText } from './values';

export interface BoundArg {
  arg: Arg;
  /** The value as a constant, or undefined when it is not one (already reported by the caller). */
  value: ConfigValue | undefined;
}

export interface LayerBinding {
  given: Record<string, ConfigValue>;
  name?: string;
  inputSpec?: { shape: ConfigValue; batchSize: ConfigValue; loc: SourceLocation };
  failed: boolean;
}

export function signatureOf(def: LayerDefinition): readonly string[] {
  return def.keras.args;
}

/** How the code spells what is called, for messages: keras.Input(…) makes an InputLayer but is written Input. */
export interface Callee {
  loc: SourceLocation;
  /** keras.Input's positional order differs from InputLayer's. */
  signature?: readonly string[];
  display?: string;
}

/** `callee.loc` locates the class name, where a missing required argument is reported. */
export function bindLayerArgs(
  className: string,
  args: BoundArg[],
  callee: Callee,
  report: (e: FormatError) => void,
  /** Fields already read from elsewhere: a wrapper's from the layer it wraps. */
  wrapped: Record<string, ConfigValue> = {},
): LayerBinding {
  const def = getLayer(className)!;
  const order = callee.signature ?? signatureOf(def);
  const shown = callee.display ?? className;
  const fields = allFields(def);
  const binding: LayerBinding = { given: { ...wrapped }, failed: false };
  const fail = (message: string, hint: string, location: SourceLocation) => {
    binding.failed = true;
    report({ message, hint, location });
  };
  const bound = new Map<string, BoundArg>();
  let positional = 0;
  let unknownKeyword = false;
  for (const a of args) {
    if (a.arg.keyword === undefined) {
      const param = order[positional++];
      if (param === undefined) {
        fail(
          `${shown} takes at most ${order.length} positional argument${order.length === 1 ? '' : 's'}${order.length ? ` (${order.slice(0, 4).join(', ')}${order.length > 4 ? ', …' : ''})` : ''}, got more`,
          'pass the others by keyword, e.g. name=value',
          a.arg.loc,
        );
        continue;
      }
      bound.set(param, a);
      continue;
    }
    const kw = a.arg.keyword;
    const param = def.keras.renamed?.[kw] ?? kw;
    if (bound.has(param)) {
      fail(
        `${shown} got two values for '${param}'`,
        'give it once, either by position or by keyword',
        a.arg.keywordLoc ?? a.arg.loc,
      );
      continue;
    }
    bound.set(param, a);
  }

  for (const [param, a] of bound) {
    const where = a.arg.value.loc;
    if (a.value === undefined) {
      binding.failed = true;
      continue;
    }
    const value = a.value;
    if (param === 'name') {
      const bad = typeof value === 'string' ? checkLayerName(value) : `name must be a string, got ${pythonText(value)}`;
      if (bad) fail(bad, 'a layer name is a string of letters, digits, _ - or .', where);
      else binding.name = value as string;
      continue;
    }
    const spec = fields[param];
    if (spec) {
      const v = normalizeValue(param, spec, value);
      const reason = checkValue(param, spec, coerceValue(spec, v));
      if (reason) fail(reason, fieldHint(spec), where);
      else binding.given[param] = v;
      continue;
    }
    if (isInputArg(param) && className !== 'InputLayer') {
      const spec = inputSpecOf(param, value);
      const input = getLayer('InputLayer')!.fields;
      const bad =
        typeof spec === 'string'
          ? spec
          : (spec.shape !== undefined && checkValue(param, input.shape, spec.shape)) ||
            (spec.batchSize !== undefined && checkValue('batch_size', input.batch_size, spec.batchSize));
      if (bad) fail(bad, 'e.g. input_shape=(28, 28, 1): the shape of one sample, without the batch axis', where);
      else
        binding.inputSpec = {
          ...(binding.inputSpec ?? { shape: null, batchSize: null }),
          ...(spec as object),
          loc: a.arg.loc,
        };
      continue;
    }
    if (className === 'InputLayer' && (param === 'batch_shape' || param === 'batch_input_shape')) {
      if (!Array.isArray(value) || value.length < 2)
        fail(
          `${param} must be a tuple (batch, …sizes), got ${pythonText(value)}`,
          'e.g. batch_shape=(None, 28, 28, 1)',
          where,
        );
      else {
        binding.given.shape = value.slice(1);
        binding.given.batch_size = value[0];
      }
      continue;
    }
    if (Object.hasOwn(NEUTRAL_ARGS, param) && (order.includes(param) || BASE_KEYWORDS.includes(param))) {
      if (!NEUTRAL_ARGS[param].some((n) => n === value))
        fail(`${param}=${pythonText(value)} is not supported`, neutralHint(param), where);
      continue;
    }
    if (order.includes(param)) {
      if (value !== null)
        fail(
          `${param} is not supported by LayerCanvas`,
          'remove it: LayerCanvas does not model it',
          a.arg.keywordLoc ?? where,
        );
      continue;
    }
    unknownKeyword = true;
    const known = [...new Set([...order, ...Object.keys(fields), ...BASE_KEYWORDS])];
    const close = similar(param, known, 1);
    fail(
      `${shown} has no argument '${param}'`,
      close.length
        ? `did you mean '${close[0]}'?`
        : `its arguments are: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}`,
      a.arg.keywordLoc ?? a.arg.loc,
    );
  }

  for (const [key, spec] of Object.entries(def.fields)) {
    // After a misspelt keyword the missing field is most likely that keyword: one error says it.
    if (unknownKeyword) break;
    if (!spec.required || key in binding.given || bound.has(key)) continue;
    if (className === 'InputLayer' && binding.given.shape !== undefined) continue;
    fail(`${shown} needs '${key}'`, `e.g. ${shown}(${pythonText(spec.default as ConfigValue)})`, callee.loc);
  }
  if (!binding.failed && def.validate) {
    for (const issue of def.validate(completeConfig(def, binding.given).config))
      fail(issue.message, issue.hint ?? 'change one of the values', callee.loc);
  }
  return binding;
}

function isInputArg(param: string): boolean {
  return param === 'input_shape' || param === 'batch_input_shape' || param === 'input_dim' || param === 'batch_size';
}

function inputSpecOf(param: string, value: ConfigValue): { shape?: ConfigValue; batchSize?: ConfigValue } | string {
  if (param === 'input_dim')
    return typeof value === 'number' ? { shape: [value] } : `input_dim must be an integer, got ${pythonText(value)}`;
  if (param === 'batch_size') return { batchSize: value };
  if (param === 'input_shape')
    return Array.isArray(value) ? { shape: value } : `input_shape must be a tuple, got ${pythonText(value)}`;
  if (!Array.isArray(value) || value.length < 2)
    return `batch_input_shape must be a tuple (batch, …sizes), got ${pythonText(value)}`;
  return { shape: value.slice(1), batchSize: value[0] };
}

/** Keras's own spellings: `activation=None` is linear, padding is case-insensitive. */
function normalizeValue(param: string, spec: FieldSpec, value: ConfigValue): ConfigValue {
  if (param === 'activation' && value === null) return 'linear';
  if (spec.type === 'enum' && param === 'padding' && typeof value === 'string') return value.toLowerCase();
  // kernel_regularizer='l2', kernel_constraint='max_norm': the rule with Keras's default arguments.
  const kind = ruleKindOf(param);
  const named = kind && typeof value === 'string' && !parseRule(kind, value) ? ruleFromString(kind, value) : null;
  if (named) return ruleText(named);
  return value;
}

function fieldHint(spec: FieldSpec): string {
  if (spec.type === 'enum') {
    const opts = spec.options.map((o) => `'${o}'`);
    return `use one of ${opts.slice(0, 6).join(', ')}${opts.length > 6 ? ', …' : ''}`;
  }
  return spec.doc;
}

function neutralHint(param: string): string {
  if (param === 'data_format')
    return "LayerCanvas computes channels_last (NHWC) only: drop the argument or use 'channels_last'";
  if (param === 'dtype') return 'LayerCanvas computes in float32: drop the argument';
  return NEUTRAL_HINTS[param] ?? 'drop the argument';
}
