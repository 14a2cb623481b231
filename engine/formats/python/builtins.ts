/**
 * The Python builtins model code leans on (range, len, enumerate, zip, str, min, …) and the methods of strings
 * and lists, over the interpreter's values. Each checks its arguments and answers with a located error; sizes are
 * charged to the program's budget, and range() is iterated without being built.
 */
import type { SourceLocation } from '../../core/problems';
import type { ConfigValue } from '../../layers/types';
import { type Budget, MAX_VALUE_ITEMS } from './budget';
import { formatSpec, pyRepr, pyStr } from './format';
import { ERROR, constValue, describeValue, rangeLength, type Value } from './values';

type Report = (loc: SourceLocation, message: string, hint: string) => Value;
/** Longest string or list one operation may make. */
export const MAX_LENGTH = 100_000;

export interface BuiltinArg {
  value: Value;
  keyword?: string;
  loc: SourceLocation;
}

/** Python truthiness, or null when it depends on something only known when the model runs (a tensor, data). */
export function truth(v: Value): boolean | null {
  switch (v.kind) {
    case 'const':
      return Array.isArray(v.value) ? v.value.length > 0 : Boolean(v.value);
    case 'seq':
      return v.items.length > 0;
    case 'range':
      return rangeLength(v) > 0;
    case 'layer':
    case 'model':
    case 'method':
    case 'function':
    case 'module':
    case 'bound':
      return true;
    default:
      return null;
  }
}

/** The items a `for` walks, or null when the value is not something the interpreter can list. */
export function iterate(v: Value): Iterable<Value> | null {
  if (v.kind === 'const' && Array.isArray(v.value)) return v.value.map((x) => constValue(x, v.float));
  if (v.kind === 'const' && typeof v.value === 'string') return [...v.value].map((c) => constValue(c));
  if (v.kind === 'seq') return [...v.items];
  if (v.kind === 'range') return rangeItems(v.start, v.step, rangeLength(v));
  return null;
}

function* rangeItems(start: number, step: number, n: number): Generator<Value> {
  for (let i = 0; i < n; i++) yield constValue(start + i * step);
}

/** Items as one value: a constant when every item is one, else a sequence. */
export function listOf(items: Value[]): Value {
  if (items.every((i) => i.kind === 'const')) return constValue(items.map((i) => (i as { value: ConfigValue }).value));
  return { kind: 'seq', items };
}

function lengthOf(v: Value): number | null {
  if (v.kind === 'const' && (Array.isArray(v.value) || typeof v.value === 'string')) return v.value.length;
  if (v.kind === 'seq') return v.items.length;
  if (v.kind === 'range') return rangeLength(v);
  return null;
}

const isInt = (v: Value): v is { kind: 'const'; value: number } =>
  v.kind === 'const' && typeof v.value === 'number' && Number.isInteger(v.value) && !v.float;
const isNumber = (v: Value): v is { kind: 'const'; value: number; float?: boolean } =>
  v.kind === 'const' && (typeof v.value === 'number' || typeof v.value === 'boolean');

/** The builtins implemented here; others (print, isinstance, open, …) give opaque results, as before. */
const IMPLEMENTED = new Set([
  'range',
  'len',
  'list',
  'tuple',
  'enumerate',
  'zip',
  'reversed',
  'sorted',
  'sum',
  'min',
  'max',
  'abs',
  'int',
  'float',
  'str',
  'bool',
  'round',
  'repr',
]);

export function isBuiltin(name: string): boolean {
  return IMPLEMENTED.has(name);
}

/** Calls the builtin `name` at `at` (its name in the code). */
export function callBuiltin(
  name: string,
  args: BuiltinArg[],
  at: SourceLocation,
  report: Report,
  budget: Budget,
): Value {
  if (args.some((a) => a.value.kind === 'error')) return ERROR;
  const keywords = args.filter((a) => a.keyword !== undefined);
  const positional = args.filter((a) => a.keyword === undefined).map((a) => a.value);
  const allowed = name === 'enumerate' ? ['start'] : name === 'sorted' ? ['reverse'] : [];
  const bad = keywords.find((k) => !allowed.includes(k.keyword!));
  if (bad)
    return report(
      bad.loc,
      `${name}() got an unexpected keyword argument '${bad.keyword}'`,
      allowed.length ? `its keyword arguments are: ${allowed.join(', ')}` : 'pass the values by position',
    );
  const kw = (key: string) => keywords.find((k) => k.keyword === key)?.value;
  const arity = (min: number, max: number): Value | null =>
    positional.length < min || positional.length > max
      ? report(
          at,
          `${name}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${positional.length}`,
          `e.g. ${name}(${min ? 'x' : ''})`,
        )
      : null;
  const listable = (v: Value): Value[] | null => {
    const n = lengthOf(v);
    if (n !== null && n > MAX_LENGTH) {
      report(
        at,
        `${name}() would make a list of ${n.toLocaleString('en-US')} items, more than ${MAX_LENGTH.toLocaleString('en-US')}`,
        'a model file needs only short lists',
      );
      return null;
    }
    const items = iterate(v);
    if (!items) {
      report(
        at,
        `${name}() needs a list, a tuple, a string or a range, got ${describeValue(v)}`,
        'pass a value the code spells out',
      );
      return null;
    }
    const out = [...items];
    if (!budget.charge(out.length)) {
      report(at, budget.overrun!.message, budget.overrun!.hint);
      return null;
    }
    return out;
  };
  const numbers = (v: Value): number[] | null => {
    const items = listable(v);
    if (!items) return null;
    if (!items.every(isNumber)) {
      report(at, `${name}() needs numbers here, got ${describeValue(v)}`, 'pass a list of numbers');
      return null;
    }
    return items.map((i) => Number((i as { value: number }).value));
  };
  switch (name) {
    case 'range': {
      const wrong = arity(1, 3);
      if (wrong) return wrong;
      if (!positional.every(isInt))
        return report(
          at,
          `range() needs whole numbers, got ${positional.map(describeValue).join(', ')}`,
          'e.g. range(3) or range(1, 10, 2)',
        );
      const n = positional.map((p) => (p as { value: number }).value);
      const [start, stop, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? 1];
      if (step === 0) return report(at, 'range() step must not be zero', 'use a step of 1 or more');
      return { kind: 'range', start, stop, step };
    }
    case 'len': {
      const wrong = arity(1, 1);
      if (wrong) return wrong;
      const n = lengthOf(positional[0]);
      return n === null
        ? report(
            at,
            `len() of ${describeValue(positional[0])} is not known before the model runs`,
            'use a list, a tuple or a string',
          )
        : constValue(n);
    }
    case 'list':
    case 'tuple':
    case 'reversed': {
      const wrong = arity(name === 'reversed' ? 1 : 0, 1);
      if (wrong) return wrong;
      if (positional.length === 0) return constValue([]);
      const items = listable(positional[0]);
      return items ? listOf(name === 'reversed' ? items.reverse() : items) : ERROR;
    }
    case 'sorted': {
      const wrong = arity(1, 1);
      if (wrong) return wrong;
      const items = listable(positional[0]);
      if (!items) return ERROR;
      if (!items.every((i) => i.kind === 'const' && (typeof i.value === 'number' || typeof i.value === 'string')))
        return report(at, 'sorted() sorts numbers or strings only here', 'sort the values in the code');
      const values = items.map((i) => (i as { value: number | string }).value);
      values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const reverse = kw('reverse');
      if (reverse && truth(reverse)) values.reverse();
      return constValue(values);
    }
    case 'enumerate': {
      const wrong = arity(1, 2);
      if (wrong) return wrong;
      const startValue = kw('start') ?? positional[1] ?? constValue(0);
      if (!isInt(startValue))
        return report(at, 'enumerate() start must be a whole number', 'e.g. enumerate(sizes, start=1)');
      const items = listable(positional[0]);
      if (!items) return ERROR;
      return listOf(items.map((item, i) => listOf([constValue(startValue.value + i), item])));
    }
    case 'zip': {
      const lists = positional.map(listable);
      if (lists.some((l) => l === null)) return ERROR;
      const n = Math.min(...(lists as Value[][]).map((l) => l.length), lists.length ? Number.POSITIVE_INFINITY : 0);
      return listOf(Array.from({ length: n }, (_, i) => listOf((lists as Value[][]).map((l) => l[i]))));
    }
    case 'sum':
    case 'min':
    case 'max': {
      const wrong = arity(1, name === 'sum' ? 2 : MAX_VALUE_ITEMS);
      if (wrong) return wrong;
      const fromOne = positional.length === 1 || name === 'sum';
      const values = fromOne
        ? numbers(positional[0])
        : positional.every(isNumber)
          ? positional.map((p) => Number((p as { value: number }).value))
          : null;
      if (!values) return fromOne ? ERROR : report(at, `${name}() compares numbers only here`, 'pass numbers');
      const float = (fromOne ? [...(iterate(positional[0]) ?? [])] : positional).some(
        (v) => v.kind === 'const' && v.float,
      );
      if (name === 'sum') {
        const start = positional[1];
        if (start && !isNumber(start)) return report(at, 'sum() start must be a number', 'e.g. sum(sizes, 0)');
        return constValue(
          values.reduce((a, b) => a + b, start ? Number(start.value) : 0),
          float,
        );
      }
      if (values.length === 0) return report(at, `${name}() of an empty list`, 'pass at least one value');
      return constValue(name === 'min' ? Math.min(...values) : Math.max(...values), float);
    }
    case 'abs':
    case 'int':
    case 'float':
    case 'bool':
    case 'str':
    case 'repr':
    case 'round':
      return conversion(name, positional, at, report);
  }
  return { kind: 'opaque', what: `the result of ${name}(…)` };
}

function conversion(name: string, positional: Value[], at: SourceLocation, report: Report): Value {
  if (
    positional.length !== 1 &&
    !(name === 'round' && positional.length === 2) &&
    !(positional.length === 0 && name !== 'abs' && name !== 'round')
  )
    return report(at, `${name}() takes one argument, got ${positional.length}`, `e.g. ${name}(x)`);
  const v = positional[0];
  if (!v)
    return name === 'str' ? constValue('') : name === 'bool' ? constValue(false) : constValue(0, name === 'float');
  if (name === 'bool') {
    const t = truth(v);
    return t === null ? { kind: 'opaque', what: `bool(${describeValue(v)})` } : constValue(t);
  }
  if (v.kind !== 'const') return { kind: 'opaque', what: `the result of ${name}(…)` };
  if (name === 'str') return constValue(pyStr(v.value, v.float));
  if (name === 'repr') return constValue(pyRepr(v.value, v.float));
  const x = v.value;
  const n = typeof x === 'string' ? Number(x.trim()) : typeof x === 'boolean' ? Number(x) : x;
  if (
    typeof n !== 'number' ||
    Number.isNaN(n) ||
    (typeof x === 'string' && (x.trim() === '' || (name === 'int' && !/^\s*[+-]?\d+\s*$/.test(x))))
  )
    return report(at, `${name}() cannot convert ${pyRepr(x)}`, 'pass a number');
  if (name === 'abs') return constValue(Math.abs(n), v.float);
  if (name === 'int') return constValue(Math.trunc(n));
  if (name === 'float') return constValue(n, true);
  const digits = positional[1];
  if (digits && !isInt(digits)) return report(at, 'round() digits must be a whole number', 'e.g. round(x, 2)');
  if (!digits) return constValue(roundHalfEven(n));
  const scale = 10 ** digits.value;
  return constValue(roundHalfEven(n * scale) / scale, true);
}

/** Python rounds halves to the even neighbour: round(2.5) == 2. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `"block_{}".format(i)`, `"_".join(parts)`, `.upper()`, `.lower()`, `.replace(a, b)` on a constant string. */
export function stringMethod(
  s: string,
  name: string,
  args: BuiltinArg[],
  at: SourceLocation,
  report: Report,
  budget: Budget,
): Value {
  if (args.some((a) => a.value.kind === 'error')) return ERROR;
  const values = args.filter((a) => a.keyword === undefined).map((a) => a.value);
  const made = (out: string) => {
    if (out.length > MAX_LENGTH)
      return report(
        at,
        `this string would be longer than ${MAX_LENGTH.toLocaleString('en-US')} characters`,
        'a layer name needs far fewer',
      );
    return budget.charge(out.length) ? constValue(out) : report(at, budget.overrun!.message, budget.overrun!.hint);
  };
  switch (name) {
    case 'upper':
      return made(s.toUpperCase());
    case 'lower':
      return made(s.toLowerCase());
    case 'strip':
      return made(s.trim());
    case 'replace':
      if (values.length === 2 && values.every((v) => v.kind === 'const' && typeof v.value === 'string'))
        return made(s.split((values[0] as { value: string }).value).join((values[1] as { value: string }).value));
      break;
    case 'join': {
      const items = values.length === 1 ? iterate(values[0]) : null;
      const parts = items ? [...items] : null;
      if (parts?.every((p) => p.kind === 'const' && typeof p.value === 'string'))
        return made(parts.map((p) => (p as { value: string }).value).join(s));
      break;
    }
    case 'format': {
      let auto = 0;
      let failed: Value | null = null;
      const out = s.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
        if (whole === '{{' || whole === '}}') return whole[0];
        const [ref, spec = ''] = (field ?? '').split(':', 2);
        const arg =
          ref === ''
            ? values[auto++]
            : /^\d+$/.test(ref)
              ? values[Number(ref)]
              : args.find((a) => a.keyword === ref)?.value;
        const text = arg?.kind === 'const' ? formatSpec(arg.value, spec, arg.float) : null;
        if (text === null)
          failed ??= report(
            at,
            `str.format() cannot fill {${field}} here`,
            'pass constants for every field, e.g. "block_{}".format(i)',
          );
        return text ?? '';
      });
      return failed ?? made(out);
    }
  }
  return { kind: 'opaque', what: `the result of str.${name}(…)` };
}

/**
 * `items.append(x)`, `items.extend(more)` on a list the code built: changed in place, so every name for the list
 * sees it, as in Python. A list of constants that gains a tensor becomes a list of values.
 */
export function listMethod(
  list: Value,
  name: string,
  args: BuiltinArg[],
  at: SourceLocation,
  report: Report,
  budget: Budget,
): Value {
  if (args.some((a) => a.value.kind === 'error')) return ERROR;
  if (name !== 'append' && name !== 'extend' && name !== 'insert')
    return { kind: 'opaque', what: `the result of list.${name}(…)` };
  const wanted = name === 'insert' ? 2 : 1;
  if (args.length !== wanted || args.some((a) => a.keyword))
    return report(
      at,
      `list.${name}() takes ${wanted} argument${wanted > 1 ? 's' : ''}`,
      name === 'insert' ? 'e.g. items.insert(0, x)' : `e.g. items.${name}(x)`,
    );
  let added: Value[];
  if (name === 'extend') {
    const items = iterate(args[0].value);
    if (!items)
      return report(args[0].loc, `list.extend() needs a list, got ${describeValue(args[0].value)}`, 'pass a list');
    added = [...items];
  } else added = [args[name === 'insert' ? 1 : 0].value];
  const length =
    list.kind === 'seq'
      ? list.items.length
      : list.kind === 'const' && Array.isArray(list.value)
        ? list.value.length
        : null;
  if (length === null)
    return report(
      at,
      `${describeValue(list)} has no method ${name}()`,
      'append to a list, e.g. outputs = [] then outputs.append(x)',
    );
  if (length + added.length > MAX_LENGTH)
    return report(
      at,
      `this list would hold more than ${MAX_LENGTH.toLocaleString('en-US')} items`,
      'a model file needs only short lists',
    );
  if (!budget.charge(added.length)) return report(at, budget.overrun!.message, budget.overrun!.hint);
  let k = length;
  if (name === 'insert') {
    const index = args[0].value;
    if (!isInt(index))
      return report(args[0].loc, 'list.insert() index must be a whole number', 'e.g. items.insert(0, x)');
    k = index.value < 0 ? Math.max(0, length + index.value) : Math.min(index.value, length);
  }
  // Changed in place: the value object is shared by every name bound to this list. A list of constants that gains
  // a tensor or a layer becomes a list of values.
  if (list.kind === 'const' && added.every((v) => v.kind === 'const')) {
    (list.value as ConfigValue[]).splice(k, 0, ...added.map((v) => (v as { value: ConfigValue }).value));
    return constValue(null);
  }
  if (list.kind === 'const') {
    const items = (list.value as ConfigValue[]).map((x) => constValue(x));
    const target = list as unknown as { kind: string; items: Value[]; value?: ConfigValue };
    delete target.value;
    target.kind = 'seq';
    target.items = items;
  }
  (list as { items: Value[] }).items.splice(k, 0, ...added);
  return constValue(null);
}
