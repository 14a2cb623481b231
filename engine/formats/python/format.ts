/** Python's str(), repr() and format-spec mini-language for constants, as f-strings and str.format use them. */
import type { ConfigValue } from '../../layers/types';
import { pythonFloat } from './literals';

/** `str(v)`; numbers marked float are written as Python writes floats (`2.0`). */
export function pyStr(v: ConfigValue, float = false): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return float || !Number.isInteger(v) ? pythonFloat(v) : String(v);
  return pyRepr(v, float);
}

/** `repr(v)`: strings quoted; sequences written as tuples (the interpreter does not tell tuples from lists). */
export function pyRepr(v: ConfigValue, float = false): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(v)) {
    const items = v.map((x) => pyRepr(x, float));
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  return pyStr(v, float);
}

const SPEC = /^(?:(.)?([<>^=]))?([+\- ]?)(0?)(\d*)([,_]?)(?:\.(\d+))?([bdfFeEosxX%]?)$/;

/** `format(v, spec)` for the common specs (`03d`, `.2f`, `>8`, `x`); null when the spec is not one of them. */
export function formatSpec(v: ConfigValue, spec: string, float = false): string | null {
  if (spec === '') return pyStr(v, float);
  const m = SPEC.exec(spec);
  if (!m) return null;
  const [, fillChar, alignChar, sign, zero, widthText, grouping, precisionText, type] = m;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let body: string;
  let numeric = false;
  if (typeof v === 'number' || typeof v === 'boolean') {
    const n = Number(v);
    numeric = true;
    const isFloat = float || !Number.isInteger(n);
    switch (type) {
      case '':
        body =
          precision === undefined
            ? pyStr(n, float)
            : isFloat
              ? Number(n.toPrecision(Math.max(1, precision))).toString()
              : String(n);
        break;
      case 'd':
        if (isFloat) return null;
        body = String(Math.abs(n));
        break;
      case 'f':
      case 'F':
        body = Math.abs(n).toFixed(precision ?? 6);
        break;
      case 'e':
      case 'E': {
        const [mant, exp] = Math.abs(n)
          .toExponential(precision ?? 6)
          .split('e');
        body = `${mant}${type}${exp[0] === '-' ? '-' : '+'}${exp.replace(/^[+-]/, '').padStart(2, '0')}`;
        break;
      }
      case '%':
        body = `${(Math.abs(n) * 100).toFixed(precision ?? 6)}%`;
        break;
      case 'x':
      case 'X':
      case 'o':
      case 'b':
        if (isFloat) return null;
        body = Math.abs(n).toString(type === 'o' ? 8 : type === 'b' ? 2 : 16);
        if (type === 'X') body = body.toUpperCase();
        break;
      default:
        return null;
    }
    if (type === '' && body.startsWith('-')) body = body.slice(1);
    if (grouping) {
      const [int, frac] = body.split('.');
      body = int.replace(/\B(?=(\d{3})+(?!\d))/g, grouping) + (frac !== undefined ? `.${frac}` : '');
    }
    const signText = n < 0 || Object.is(n, -0) ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
    body = signText + body;
  } else {
    if (type && type !== 's') return null;
    if (sign || grouping) return null;
    body = pyStr(v, float);
    if (precision !== undefined) body = body.slice(0, precision);
  }
  const width = widthText ? Number(widthText) : 0;
  if (body.length >= width) return body;
  const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
  const align = alignChar ?? (zero ? '=' : numeric ? '>' : '<');
  const pad = width - body.length;
  if (align === '<') return body + fill.repeat(pad);
  if (align === '>') return fill.repeat(pad) + body;
  if (align === '^') return fill.repeat(Math.floor(pad / 2)) + body + fill.repeat(Math.ceil(pad / 2));
  const signLength = /^[+\- ]/.test(body) ? 1 : 0;
  return body.slice(0, signLength) + fill.repeat(pad) + body.slice(signLength);
}
