/**
 * Keras's weight regularizers (keras/src/regularizers/regularizers.py: L1, L2, L1L2) and weight constraints
 * (keras/src/constraints/constraints.py: MaxNorm, NonNeg, UnitNorm, MinMaxNorm) as LayerCanvas stores them in a
 * `*_regularizer` or `*_constraint` field: the Python constructor text with every argument, e.g. `L2(l2=0.01)` or
 * `MaxNorm(max_value=2, axis=[0, 1, 2])`. The text is the one form every format converts to and from.
 */
export type RuleArg = number | number[];

export interface WeightRule {
  cls: string;
  args: Record<string, RuleArg>;
}

/** Constructor arguments in Keras's order, with Keras's defaults. */
const REGULARIZERS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  L1: { l1: 0.01 },
  L2: { l2: 0.01 },
  L1L2: { l1: 0, l2: 0 },
};
const CONSTRAINTS: Readonly<Record<string, Readonly<Record<string, RuleArg>>>> = {
  MaxNorm: { max_value: 2, axis: 0 },
  NonNeg: {},
  UnitNorm: { axis: 0 },
  MinMaxNorm: { min_value: 0, max_value: 1, rate: 1, axis: 0 },
};

export const REGULARIZER_CLASSES = Object.keys(REGULARIZERS);
export const CONSTRAINT_CLASSES = Object.keys(CONSTRAINTS);

/**
 * The names `keras.regularizers.get` and `keras.constraints.get` take as strings (the class and its snake_case).
 * 'l1_l2' is tf.keras 2's string, meaning its l1_l2() with l1 = l2 = 0.01 (Keras 3 refuses that string).
 */
const REGULARIZER_STRINGS: Readonly<Record<string, WeightRule>> = {
  L1: { cls: 'L1', args: { l1: 0.01 } },
  l1: { cls: 'L1', args: { l1: 0.01 } },
  L2: { cls: 'L2', args: { l2: 0.01 } },
  l2: { cls: 'L2', args: { l2: 0.01 } },
  L1L2: { cls: 'L1L2', args: { l1: 0, l2: 0 } },
  l1l2: { cls: 'L1L2', args: { l1: 0, l2: 0 } },
  l1_l2: { cls: 'L1L2', args: { l1: 0.01, l2: 0.01 } },
};
const CONSTRAINT_STRINGS: Readonly<Record<string, string>> = {
  MaxNorm: 'MaxNorm',
  max_norm: 'MaxNorm',
  NonNeg: 'NonNeg',
  non_neg: 'NonNeg',
  UnitNorm: 'UnitNorm',
  unit_norm: 'UnitNorm',
  MinMaxNorm: 'MinMaxNorm',
  min_max_norm: 'MinMaxNorm',
};

export type RuleKind = 'regularizer' | 'constraint';

/** What a config key holds: `kernel_regularizer`, `activity_regularizer` a regularizer, `*_constraint` a constraint. */
export function ruleKindOf(key: string): RuleKind | null {
  if (key.endsWith('_regularizer')) return 'regularizer';
  if (key.endsWith('_constraint')) return 'constraint';
  return null;
}

const table = (kind: RuleKind) => (kind === 'regularizer' ? REGULARIZERS : CONSTRAINTS);

/** The Keras module that holds the classes, as Keras 3 files name it. */
export const ruleModule = (kind: RuleKind) => (kind === 'regularizer' ? 'keras.regularizers' : 'keras.constraints');

/** The rule a string names (`'l2'`, `'max_norm'`), with Keras's default arguments, or null. */
export function ruleFromString(kind: RuleKind, name: string): WeightRule | null {
  if (kind === 'regularizer') return Object.hasOwn(REGULARIZER_STRINGS, name) ? REGULARIZER_STRINGS[name] : null;
  const cls = Object.hasOwn(CONSTRAINT_STRINGS, name) ? CONSTRAINT_STRINGS[name] : null;
  return cls ? { cls, args: { ...CONSTRAINTS[cls] } } : null;
}

/** The class a Python name stands for (`l2`, `L2`, `max_norm`), or null. l1_l2 is Keras 3's alias of L1L2. */
export function ruleClass(kind: RuleKind, name: string): string | null {
  if (kind === 'regularizer') {
    if (name === 'l1_l2') return 'L1L2';
    return REGULARIZER_STRINGS[name]?.cls ?? null;
  }
  return Object.hasOwn(CONSTRAINT_STRINGS, name) ? CONSTRAINT_STRINGS[name] : null;
}

/** Keras's argument names of `cls`, in constructor order. */
export const ruleParams = (kind: RuleKind, cls: string): string[] => Object.keys(table(kind)[cls] ?? {});

const isAxis = (v: unknown): v is RuleArg =>
  Number.isInteger(v) || (Array.isArray(v) && v.length > 0 && v.every((a) => Number.isInteger(a)));

/** The rule `cls` with the `given` arguments (defaults filled in), or why Keras (or LayerCanvas) refuses it. */
export function weightRule(kind: RuleKind, cls: string, given: Record<string, unknown>): WeightRule | string {
  const defaults = Object.hasOwn(table(kind), cls) ? table(kind)[cls] : undefined;
  const module = ruleModule(kind);
  if (!defaults)
    return `${kind} ${cls} is not one LayerCanvas computes (it has ${module}.${Object.keys(table(kind)).join(', ')})`;
  const args: Record<string, RuleArg> = { ...defaults };
  for (const [key, value0] of Object.entries(given)) {
    if (!(key in args)) return `${cls} has no argument ${key}`;
    // Keras treats None as the default of L1's and L2's factors.
    const value = value0 === null && kind === 'regularizer' ? defaults[key] : value0;
    if (key === 'axis') {
      if (!isAxis(value)) return `${cls}'s axis must be an integer or a list of integers, got ${String(value)}`;
      args.axis = Array.isArray(value) ? [...value] : value;
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value))
      return `${cls}'s ${key} must be a number, got ${String(value)}`;
    if (kind === 'regularizer' && value < 0) return `${cls}'s ${key} must be a non-negative number, got ${value}`;
    args[key] = value;
  }
  return { cls, args };
}

const argText = (v: RuleArg) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

/** What a field stores: `L2(l2=0.01)`, `NonNeg()`, `MaxNorm(max_value=2, axis=[0, 1, 2])`. */
export function ruleText({ cls, args }: WeightRule): string {
  return `${cls}(${Object.entries(args)
    .map(([k, v]) => `${k}=${argText(v)}`)
    .join(', ')})`;
}

const TEXT = /^(\w+)\((.*)\)$/;

/** The rule a stored text names, or null when `text` isn't the stored form of one. */
export function parseRule(kind: RuleKind, text: string): WeightRule | null {
  const m = TEXT.exec(text);
  if (!m || !Object.hasOwn(table(kind), m[1])) return null;
  const given: Record<string, unknown> = {};
  // Split at the commas between arguments, not inside an axis list.
  for (const part of m[2] ? m[2].split(/, (?![^[]*\])/) : []) {
    const eq = part.indexOf('=');
    const value = part.slice(eq + 1);
    given[part.slice(0, eq)] = value.startsWith('[')
      ? value
          .slice(1, -1)
          .split(', ')
          .map((a) => Number(a))
      : Number(value);
  }
  const r = weightRule(kind, m[1], given);
  return typeof r === 'string' || ruleText(r) !== text ? null : r;
}

/** A class as a fresh choice offers it: Keras's default arguments, L1L2 at 0.01 both (its defaults do nothing). */
export function freshRule(kind: RuleKind, cls: string): WeightRule {
  return { cls, args: cls === 'L1L2' ? { l1: 0.01, l2: 0.01 } : { ...table(kind)[cls] } };
}

/** The options an inspector select offers: each class, fresh. */
export function ruleOptions(kind: RuleKind): string[] {
  return Object.keys(table(kind)).map((cls) => ruleText(freshRule(kind, cls)));
}

/** An argument as the inspector shows it: `0.01`, `0` or `0, 1, 2` for an axis list. */
export const ruleArgText = (v: RuleArg): string => (Array.isArray(v) ? v.join(', ') : String(v));

/** `rule` with one argument set from what was typed (`0.02`; an axis `2` or `0, 1, 2`), or why it is refused. */
export function withRuleArg(kind: RuleKind, rule: WeightRule, key: string, typed: string): WeightRule | string {
  const parts = typed
    .replace(/[[\]()]/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
  const numbers = parts.map(Number);
  if (parts.length === 0 || numbers.some((n) => Number.isNaN(n)))
    return `${rule.cls}'s ${key} must be a number${key === 'axis' ? ' or a list of integers' : ''}, got '${typed}'`;
  const value = key === 'axis' && (parts.length > 1 || /[[,]/.test(typed)) ? numbers : numbers[0];
  return weightRule(kind, rule.cls, { ...rule.args, [key]: value });
}
