/**
 * JSON text to a value, with the line and column of the first syntax error. `JSON.parse` does the work (it is
 * fast on large weight files); only when it fails does a small scanner walk the text to find where, because V8's
 * messages don't reliably carry a position.
 */
import type { FormatError } from '../../core/problems';

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: FormatError };

/**
 * Lists and objects nested deeper than this are refused before parsing: Keras configs nest about 15 levels, and
 * every reader after JSON.parse walks values recursively, so 20,000 levels would overflow the stack.
 */
export const MAX_JSON_DEPTH = 256;

/** The offset of the bracket that nests past `max` levels, or -1; brackets inside strings don't count. */
export function tooDeepAt(text: string, max: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Skip a string: up to the next quote not escaped.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > max) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

export function parseJson(text: string): JsonParse {
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    const { line, column } = lineColumn(text, deep);
    return {
      ok: false,
      error: {
        message: `the JSON nests lists and objects more than ${MAX_JSON_DEPTH} levels deep`,
        hint: 'a Keras model nests about 15 levels; the file is damaged or is not a model',
        location: { line, column },
      },
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const { offset, expected } = locateJsonError(text);
    const { line, column } = lineColumn(text, offset);
    const found = offset >= text.length ? 'the end of the file' : describeChar(text[offset]);
    return {
      ok: false,
      error: {
        message: `not valid JSON: expected ${expected} at line ${line}, column ${column}, found ${found}`,
        hint: 'the file is damaged or is not JSON; check the place shown (a missing comma or quote is the usual cause)',
        location: { line, column },
      },
    };
  }
}

/** A character as a one-line message shows it: `'x'`, or a line break or control character by name. */
function describeChar(c: string): string {
  if (c === '\n' || c === '\r') return 'a line break';
  if (c === '\t') return 'a tab';
  const code = c.charCodeAt(0);
  if (code >= 32 && code !== 127) return `'${c}'`;
  return `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class JsonSyntax {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

/** The offset of the first character that makes the text not JSON, and what was expected there. */
export function locateJsonError(text: string): { offset: number; expected: string } {
  let i = 0;
  const fail = (expected: string): never => {
    throw new JsonSyntax(i, expected);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) fail(`'${word}'`);
  };
  const string = () => {
    if (text[i] !== '"') fail('a string');
    i++;
    for (;;) {
      if (i >= text.length) fail("a closing '\"'");
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail('a character (control characters must be escaped)');
      if (c === 92) {
        i++;
        const e = text[i];
        if (e === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('a hex digit');
          continue;
        }
        if (!e || !'"\\/bfnrt'.includes(e)) fail('an escape character');
      }
      i++;
    }
  };
  const digits = () => {
    const start = i;
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
    if (i === start) fail('a digit');
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        if (text[i] !== ':') fail("':'");
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    fail('a value');
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value();
    ws();
    if (i < text.length) fail('the end of the file');
    return { offset: text.length, expected: 'a value' };
  } catch (e) {
    if (e instanceof JsonSyntax) return { offset: e.offset, expected: e.expected };
    throw e;
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON format's text `match` from its `matchJson`: the text is a JSON object that `matchJson` accepts. */
export const matchJsonText =
  (matchJson: (value: JsonObject) => boolean) =>
  (text: string): boolean => {
    if (!/^\s*\{/.test(text)) return false;
    const parsed = parseJson(text);
    return parsed.ok && isObject(parsed.value) && matchJson(parsed.value);
  };

/** `model.nodes[3].config`: a JSON path as the errors print it. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const part = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (!base) return part;
  return /^[A-Za-z_$]/.test(part) ? `${base}.${part}` : `${base}[${part}]`;
}

/** A JSON value as a message quotes it, cut short when long. */
export function quote(v: unknown): string {
  let s: string;
  try {
    s = v === undefined ? 'nothing' : JSON.stringify(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A value a layer option can hold (number, string, boolean, null, or lists of them); JSON objects are not. */
export function isConfigValue(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  return Array.isArray(v) && v.every(isConfigValue);
}
