/** Reading what the user typed into an inspector field as a config value (Python-ish: `None`, tuples). */
import type { ConfigValue, FieldSpec } from '../../../engine/api/layers';
import { tupleText } from '../../../engine/api/layers';

export type Parsed = { ok: true; value: ConfigValue } | { ok: false; reason: string };

const NONE = /^none$/i;

function parseNumber(text: string, key: string): Parsed {
  const t = text.trim();
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t))
    return { ok: false, reason: `${key} must be a number, got '${text}'` };
  return { ok: true, value: Number(t) };
}

/** The numbers (or None) in a tuple text such as `(28, 28, 1)`, `28 28 1` or `((1, 1), (2, 2))`. */
function tupleItems(text: string): (number | null)[] | null {
  const parts = text
    .replace(/[()[\]]/g, ' ')
    .split(/[\s,]+/)
    .filter(Boolean);
  if (parts.length === 0) return null;
  const out: (number | null)[] = [];
  for (const p of parts) {
    if (NONE.test(p)) out.push(null);
    else if (/^-?\d+$/.test(p)) out.push(Number(p));
    else return null;
  }
  return out;
}

/** Parses text typed into a text-style field (int, float, shape, pairs2d). */
export function parseFieldText(key: string, spec: FieldSpec, text: string): Parsed {
  const t = text.trim();
  if ('nullable' in spec && spec.nullable && (t === '' || NONE.test(t))) return { ok: true, value: null };
  switch (spec.type) {
    case 'int':
    case 'float':
      return parseNumber(t, key);
    case 'shape': {
      const items = tupleItems(t);
      return items
        ? { ok: true, value: items }
        : { ok: false, reason: `${key} must be a tuple of sizes such as (28, 28, 1), got '${text}'` };
    }
    case 'floats': {
      const items = t
        .replace(/[()[\]]/g, ' ')
        .split(/[\s,]+/)
        .filter(Boolean);
      const numbers = items.map((p) => parseNumber(p, key));
      if (items.length === 0 || numbers.some((n) => !n.ok))
        return { ok: false, reason: `${key} must be a number or a list of numbers, got '${text}'` };
      const values = numbers.map((n) => (n as { value: number }).value);
      return { ok: true, value: values.length === 1 ? values[0] : values };
    }
    case 'pairs2d': {
      const items = tupleItems(t);
      if (!items || items.some((v) => v === null))
        return {
          ok: false,
          reason: `${key} must be an int, (height, width) or ((top, bottom), (left, right)), got '${text}'`,
        };
      const n = items as number[];
      if (n.length === 1)
        return {
          ok: true,
          value: [
            [n[0], n[0]],
            [n[0], n[0]],
          ],
        };
      if (n.length === 2)
        return {
          ok: true,
          value: [
            [n[0], n[0]],
            [n[1], n[1]],
          ],
        };
      if (n.length === 4)
        return {
          ok: true,
          value: [
            [n[0], n[1]],
            [n[2], n[3]],
          ],
        };
      return { ok: false, reason: `${key} takes 1, 2 or 4 numbers, got ${n.length}` };
    }
    default:
      return { ok: false, reason: `${key} is not a text field` };
  }
}

/** How a value is written in a text field. */
export function valueText(value: ConfigValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return tupleText(value);
  return String(value);
}

/** The Keras default as the inspector shows it: `default: (3, 3)`. */
export function defaultText(spec: FieldSpec): string {
  const d = spec.default as ConfigValue;
  if (d === null) return 'None';
  if (typeof d === 'boolean') return d ? 'True' : 'False';
  if (typeof d === 'string') return `'${d}'`;
  return Array.isArray(d) ? tupleText(d) : String(d);
}
