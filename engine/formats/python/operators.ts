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
const MERGE_FOR: Record<string, string> = { '+': 'layers.Add()([a, b])', '-': 'layers.Subtract()([a, b])', '*': 'layers.Multiply()([a, b])' };

function tensorArithmetic(op: string, at: Located, report: Report): Value {
  return report(at.loc, `'${op}' on tensors is not supported`, MERGE_FOR[op] ? `use a merge layer: ${MERGE_FOR[op]}` : 'use the equivalent Keras layer');
}

function isTensorish(v: Value): boolean {
  return v.kind === 'tensor' || v.kind === 'seq';
}

function finite(n: number, at: Located, report: Report): Value {
  return Number.isFinite(n) ? constValue(n) : report(at.loc, 'this number is too large', 'use a smaller value');
}

export function unaryOp(op: string, v: Value, at: Located, report: Report): Value {
  if (v.kind === 'error') return ERROR;
  if (v.kind === 'tensor') return tensorArithmetic(op, at, report);
  if (v.kind !== 'const') return { kind: 'opaque', what: 'a computed value' };
  const x = v.value;
  if (op === 'not') return constValue(!truthy(x));
  if (typeof x === 'number' || typeof x === 'boolean') {
    const n = Number(x);
    if (op === '-') return constValue(-n);
    if (op === '+') return constValue(n);
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
  if (isTensorish(a) || isTensorish(b)) return tensorArithmetic(op, at, report);
  if (a.kind !== 'const' || b.kind !== 'const') return { kind: 'opaque', what: 'a computed value' };
  const x = a.value;
  const y = b.value;
  const overrun = (o: { message: string; hint: string } | null) =>
    report(at.loc, o?.message ?? 'the code does too much work', o?.hint ?? 'shorten it');
  if (op === 'and') return truthy(x) ? b : a;
  if (op === 'or') return truthy(x) ? a : b;
  if (op === '==' || op === '!=') {
    // Comparing walks both values: charged by the smaller one's items (sameValue stops at the first difference).
    const cost = Math.min(extentOf(x).items, extentOf(y).items);
    return budget.charge(cost) ? constValue(sameValue(x, y) === (op === '==')) : overrun(budget.overrun);
  }
  if (typeof x === 'number' && typeof y === 'number') return numeric(op, x, y, at, report);
  // Sizes are capped: `t = t + t` repeated a few dozen times would otherwise build values no model needs.
  const tooLong = () => report(at.loc, `this value would be longer than ${MAX_LENGTH.toLocaleString('en-US')} items`, 'write the value out');
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
  if (Array.isArray(x) && typeof y === 'number' && op === '*' && Number.isInteger(y) && y >= 0) {
    // Checked before building: the copies share x's items, but each counts.
    if (x.length * y > MAX_LENGTH || extentOf(x).items * y > MAX_VALUE_ITEMS) return tooLong();
    const repeated: ConfigValue[] = new Array(x.length * y);
    for (let k = 0; k < repeated.length; k++) repeated[k] = x[k % x.length];
    return made(repeated);
  }
  return report(at.loc, `unsupported operation '${op}' between these values`, 'compute the value and write it out');
}

function numeric(op: string, x: number, y: number, at: Located & { right?: Located }, report: Report): Value {
  const byZero = () => report((at.right ?? at).loc, 'division by zero', 'divide by a non-zero number');
  switch (op) {
    case '+':
      return finite(x + y, at, report);
    case '-':
      return finite(x - y, at, report);
    case '*':
      return finite(x * y, at, report);
    case '/':
      return y === 0 ? byZero() : finite(x / y, at, report);
    case '//':
      return y === 0 ? byZero() : finite(Math.floor(x / y), at, report);
    case '%':
      return y === 0 ? byZero() : finite(x - y * Math.floor(x / y), at, report);
    case '**':
      return finite(x ** y, at, report);
    case '<':
      return constValue(x < y);
    case '>':
      return constValue(x > y);
    case '<=':
      return constValue(x <= y);
    case '>=':
      return constValue(x >= y);
    default:
      return report(at.loc, `the operator '${op}' is not supported here`, 'compute the value and write it out');
  }
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
  if (base.kind === 'tensor') return report(at.loc, 'indexing or slicing a tensor is not supported', 'use a layer such as Reshape, Cropping2D or Flatten');
  const items = base.kind === 'seq' ? base.items : base.kind === 'const' && Array.isArray(base.value) ? base.value.map(constValue) : null;
  const ints = parts.map((p) => (p.kind === 'const' && (p.value === null || (typeof p.value === 'number' && Number.isInteger(p.value))) ? p.value : undefined));
  if (!items || ints.some((i) => i === undefined)) return { kind: 'opaque', what: 'an indexed value', fromModel: base.kind === 'method' || (base.kind === 'opaque' && base.fromModel) };
  const n = items.length;
  const norm = (i: number) => (i < 0 ? Math.max(0, n + i) : Math.min(i, n));
  if (!isSlice) {
    const i = ints[0] as number;
    const k = i < 0 ? n + i : i;
    if (k < 0 || k >= n) return report(at.loc, `index ${i} is out of range for ${n} items`, 'use an index inside the sequence');
    return items[k];
  }
  const [start, stop, step] = ints as (number | null)[];
  if (step !== null && step !== undefined && step !== 1) return { kind: 'opaque', what: 'a stepped slice' };
  const picked = items.slice(start === null ? 0 : norm(start), stop === null || stop === undefined ? n : norm(stop));
  if (!budget.charge(picked.length)) return report(at.loc, budget.overrun!.message, budget.overrun!.hint);
  if (picked.every((p) => p.kind === 'const')) return constValue(picked.map((p) => (p as { value: ConfigValue }).value));
  return { kind: 'seq', items: picked };
}
