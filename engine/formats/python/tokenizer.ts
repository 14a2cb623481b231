/**
 * Python tokens for the model-building subset: names, numbers, strings, operators and logical line ends, with
 * 1-based line/column positions. One pass over the text, never throws; problems come back as located errors.
 */
import type { FormatError, SourceLocation } from '../../core/problems';

/** Past this many errors reading stops: nobody fixes more at once, and hints cost time. */
export const MAX_ERRORS = 100;

export type TokenType = 'name' | 'number' | 'string' | 'op' | 'newline' | 'eof';

export interface Token {
  type: TokenType;
  /** The source text (for strings: the literal as written, quotes included). */
  text: string;
  /** Strings: the decoded value; numbers: the value as text without underscores. */
  value?: string;
  /** String prefix letters in lower case (`f`, `r`, `b`, …), for refusing f-strings where a value is needed. */
  prefix?: string;
  loc: SourceLocation;
  start: number;
  end: number;
  /** First token of a logical line: its indentation in columns. */
  indent?: number;
}

export interface TokenizeResult {
  tokens: Token[];
  errors: FormatError[];
  /**
   * Where the token stream stops being trustworthy: the opener of the first bracket problem, or the start of an
   * unterminated string. Parser complaints from there on would only echo that problem.
   */
  suspectFrom?: SourceLocation;
}

const OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '@=',
  '&=',
  '|=',
  '^=',
  ':=',
  '->',
  '<<',
  '>>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
  '&',
  '|',
  '^',
  '~',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  ';',
  '=',
];
/** Operators by first character, longest first, so matching one costs a few comparisons. */
const OPERATORS_BY_CHAR = new Map<string, string[]>();
for (const op of OPERATORS) OPERATORS_BY_CHAR.set(op[0], [...(OPERATORS_BY_CHAR.get(op[0]) ?? []), op]);
const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
// Python's identifier classes (XID_Start / XID_Continue), near enough: letters and letter numbers start a name;
// digits, combining marks and connectors may follow.
const NAME_START_UNICODE = /[\p{L}\p{Nl}]/u;
const NAME_PART_UNICODE = /[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}]/u;
const STRING_PREFIX = new Set([...'rRbBuUfF']);

function isNameStart(c: string): boolean {
  const k = c.charCodeAt(0);
  return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || k === 95 || (k > 127 && NAME_START_UNICODE.test(c));
}
function isNamePart(c: string): boolean {
  const k = c.charCodeAt(0);
  return (
    (k >= 97 && k <= 122) ||
    (k >= 65 && k <= 90) ||
    (k >= 48 && k <= 57) ||
    k === 95 ||
    (k > 127 && NAME_PART_UNICODE.test(c))
  );
}
function isDigit(c: string | undefined): boolean {
  const k = c === undefined ? -1 : c.charCodeAt(0);
  return k >= 48 && k <= 57;
}
const SMART_QUOTES: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201C': '"', '\u201D': '"' };

export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  const errors: FormatError[] = [];
  // A file of stray characters would otherwise make one error per character.
  const report = (e: FormatError) => {
    if (errors.length < MAX_ERRORS) errors.push(e);
  };
  const brackets: Token[] = [];
  // Only the first bracket or string problem is reported: later ones are almost always its echoes.
  let structural: { error: FormatError; from: SourceLocation } | null = null;
  const structuralError = (error: FormatError, from: SourceLocation) => {
    structural ??= { error, from };
  };
  // A byte-order mark is an encoding artifact, not code.
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  let atLineStart = true;
  const locAt = (offset: number): SourceLocation => ({ line, column: offset - lineStart + 1 });
  const push = (type: TokenType, start: number, end: number, value?: string): Token => {
    const tok: Token = { type, text: text.slice(start, end), loc: locAt(start), start, end };
    if (value !== undefined) tok.value = value;
    if (atLineStart && type !== 'newline' && type !== 'eof') {
      tok.indent = start - lineStart;
      atLineStart = false;
    }
    tokens.push(tok);
    return tok;
  };
  const newline = (offset: number) => {
    const last = tokens[tokens.length - 1];
    if (brackets.length === 0 && last && last.type !== 'newline') push('newline', offset, offset);
    if (brackets.length === 0) atLineStart = true;
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      newline(i);
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n' || next === '\r') {
        const at = locAt(i);
        i += next === '\r' && text[i + 2] === '\n' ? 3 : 2;
        line++;
        lineStart = i;
        if (i >= text.length)
          report({
            message: 'the code ends right after a line continuation \\',
            hint: 'remove the backslash, or continue the statement on the next line',
            location: at,
          });
        continue;
      }
      report({
        message: 'unexpected character after the line continuation \\',
        hint: 'a backslash must be the last character of its line',
        location: locAt(i),
      });
      i++;
      continue;
    }
    const stringEnd = c === '"' || c === "'" || STRING_PREFIX.has(c) ? scanString(text, i) : null;
    if (stringEnd) {
      const start = i;
      const startLoc = locAt(i);
      if (stringEnd.error) {
        structuralError(
          { message: 'this string is never closed', hint: `add the closing ${stringEnd.quote}`, location: startLoc },
          startLoc,
        );
      }
      // Triple-quoted strings may span lines: keep line numbers right.
      for (let k = start; k < stringEnd.end; k++) {
        if (text[k] === '\n' || (text[k] === '\r' && text[k + 1] !== '\n')) {
          line++;
          lineStart = k + 1;
        }
      }
      const tok: Token = {
        type: 'string',
        text: text.slice(start, stringEnd.end),
        value: stringEnd.value,
        prefix: stringEnd.prefix,
        loc: startLoc,
        start,
        end: stringEnd.end,
      };
      if (atLineStart) {
        tok.indent = startLoc.column - 1;
        atLineStart = false;
      }
      tokens.push(tok);
      i = stringEnd.end;
      continue;
    }
    if (isNameStart(c)) {
      let j = i + 1;
      while (j < text.length && isNamePart(text[j])) j++;
      push('name', i, j);
      i = j;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      const end = scanNumber(text, i);
      const raw = text.slice(i, end);
      const problem = numberProblem(raw, text[end]);
      if (problem) report({ ...problem, location: locAt(i) });
      push('number', i, end, raw.replace(/_/g, ''));
      i = end;
      continue;
    }
    const op = OPERATORS_BY_CHAR.get(c)?.find((o) => o.length === 1 || text.startsWith(o, i));
    if (op) {
      const tok = push('op', i, i + op.length);
      if (op in CLOSER) brackets.push(tok);
      else if (op === ')' || op === ']' || op === '}') {
        const bad = closeBracket(tok, brackets);
        if (bad) structuralError(bad.error, bad.from);
      }
      i += op.length;
      continue;
    }
    const code = c.codePointAt(0) ?? 0;
    const char = String.fromCodePoint(code);
    const smart = SMART_QUOTES[char];
    report({
      message: `invalid character '${char}' (U+${code.toString(16).toUpperCase().padStart(4, '0')})`,
      hint: smart
        ? `use a straight quote ${smart} instead (text copied from a web page often has curly quotes)`
        : 'remove it',
      location: locAt(i),
    });
    i += char.length;
  }
  // The innermost unclosed bracket is the one most likely forgotten; the outer ones are named in the hint.
  const innermost = brackets[brackets.length - 1];
  if (innermost) {
    const outer = brackets
      .slice(-4, -1)
      .reverse()
      .map((b) => `'${CLOSER[b.text]}' for the '${b.text}' at line ${b.loc.line}, column ${b.loc.column}`);
    const more = brackets.length > 4 ? `, and ${brackets.length - 4} more` : '';
    structuralError(
      {
        message: `'${innermost.text}' is never closed`,
        hint: `add the matching '${CLOSER[innermost.text]}'${outer.length ? ` (then ${outer.join(', ')}${more})` : ''}`,
        location: innermost.loc,
      },
      brackets[0].loc,
    );
  }
  const found = structural as { error: FormatError; from: SourceLocation } | null;
  if (found) errors.push(found.error);
  brackets.length = 0;
  newline(text.length);
  push('eof', text.length, text.length);
  return { tokens, errors, suspectFrom: found?.from };
}

/** Pops the bracket a closer closes; a closer that closes nothing open, or the wrong one, is the error returned. */
function closeBracket(tok: Token, brackets: Token[]): { error: FormatError; from: SourceLocation } | null {
  const top = brackets[brackets.length - 1];
  if (top && CLOSER[top.text] === tok.text) {
    brackets.pop();
    return null;
  }
  if (!top)
    return {
      error: {
        message: `unmatched '${tok.text}'`,
        hint: 'remove it, or add the opening bracket it closes',
        location: tok.loc,
      },
      from: tok.loc,
    };
  const error = {
    message: `'${tok.text}' does not match the '${top.text}' opened at line ${top.loc.line}, column ${top.loc.column}`,
    hint: `close that '${top.text}' with '${CLOSER[top.text]}' first, or remove this '${tok.text}' if it is one too many`,
    location: tok.loc,
  };
  // Recover as Python readers do: if an outer bracket matches, the inner ones were left open.
  const k = brackets.map((b) => CLOSER[b.text]).lastIndexOf(tok.text);
  if (k >= 0) brackets.length = k;
  return { error, from: top.loc };
}

interface ScannedString {
  end: number;
  value: string;
  prefix: string;
  quote: string;
  error?: boolean;
}

/** A string literal starting at i (with an optional r/b/u/f prefix), or null if there is none. */
function scanString(text: string, i: number): ScannedString | null {
  const m = /^([rRbBuUfF]{0,2})(['"])/.exec(text.slice(i, i + 3));
  if (!m) return null;
  const prefix = m[1].toLowerCase();
  if (prefix && !['r', 'b', 'u', 'f', 'rb', 'br', 'fr', 'rf'].includes(prefix)) return null;
  const q = m[2];
  let j = i + m[0].length;
  const triple = text.startsWith(q + q, j);
  const quote = triple ? q.repeat(3) : q;
  if (triple) j += 2;
  const raw = prefix.includes('r');
  let value = '';
  while (j < text.length) {
    const c = text[j];
    if (text.startsWith(quote, j)) return { end: j + quote.length, value, prefix, quote };
    if (!triple && (c === '\n' || c === '\r')) break;
    if (c === '\\' && j + 1 < text.length) {
      const n = text[j + 1];
      if (raw) value += c + n;
      else if (n === '\n') value += '';
      else value += ESCAPES[n] ?? c + n;
      j += 2;
      continue;
    }
    value += c;
    j++;
  }
  return { end: j, value, prefix, quote, error: true };
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/** What Python's tokenizer refuses in a number literal it has scanned. */
function numberProblem(raw: string, next: string | undefined): { message: string; hint: string } | null {
  if (/[jJ]$/.test(raw)) return { message: `complex number ${raw} is not supported`, hint: 'use a real number' };
  if (next !== undefined && /[A-Za-z_]/.test(next))
    return {
      message: `invalid number '${raw}${next}'`,
      hint: 'put a space or an operator between a number and a name',
    };
  if (/__|_$|_\.|\._|_[eE]|[eE][+-]?_/.test(raw))
    return { message: `invalid number '${raw}'`, hint: 'an underscore may only sit between two digits, e.g. 1_000' };
  const digits = raw.replace(/_/g, '');
  if (/^[0-9]+$/.test(digits) && /^0+[1-9]/.test(digits))
    return {
      message: `leading zeros are not allowed in the integer ${raw}`,
      hint: `write ${digits.replace(/^0+/, '')} (or 0o${digits.replace(/^0+/, '')} for an octal number)`,
    };
  return null;
}

function scanNumber(text: string, i: number): number {
  const rest = text.slice(i, i + 64);
  const m =
    /^0[xX][0-9a-fA-F_]+|^0[oO][0-7_]+|^0[bB][01_]+/.exec(rest) ??
    /^(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9_]+)?[jJ]?/.exec(rest);
  if (!m) return i + 1;
  // A number longer than the window is still one token: swallow its remaining digits.
  let end = i + m[0].length;
  while (end < text.length && (isDigit(text[end]) || text[end] === '_')) end++;
  return end;
}
