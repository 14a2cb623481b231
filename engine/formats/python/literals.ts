/** Config values written as Python literals, the way Python's repr() writes them. */
import type { ConfigValue, FieldSpec } from '../../layers/types';
import { parseVarianceScaling } from '../../core/variance-scaling';
import { parseArgInitializer } from '../../core/initializer-text';
import { parseRule, ruleModule } from '../../core/weight-rules';

/** Python's float repr: shortest round-trip digits, `1.0` for integral values, `1e-05` below 1e-4, `1e+16` and up. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "float('nan')";
  if (!Number.isFinite(x)) return x > 0 ? "float('inf')" : "-float('inf')";
  if (Object.is(x, -0)) return '-0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const text = String(x);
  return Number.isInteger(x) ? `${text}.0` : text;
}

export function pythonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Any config value; numbers as ints unless `asFloat`. */
export function pythonLiteral(v: ConfigValue, asFloat = false): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return pythonString(v);
  if (typeof v === 'number') return asFloat || !Number.isInteger(v) ? pythonFloat(v) : String(v);
  const items = v.map((x) => pythonLiteral(x, asFloat));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/**
 * `1 / 255` rather than `0.00392156862745098`: a reciprocal of a whole number with a long decimal expansion, written
 * the way people write it. Python's division is correctly rounded, so it evaluates to exactly the same float.
 */
function reciprocalText(x: number): string | null {
  if (x <= 0 || x >= 1 || pythonFloat(x).replace(/^0\.0*/, '').length <= 6) return null;
  const n = Math.round(1 / x);
  return n >= 3 && n <= 65536 && 1 / n === x ? `1 / ${n}` : null;
}

/** A field's value as a Keras user writes it: floats as floats, 2-D amounts as compactly as they are symmetric. */
export function fieldLiteral(spec: FieldSpec, v: ConfigValue): string {
  // An initializer field's general VarianceScaling is the constructor call, not a string.
  const vs = spec.type === 'enum' && typeof v === 'string' ? parseVarianceScaling(v) : null;
  const withArgs = spec.type === 'enum' && typeof v === 'string' ? parseArgInitializer(v) : null;
  if (withArgs)
    return `keras.initializers.${withArgs.cls}(${Object.entries(withArgs.args)
      .map(([k, x]) => `${k}=${pythonFloat(x)}`)
      .join(', ')})`;
  const reg = spec.type === 'enum' && typeof v === 'string' ? parseRule('regularizer', v) : null;
  const con = spec.type === 'enum' && typeof v === 'string' && !reg ? parseRule('constraint', v) : null;
  const rule = reg ?? con;
  if (rule)
    return `${ruleModule(reg ? 'regularizer' : 'constraint')}.${rule.cls}(${Object.entries(rule.args)
      .map(([k, x]) => `${k}=${Array.isArray(x) ? `[${x.join(', ')}]` : reg ? pythonFloat(x) : pythonLiteral(x)}`)
      .join(', ')})`;
  if (vs)
    return `keras.initializers.VarianceScaling(scale=${pythonFloat(vs.scale)}, mode='${vs.mode}', distribution='${vs.distribution}')`;
  if (spec.type === 'float' || spec.type === 'floats')
    return (typeof v === 'number' && reciprocalText(v)) || pythonLiteral(v, true);
  if (
    spec.type === 'pairs2d' &&
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((p) => Array.isArray(p) && p.length === 2)
  ) {
    const [[t, b], [l, r]] = v as number[][];
    if (t === b && l === r) return t === l ? String(t) : `(${t}, ${l})`;
  }
  return pythonLiteral(v);
}
