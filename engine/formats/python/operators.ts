/**
 * Python operators on the interpreter's values: arithmetic on numeric literals (`1./255`, `2**3`), tuple
 * concatenation and indexing, comparisons. Arithmetic on tensors is refused with the merge layer to use instead.
 */
import type { SourceLocation } from '../../core/problems';
import type { ConfigValue } from '../../layers/types';
import { type Budget, extentOf, MAX_VALUE_ITEMS } from './budget';
import { ERROR, constValue, type Value } from './values';

type Report = (loc: SourceLocation, message: string, hint: string) => Value;
interface Located {
  loc: SourceLocation;
}

const MAX_LENGTH = 100_000;
const MERGE_FOR: Record<string, string> = {
  '+': 'layers.Add()([a, b])',
  '-': 'layers.Subtract()([a, b])',
  '*': 'layers.Multiply()([a, b])',
};

function tensorArithmetic(op: string, at: Located, report: Report): Value {
  return report(
    at.loc,
    `'${op}' on tensors is not supported`,
    MERGE_FOR[op] ? `use a merge layer: ${MERGE_FOR[op]}` : 'use the equivalent Keras layer',
  );
}

function listItems(v: Value): Value[] | null {
  if (v.kind === 'seq') return v.items;
  if (v.kind === 'const' && Array.isArray(v.value)) return v.value.map((x) => constValue(x));
  return null;
}

function isTensorish(v: Value): boolean {
  return v.kind === 'tensor' || v.kind === 'seq';
}

function finite(n: number, at: Located, report: Report, float = false): Value {
  return Number.isFinite(n) ? constValue(n, float) : report(at.loc, 'this number is too large', 'use a smaller value');
}

export function unaryOp(op: string, v: Value, at: Located, report: Report): Value {
  if (v.kind === 'error') return ERROR;
  if (v.kind === 'tensor') return tensorArithmetic(op, at, report);
  if (v.kind !== 'const') return { kind: 'opaque', what: 'a computed value' };
  const x = v.value;
  if (op === 'not') return constValue(!truthy(x));
  if (typeof x === 'number' || typeof x === 'boolean') {
    const n = Number(x);
    if (op === '-') return constValue(-n, v.float);
    if (op === '+') return constValue(n, v.float);
    if (op === '~' && Number.isInteger(n)) return constValue(~n);
  }
  return report(at.loc, `bad operand for unary '${op}'`, 'use a number');
}

export function binaryOp(
  op: string,
  a: Value,
  b: Value,
  at: Located & { right?: Located },
  report: Report,
  budget: Budget,
): Value {
  if (a.kind === 'error' || b.kind === 'error') return ERROR;
  // Lists holding layers or tensors concatenate and repeat like any list: [keras.Input(…)] + [layers.Dense(2)].
  const la = listItems(a);
  const lb = listItems(b);
  if ((a.kind === 'seq' || b.kind === 'seq') && op === '+' && la && lb) {
    if (la.length + lb.length > MAX_LENGTH)
      return report(
        at.loc,
        `this value would be longer than ${MAX_LENGTH.toLocaleString('en-US')} items`,
        'write the value out',
      );
    return budget.charge(la.length + lb.length)
      ? { kind: 'seq', items: [...la, ...lb] }
      : report(at.loc, budget.overrun!.message, budget.overrun!.hint);
  }
  if (isTensorish(a) || isTensorish(b)) return tensorArithmetic(op, at, report);
  if (a.kind !== 'const' || b.kind !== 'const') return { kind: 'opaque', what: 'a computed value' };
  const x = a.value;
  const y = b.value;
  const overrun = (o: { message: string; hint: string } | null) =>
    report(at.loc, o?.message ?? 'the code does too much work', o?.hint ?? 'shorten it');
  if (op === 'and') return truthy(x) ? b : a;
  if (op === 'or') return truthy(x) ? a : b;
  if (['==', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not'].includes(op))
    return compare(op, a, b, at, report, budget);
  const nx = typeof x === 'boolean' ? Number(x) : x;
  const ny = typeof y === 'boolean' ? Number(y) : y;
  if (typeof nx === 'number' && typeof ny === 'number')
    return numeric(op, nx, ny, at, report, Boolean(a.float || b.float));
  // Sizes are capped: `t = t + t` repeated a few dozen times would otherwise build values no model needs.
  const tooLong = () =>
    report(
      at.loc,
      `this value would be longer than ${MAX_LENGTH.toLocaleString('en-US')} items`,
      'write the value out',
    );
  const made = (v: ConfigValue) => {
    const refused = budget.admit(v);
    return refused ? overrun(refused) : constValue(v);
  };
  if (typeof x === 'string' && typeof y === 'string' && op === '+') {
    if (x.length + y.length > MAX_LENGTH) return tooLong();
    return budget.charge(x.length + y.length) ? constValue(x + y) : overrun(budget.overrun);
  }
  if (Array.isArray(x) && Array.isArray(y) && op === '+') {
    return x.length + y.length > MAX_LENGTH ? tooLong() : made([...x, ...y]);
  }
  if (typeof x === 'string' && typeof y === 'number' && op === '*' && Number.isInteger(y)) {
    const n = Math.max(0, y);
    if (x.length * n > MAX_LENGTH) return tooLong();
    return budget.charge(x.length * n) ? constValue(x.repeat(n)) : overrun(budget.overrun);
  }
  if (Array.isArray(x) && typeof y === 'number' && op === '*' && Number.isInteger(y) && y >= 0) {
    // Checked before building: the copies share x's items, but each counts.
    if (x.length * y > MAX_LENGTH || extentOf(x).items * y > MAX_VALUE_ITEMS) return tooLong();
    const repeated: ConfigValue[] = new Array(x.length * y);
    for (let k = 0; k < repeated.length; k++) repeated[k] = x[k % x.length];
    return made(repeated);
  }
  return report(at.loc, `unsupported operation '${op}' between these values`, 'compute the value and write it out');
}

/** Arithmetic as Python does it; `float` when either operand is a float (the result is one too). */
function numeric(
  op: string,
  x: number,
  y: number,
  at: Located & { right?: Located },
  report: Report,
  float: boolean,
): Value {
  const byZero = () => report((at.right ?? at).loc, 'division by zero', 'divide by a non-zero number');
  const ints = !float && Number.isInteger(x) && Number.isInteger(y);
  switch (op) {
    case '+':
      return finite(x + y, at, report, float);
    case '-':
      return finite(x - y, at, report, float);
    case '*':
      return finite(x * y, at, report, float);
    case '/':
      return y === 0 ? byZero() : finite(x / y, at, report, true);
    case '//':
      return y === 0 ? byZero() : finite(Math.floor(x / y), at, report, float);
    case '%':
      return y === 0 ? byZero() : finite(x - y * Math.floor(x / y), at, report, float);
    case '**':
      return finite(x ** y, at, report, float || (ints && y < 0));
    case '&':
    case '|':
    case '^':
    case '<<':
    case '>>':
      if (!ints || Math.abs(x) > 2 ** 31 || Math.abs(y) > 31)
        return report(at.loc, `'${op}' needs small whole numbers here`, 'compute the value and write it out');
      return constValue(op === '&' ? x & y : op === '|' ? x | y : op === '^' ? x ^ y : op === '<<' ? x << y : x >> y);
    default:
      return report(at.loc, `the operator '${op}' is not supported here`, 'compute the value and write it out');
  }
}

const ORDER: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '>=': (c) => c >= 0,
};

/** Python's comparison of two constants (numbers, strings, tuples), -1/0/1; null when Python would refuse. */
function order(x: ConfigValue, y: ConfigValue): number | null {
  const nx = typeof x === 'boolean' ? Number(x) : x;
  const ny = typeof y === 'boolean' ? Number(y) : y;
  if ((typeof nx === 'number' && typeof ny === 'number') || (typeof nx === 'string' && typeof ny === 'string'))
    return nx < ny ? -1 : nx > ny ? 1 : 0;
  if (Array.isArray(nx) && Array.isArray(ny)) {
    for (let i = 0; i < Math.min(nx.length, ny.length); i++) {
      const c = order(nx[i], ny[i]);
      if (c !== 0) return c;
    }
    return nx.length - ny.length;
  }
  return null;
}

/**
 * `==`, `!=`, `<`…, `in`, `is` on the interpreter's values. Layers, models and tensors compare by identity; a
 * comparison that depends on data only known when the model runs gives an opaque value, which a condition refuses.
 */
export function compare(op: string, a: Value, b: Value, at: Located, report: Report, budget: Budget): Value {
  if (a.kind === 'error' || b.kind === 'error') return ERROR;
  if (op === 'is' || op === 'is not') {
    const same = sameObject(a, b);
    return same === null ? { kind: 'opaque', what: 'a comparison' } : constValue(same === (op === 'is'));
  }
  if (op === 'in' || op === 'not in') {
    const found = contains(b, a, budget);
    if (found === 'overrun') return report(at.loc, budget.overrun!.message, budget.overrun!.hint);
    return found === null ? { kind: 'opaque', what: 'a comparison' } : constValue(found === (op === 'in'));
  }
  if (a.kind !== 'const' || b.kind !== 'const') {
    const same = sameObject(a, b);
    if ((op === '==' || op === '!=') && same !== null) return constValue(same === (op === '=='));
    if (isTensorish(a) || isTensorish(b))
      return report(at.loc, `'${op}' on tensors is not supported`, 'compare the values the code sets, not tensors');
    return { kind: 'opaque', what: 'a comparison' };
  }
  const x = a.value;
  const y = b.value;
  if (op === '==' || op === '!=') {
    // Comparing walks both values: charged by the smaller one's items (sameValue stops at the first difference).
    const cost = Math.min(extentOf(x).items, extentOf(y).items);
    if (!budget.charge(cost)) return report(at.loc, budget.overrun!.message, budget.overrun!.hint);
    return constValue(sameValue(x, y) === (op === '=='));
  }
  const c = order(x, y);
  if (c === null)
    return report(at.loc, `'${op}' cannot compare these values`, 'compare numbers with numbers, strings with strings');
  return constValue(ORDER[op](c));
}

/** `a is b`: constants by value (None, True, small numbers and strings behave so), objects by identity. */
function sameObject(a: Value, b: Value): boolean | null {
  if (a.kind === 'const' && b.kind === 'const')
    return Array.isArray(a.value) || Array.isArray(b.value) ? a === b : a.value === b.value;
  if (a.kind === 'opaque' || b.kind === 'opaque') return null;
  if (a.kind === 'const' || b.kind === 'const') return false;
  if (a.kind === 'layer' && b.kind === 'layer') return a.layer === b.layer;
  if (a.kind === 'tensor' && b.kind === 'tensor') return a.nodeId === b.nodeId && a.output === b.output;
  if (a.kind === 'model' && b.kind === 'model') return a.model === b.model;
  if (a.kind === 'function' && b.kind === 'function') return a.def === b.def && a.scope === b.scope;
  if (a.kind === 'module' && b.kind === 'module') return a.path === b.path;
  return a.kind === b.kind ? a === b : false;
}

function contains(container: Value, item: Value, budget: Budget): boolean | null | 'overrun' {
  if (container.kind === 'const' && typeof container.value === 'string')
    return item.kind === 'const' && typeof item.value === 'string' ? container.value.includes(item.value) : null;
  if (container.kind === 'range') {
    if (item.kind !== 'const' || typeof item.value !== 'number') return false;
    const k = (item.value - container.start) / container.step;
    return (
      Number.isInteger(k) && k >= 0 && k < Math.max(0, Math.ceil((container.stop - container.start) / container.step))
    );
  }
  const items =
    container.kind === 'seq'
      ? container.items
      : container.kind === 'const' && Array.isArray(container.value)
        ? container.value.map((v) => constValue(v))
        : null;
  if (!items) return null;
  if (!budget.charge(items.length)) return 'overrun';
  for (const v of items) {
    if (v.kind === 'const' && item.kind === 'const' ? sameValue(v.value, item.value) : sameObject(v, item)) return true;
  }
  return false;
}

function truthy(x: ConfigValue): boolean {
  if (Array.isArray(x)) return x.length > 0;
  return Boolean(x);
}

function sameValue(x: ConfigValue, y: ConfigValue): boolean {
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => sameValue(v, y[i]));
  return x === y;
}

/** `shape[1:]`, `sizes[0]`, `outputs[-1]`; indexing a tensor is refused. */
export function subscript(
  base: Value,
  parts: Value[],
  isSlice: boolean,
  at: Located,
  report: Report,
  budget: Budget,
): Value {
  if (base.kind === 'error' || parts.some((p) => p.kind === 'error')) return ERROR;
  if (base.kind === 'tensor')
    return report(
      at.loc,
      'indexing or slicing a tensor is not supported',
      'use a layer such as Reshape, Cropping2D or Flatten',
    );
  const items =
    base.kind === 'seq'
      ? base.items
      : base.kind === 'const' && Array.isArray(base.value)
        ? base.value.map((v) => constValue(v))
        : null;
  const ints = parts.map((p) =>
    p.kind === 'const' && (p.value === null || (typeof p.value === 'number' && Number.isInteger(p.value)))
      ? p.value
      : undefined,
  );
  if (!items || ints.some((i) => i === undefined))
    return {
      kind: 'opaque',
      what: 'an indexed value',
      fromModel: base.kind === 'method' || (base.kind === 'opaque' && base.fromModel),
    };
  const n = items.length;
  const norm = (i: number) => (i < 0 ? Math.max(0, n + i) : Math.min(i, n));
  if (!isSlice) {
    const i = ints[0] as number;
    const k = i < 0 ? n + i : i;
    if (k < 0 || k >= n)
      return report(at.loc, `index ${i} is out of range for ${n} items`, 'use an index inside the sequence');
    return items[k];
  }
  const [start, stop, step] = ints as (number | null)[];
  if (step !== null && step !== undefined && step !== 1) return { kind: 'opaque', what: 'a stepped slice' };
  const picked = items.slice(start === null ? 0 : norm(start), stop === null || stop === undefined ? n : norm(stop));
  if (!budget.charge(picked.length)) return report(at.loc, budget.overrun!.message, budget.overrun!.hint);
  if (picked.every((p) => p.kind === 'const'))
    return constValue(picked.map((p) => (p as { value: ConfigValue }).value));
  return { kind: 'seq', items: picked };
}
