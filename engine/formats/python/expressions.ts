/**
 * The expression half of the parser: precedence climbing over Python's operators, calls with positional and
 * keyword arguments, tuples, lists, dicts and subscripts. Syntax errors say what is wrong where it is: a missing
 * comma is reported at the token after the gap, naming the item it should follow. Nesting is capped so the
 * recursion stays bounded whatever the input.
 */
import type { FormatError, SourceLocation } from '../../core/problems';
import type { Arg, Expr, FormattedPart, Generator, Target } from './ast';
import { tokenize, type Token } from './tokenizer';

/** Deeper nesting than this is refused (no model needs it; it keeps the recursion bounded). */
export const MAX_DEPTH = 100;
export const STRAIGHT_LINE_HINT =
  'LayerCanvas runs plain model-building code (def, for, while, if, comprehensions); rewrite this part with those';
/** Words that cannot begin an expression, so a name like these after a value is not a missing comma. */
const NOT_EXPR_START = new Set([
  'and',
  'or',
  'in',
  'is',
  'if',
  'else',
  'for',
  'as',
  'from',
  'import',
  'elif',
  'while',
  'def',
  'class',
  'with',
  'try',
  'except',
  'finally',
  'return',
  'pass',
]);
export const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const COMPARE_OPS = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', 'is']);
const BINARY_LEVELS: string[][] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%', '@']];

/** Thrown inside the parser only, and caught at the statement it belongs to. */
export class SyntaxProblem {
  constructor(readonly error: FormatError) {}
}

export class ExpressionParser {
  readonly errors: FormatError[] = [];
  protected pos = 0;
  private depth = 0;

  constructor(
    protected readonly text: string,
    protected readonly tokens: Token[],
  ) {}

  /** `a, b` without brackets is a tuple (both as a target and as a value). */
  protected parseExprList(): Expr {
    const first = this.parseTest();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.pos++;
      if (!this.canStartExpr(this.peek())) break;
      items.push(this.parseTest());
    }
    return this.checkDepth({
      kind: 'tuple',
      items,
      loc: first.loc,
      start: first.start,
      end: items[items.length - 1].end,
    });
  }

  protected parseTest(): Expr {
    this.enter();
    const t = this.peek();
    if (t.type === 'name' && t.text === 'lambda')
      this.fail(
        t,
        'lambda functions are not supported',
        'use a layer, e.g. layers.Activation("relu"), instead of a Lambda',
      );
    let e = this.parseBinary(0);
    if (this.isName('if')) {
      this.pos++;
      const test = this.parseBinary(0);
      if (!this.isName('else'))
        this.fail(this.peek(), "expected 'else' in the conditional expression", 'write: a if condition else b');
      this.pos++;
      const orelse = this.parseTest();
      e = this.checkDepth({ kind: 'ifexp', test, body: e, orelse, loc: e.loc, start: e.start, end: orelse.end });
    }
    this.leave();
    return e;
  }

  /** The names a `for` binds: `x`, `i, x`, `(a, b)`; stops before `in`. */
  protected parseTargetList(): Target {
    const first = this.parseBinary(4);
    if (!this.isOp(',')) return this.toTarget(first);
    const items = [first];
    while (this.isOp(',')) {
      this.pos++;
      if (this.isName('in')) break;
      items.push(this.parseBinary(4));
    }
    const end = items[items.length - 1].end;
    return this.toTarget(this.checkDepth({ kind: 'tuple', items, loc: first.loc, start: first.start, end }));
  }

  protected toTarget(e: Expr): Target {
    if (e.kind === 'name') return e;
    if (e.kind === 'tuple' || e.kind === 'list')
      return { kind: 'tuple', items: e.items.map((i) => this.toTarget(i)), loc: e.loc, start: e.start, end: e.end };
    if (e.kind === 'attribute' || e.kind === 'subscript')
      return { kind: 'other', expr: e, loc: e.loc, start: e.start, end: e.end };
    this.failAt(
      e.loc,
      `cannot assign to ${short(this.text.slice(e.start, e.end))}`,
      "the left of '=' must be a variable name",
    );
  }

  /** After `elt`, at its first `for`: the clauses of a comprehension (or generator expression), not its closer. */
  private parseComprehension(elt: Expr): Extract<Expr, { kind: 'listcomp' }> {
    const generators: Generator[] = [];
    while (this.isName('for')) {
      this.pos++;
      const target = this.parseTargetList();
      if (!this.isName('in')) this.fail(this.peek(), "expected 'in' in the comprehension", 'write: [x for x in items]');
      this.pos++;
      const iter = this.parseBinary(0);
      const ifs: Expr[] = [];
      while (this.isName('if')) {
        this.pos++;
        ifs.push(this.parseBinary(0));
      }
      generators.push({ target, iter, ifs });
    }
    if (this.isName('async')) this.fail(this.peek(), "'async' comprehensions are not supported", STRAIGHT_LINE_HINT);
    return this.checkDepth({ kind: 'listcomp', elt, generators, loc: elt.loc, start: elt.start, end: this.prev().end });
  }

  /** Levels: 0 or, 1 and, 2 not, 3 comparisons, 4.. the bitwise and arithmetic tables, then unary and power. */
  private parseBinary(level: number): Expr {
    if (level === 2 && this.isName('not')) {
      const t = this.next();
      this.enter();
      const operand = this.parseBinary(2);
      this.leave();
      return this.checkDepth({ kind: 'unary', op: 'not', operand, loc: t.loc, start: t.start, end: operand.end });
    }
    if (level >= 4 + BINARY_LEVELS.length) return this.parseFactor();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const op = this.binaryOpAt(level);
      if (!op) return left;
      const right = this.parseBinary(level + 1);
      left = this.checkDepth({ kind: 'binary', op, left, right, loc: left.loc, start: left.start, end: right.end });
    }
  }

  private binaryOpAt(level: number): string | null {
    const t = this.peek();
    if (level === 0 && this.isName('or')) return this.next().text;
    if (level === 1 && this.isName('and')) return this.next().text;
    if (level === 3) {
      if ((t.type === 'op' && COMPARE_OPS.has(t.text)) || (t.type === 'name' && COMPARE_OPS.has(t.text))) {
        this.pos++;
        if (t.text === 'is' && this.isName('not')) {
          this.pos++;
          return 'is not';
        }
        return t.text;
      }
      if (this.isName('not') && this.tokens[this.pos + 1]?.text === 'in') {
        this.pos += 2;
        return 'not in';
      }
      return null;
    }
    const ops = BINARY_LEVELS[level - 4];
    if (ops && t.type === 'op' && ops.includes(t.text)) return this.next().text;
    return null;
  }

  private parseFactor(): Expr {
    const t = this.peek();
    if (t.type === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.pos++;
      this.enter();
      const operand = this.parseFactor();
      this.leave();
      return this.checkDepth({ kind: 'unary', op: t.text, operand, loc: t.loc, start: t.start, end: operand.end });
    }
    const base = this.parsePrimary();
    if (!this.isOp('**')) return base;
    this.pos++;
    this.enter();
    const exponent = this.parseFactor();
    this.leave();
    return this.checkDepth({
      kind: 'binary',
      op: '**',
      left: base,
      right: exponent,
      loc: base.loc,
      start: base.start,
      end: exponent.end,
    });
  }

  private parsePrimary(): Expr {
    let e = this.parseAtom();
    for (;;) {
      if (this.isOp('.')) {
        this.pos++;
        const name = this.peek();
        if (name.type !== 'name')
          this.fail(
            name,
            `expected a name after '.', got '${name.text || 'the end of the line'}'`,
            'e.g. layers.Dense',
          );
        if (PY_KEYWORDS.has(name.text))
          this.fail(
            name,
            `'${name.text}' is a Python keyword and cannot follow '.'`,
            'remove the dot, or use another name',
          );
        this.pos++;
        e = this.checkDepth({
          kind: 'attribute',
          value: e,
          attr: name.text,
          attrLoc: name.loc,
          loc: e.loc,
          start: e.start,
          end: name.end,
        });
      } else if (this.isOp('(')) {
        e = this.checkDepth(this.parseCall(e));
      } else if (this.isOp('[')) {
        this.pos++;
        const index = this.parseSubscript();
        const close = this.expectOp(']', 'to close the subscript');
        e = this.checkDepth({ kind: 'subscript', value: e, index, loc: e.loc, start: e.start, end: close.end });
      } else return e;
    }
  }

  private parseSubscript(): Expr {
    const items: Expr[] = [];
    const first = this.peek();
    if (this.isOp(']'))
      this.fail(
        this.peek(),
        'an empty subscript [] is not valid Python',
        'put an index or a slice inside the brackets',
      );
    do {
      if (items.length) this.pos++;
      if (this.isOp(']')) break;
      items.push(this.parseSliceItem());
    } while (this.isOp(','));
    if (items.length === 1) return items[0];
    return this.checkDepth({ kind: 'tuple', items, loc: first.loc, start: first.start, end: this.prev().end });
  }

  private parseSliceItem(): Expr {
    const t = this.peek();
    const parts: (Expr | null)[] = [];
    let current: Expr | null = this.isOp(':') ? null : this.parseTest();
    if (!this.isOp(':')) return current as Expr;
    while (this.isOp(':')) {
      parts.push(current);
      this.pos++;
      current = this.isOp(':') || this.isOp(']') || this.isOp(',') ? null : this.parseTest();
    }
    parts.push(current);
    return this.checkDepth({ kind: 'slice', parts, loc: t.loc, start: t.start, end: this.prev().end });
  }

  private parseCall(func: Expr): Expr {
    this.pos++;
    const args: Arg[] = [];
    let sawKeyword = false;
    const seen = new Set<string>();
    while (!this.isOp(')')) {
      const t = this.peek();
      if (this.isOp('*') || this.isOp('**'))
        this.fail(t, `argument unpacking '${t.text}' is not supported`, 'write the arguments out');
      let arg: Arg;
      if (t.type === 'name' && this.tokens[this.pos + 1]?.text === '=' && this.tokens[this.pos + 1].type === 'op') {
        if (PY_KEYWORDS.has(t.text))
          this.fail(
            t,
            `'${t.text}' is a Python keyword and cannot name an argument`,
            'use the argument name Keras documents',
          );
        this.pos += 2;
        if (seen.has(t.text)) this.fail(t, `keyword argument '${t.text}' is given twice`, 'keep one of them');
        seen.add(t.text);
        const value = this.parseTest();
        arg = { keyword: t.text, keywordLoc: t.loc, value, loc: t.loc, start: t.start, end: value.end };
        sawKeyword = true;
      } else {
        let value = this.parseTest();
        if (this.isName('for')) {
          if (args.length)
            this.fail(
              this.peek(),
              'a generator expression must be the only argument, or in parentheses',
              'write f((x for x in items))',
            );
          value = this.parseComprehension(value);
        }
        if (sawKeyword)
          this.failAt(
            value.loc,
            'a positional argument cannot follow keyword arguments',
            'move it before the keyword arguments, or give its keyword',
          );
        arg = { value, loc: value.loc, start: value.start, end: value.end };
      }
      args.push(arg);
      if (this.isOp(',')) {
        this.pos++;
        continue;
      }
      if (this.isOp(')')) break;
      this.missingSeparator(arg, 'arguments', ')');
    }
    const close = this.next();
    return { kind: 'call', func, args, closeLoc: close.loc, loc: func.loc, start: func.start, end: close.end };
  }

  private parseAtom(): Expr {
    const t = this.peek();
    if (t.type === 'number') {
      this.pos++;
      return { kind: 'number', ...parseNumber(t.value ?? t.text), loc: t.loc, start: t.start, end: t.end };
    }
    if (t.type === 'string') {
      const parts: (string | FormattedPart)[] = [];
      let formatted = false;
      let last = t;
      while (this.peek().type === 'string') {
        last = this.next();
        if ((last.prefix ?? '').includes('f')) {
          formatted = true;
          parts.push(...this.fstringParts(last));
        } else parts.push(last.value ?? '');
      }
      const span = { loc: t.loc, start: t.start, end: last.end };
      if (!formatted) return { kind: 'string', value: parts.join(''), ...span };
      const merged: (string | FormattedPart)[] = [];
      for (const p of parts) {
        if (typeof p === 'string' && typeof merged[merged.length - 1] === 'string') merged[merged.length - 1] += p;
        else if (p !== '') merged.push(p);
      }
      return { kind: 'fstring', parts: merged, ...span };
    }
    if (t.type === 'name') {
      if (t.text === 'True' || t.text === 'False' || t.text === 'None') {
        this.pos++;
        return {
          kind: 'constant',
          value: t.text === 'None' ? null : t.text === 'True',
          loc: t.loc,
          start: t.start,
          end: t.end,
        };
      }
      if (t.text === 'lambda') this.fail(t, 'lambda functions are not supported', 'use a layer instead of a Lambda');
      if (t.text === 'yield' || t.text === 'await') this.fail(t, `'${t.text}' is not supported`, STRAIGHT_LINE_HINT);
      if (NOT_EXPR_START.has(t.text) || PY_KEYWORDS.has(t.text))
        this.fail(t, `unexpected '${t.text}'`, 'a value is expected here');
      this.pos++;
      return { kind: 'name', id: t.text, loc: t.loc, start: t.start, end: t.end };
    }
    if (this.isOp('...')) {
      this.pos++;
      return { kind: 'ellipsis', loc: t.loc, start: t.start, end: t.end };
    }
    if (this.isOp('(') || this.isOp('[')) return this.parseSequence();
    if (this.isOp('{')) return this.parseDict();
    if (t.type === 'eof' || t.type === 'newline')
      this.fail(t, 'the code ends where a value is expected', 'complete the expression');
    this.fail(t, `unexpected '${t.text}'`, 'a value is expected here');
  }

  private parseSequence(): Expr {
    const open = this.next();
    const isList = open.text === '[';
    const close = isList ? ']' : ')';
    const what = isList ? 'list items' : 'tuple items';
    const items: Expr[] = [];
    let trailingComma = false;
    while (!this.isOp(close)) {
      const t = this.peek();
      if (this.isOp('*')) this.fail(t, "unpacking with '*' is not supported", 'write the items out');
      const item = this.parseTest();
      if (this.isName('for') && items.length === 0) {
        const comp = this.parseComprehension(item);
        const end = this.expectOp(close, 'to close the comprehension');
        return { ...comp, loc: open.loc, start: open.start, end: end.end };
      }
      items.push(item);
      trailingComma = false;
      if (this.isOp(',')) {
        this.pos++;
        trailingComma = true;
        continue;
      }
      if (this.isOp(close)) break;
      this.missingSeparator(item, what, close);
    }
    const end = this.next();
    const span = { loc: open.loc, start: open.start, end: end.end };
    if (!isList && items.length === 1 && !trailingComma) return items[0];
    return this.checkDepth({ kind: isList ? 'list' : 'tuple', items, ...span });
  }

  private parseDict(): Expr {
    const open = this.next();
    const entries: [Expr, Expr][] = [];
    while (!this.isOp('}')) {
      const key = this.parseTest();
      if (this.isName('for'))
        this.fail(
          this.peek(),
          'set and dict comprehensions are not supported',
          'use a list comprehension: [x for x in items]',
        );
      if (!this.isOp(':')) this.fail(this.peek(), 'sets are not supported', 'use a tuple (a, b) or a list [a, b]');
      this.pos++;
      const value = this.parseTest();
      if (this.isName('for'))
        this.fail(
          this.peek(),
          'set and dict comprehensions are not supported',
          'use a list comprehension: [x for x in items]',
        );
      entries.push([key, value]);
      if (this.isOp(',')) {
        this.pos++;
        continue;
      }
      if (this.isOp('}')) break;
      this.missingSeparator(value, 'dictionary entries', '}');
    }
    const end = this.next();
    return this.checkDepth({ kind: 'dict', entries, loc: open.loc, start: open.start, end: end.end });
  }

  /** The literal text and `{expression!conversion:spec}` fields of one f-string token, in order. */
  private fstringParts(tok: Token): (string | FormattedPart)[] {
    const v = tok.value ?? '';
    const parts: (string | FormattedPart)[] = [];
    let literal = '';
    let searchFrom = 0;
    for (let i = 0; i < v.length; ) {
      const c = v[i];
      if ((c === '{' || c === '}') && v[i + 1] === c) {
        literal += c;
        i += 2;
        continue;
      }
      if (c === '}') this.fail(tok, "a single '}' is not allowed in an f-string", "write '}}' for a literal brace");
      if (c !== '{') {
        literal += c;
        i++;
        continue;
      }
      const field = scanField(v, i);
      if (!field)
        this.fail(
          tok,
          "a '{' in this f-string is never closed",
          "close it with '}', or write '{{' for a literal brace",
        );
      const { exprEnd, conversion, spec, end } = field;
      const source = v.slice(i + 1, exprEnd);
      if (!source.trim())
        this.fail(tok, 'an f-string has an empty {}', 'put a name or an expression inside the braces');
      if (conversion !== undefined && !['r', 's', 'a'].includes(conversion))
        this.fail(tok, `f-string conversion '!${conversion}' is not valid`, 'use !r, !s or !a');
      if (spec?.includes('{'))
        this.fail(
          tok,
          'nested fields in an f-string format spec are not supported',
          'write the format spec out, e.g. {x:03d}',
        );
      if (literal) parts.push(literal);
      literal = '';
      const offset = Math.max(0, tok.text.indexOf(source, searchFrom));
      searchFrom = offset + source.length;
      const part: FormattedPart = { expr: this.subExpression(source, tok, offset) };
      if (conversion) part.conversion = conversion as 'r' | 's' | 'a';
      if (spec !== undefined) part.spec = spec;
      parts.push(part);
      i = end + 1;
    }
    if (literal) parts.push(literal);
    return parts;
  }

  /** Parses `source`, found `offset` characters into `tok`'s text, with locations in the whole file. */
  private subExpression(source: string, tok: Token, offset: number): Expr {
    const before = tok.text.slice(0, offset);
    const lines = before.split('\n');
    const line = tok.loc.line + lines.length - 1;
    const column = lines.length === 1 ? tok.loc.column + offset : lines[lines.length - 1].length + 1;
    const { tokens, errors } = tokenize(source);
    const at = (l: number, c: number) => ({ line: line + l - 1, column: l === 1 ? column + c - 1 : c });
    if (errors.length)
      this.failAt(at(errors[0].location!.line, errors[0].location!.column), errors[0].message, errors[0].hint ?? '');
    const base = tok.start + offset;
    const shifted = tokens.map((t) => ({
      ...t,
      loc: at(t.loc.line, t.loc.column),
      start: t.start + base,
      end: t.end + base,
    }));
    const sub = new ExpressionParser(this.text, shifted);
    const e = sub.parseExprList();
    const rest = sub.peek();
    if (rest.type !== 'newline' && rest.type !== 'eof')
      this.fail(rest, `unexpected '${rest.text}' in an f-string field`, 'one expression per {}');
    return e;
  }

  /** After an item, neither ',' nor the closer: a missing comma if the next token could start a value. */
  private missingSeparator(after: { start: number; end: number }, what: string, close: string): never {
    const t = this.peek();
    const written = short(this.text.slice(after.start, after.end));
    if (this.canStartExpr(t)) this.fail(t, `missing comma between ${what}`, `add ',' after ${written}`);
    if (t.type === 'op' && t.text === '=')
      this.fail(
        t,
        `unexpected '=' after ${written}`,
        "a keyword argument is written name=value with a plain name on the left; use '==' to compare",
      );
    this.fail(t, `unexpected '${t.text || 'end of line'}' after ${written}`, `expected ',' or '${close}'`);
  }

  private canStartExpr(t: Token): boolean {
    if (t.type === 'name') return !NOT_EXPR_START.has(t.text);
    if (t.type === 'number' || t.type === 'string') return true;
    return t.type === 'op' && ['(', '[', '{', '~', '...'].includes(t.text);
  }

  private checkDepth<E extends Expr>(e: E): E {
    const d = depthOf(e);
    if (d > MAX_DEPTH)
      this.failAt(
        e.loc,
        `this expression is nested more than ${MAX_DEPTH} levels deep`,
        'split it into several statements',
      );
    depths.set(e, d);
    return e;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      const t = this.peek();
      this.depth = 0;
      this.fail(t, `the code is nested more than ${MAX_DEPTH} levels deep here`, 'split it into several statements');
    }
  }

  private leave(): void {
    this.depth--;
  }

  // ---- tokens ----

  protected peek(): Token {
    return this.tokens[Math.min(this.pos, this.tokens.length - 1)];
  }
  protected prev(): Token {
    return this.tokens[Math.max(0, this.pos - 1)];
  }
  protected next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
  protected isOp(text: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === text;
  }
  protected isName(text: string): boolean {
    const t = this.peek();
    return t.type === 'name' && t.text === text;
  }
  protected expectOp(text: string, why: string): Token {
    if (this.isOp(text)) return this.next();
    const t = this.peek();
    this.fail(t, `expected '${text}' ${why}, got '${t.text || 'the end of the line'}'`, `add '${text}'`);
  }
  protected fail(t: Token, message: string, hint: string): never {
    this.depth = 0;
    throw new SyntaxProblem({ message, hint, location: t.loc });
  }
  protected failAt(loc: SourceLocation, message: string, hint: string): never {
    this.depth = 0;
    throw new SyntaxProblem({ message, hint, location: loc });
  }
}

/** The `{…}` field opening at `open`: where its expression ends, its conversion and spec, and its closing brace. */
function scanField(
  v: string,
  open: number,
): { exprEnd: number; conversion?: string; spec?: string; end: number } | null {
  let depth = 0;
  let quote = '';
  let bang = -1;
  let colon = -1;
  for (let j = open + 1; j < v.length; j++) {
    const ch = v[j];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === '}') {
      if (depth === 0) {
        const exprEnd = bang >= 0 ? bang : colon >= 0 ? colon : j;
        const field: { exprEnd: number; conversion?: string; spec?: string; end: number } = { exprEnd, end: j };
        if (bang >= 0) field.conversion = v.slice(bang + 1, colon >= 0 ? colon : j);
        if (colon >= 0) field.spec = v.slice(colon + 1, j);
        return field;
      }
      depth--;
    } else if (depth === 0 && colon < 0 && ch === '!' && v[j + 1] !== '=' && bang < 0) bang = j;
    else if (depth === 0 && colon < 0 && ch === ':') colon = j;
  }
  return null;
}

/** Nesting depth of built nodes, so chains built in loops (a.b.c…, x+1+1…) are bounded like recursion is. */
const depths = new WeakMap<Expr, number>();
function depthOf(e: Expr): number {
  const children: Expr[] =
    e.kind === 'binary'
      ? [e.left, e.right]
      : e.kind === 'unary'
        ? [e.operand]
        : e.kind === 'slice'
          ? (e.parts.filter(Boolean) as Expr[])
          : e.kind === 'attribute' || e.kind === 'subscript'
            ? [e.value]
            : e.kind === 'call'
              ? [e.func, ...e.args.map((a) => a.value)]
              : e.kind === 'tuple' || e.kind === 'list'
                ? e.items
                : e.kind === 'dict'
                  ? e.entries.flat()
                  : e.kind === 'ifexp'
                    ? [e.test, e.body, e.orelse]
                    : e.kind === 'listcomp'
                      ? [e.elt, ...e.generators.flatMap((g) => [g.iter, ...g.ifs])]
                      : e.kind === 'fstring'
                        ? e.parts.flatMap((p) => (typeof p === 'string' ? [] : [p.expr]))
                        : [];
  let d = 0;
  for (const c of children) d = Math.max(d, depths.get(c) ?? 1);
  return d + 1;
}

function parseNumber(raw: string): { value: number; isInt: boolean } {
  if (/^0[xX]/.test(raw)) return { value: parseInt(raw.slice(2), 16), isInt: true };
  if (/^0[oO]/.test(raw)) return { value: parseInt(raw.slice(2), 8), isInt: true };
  if (/^0[bB]/.test(raw)) return { value: parseInt(raw.slice(2), 2), isInt: true };
  const isInt = /^[0-9]+$/.test(raw);
  return { value: Number(raw), isInt };
}

export function short(written: string, max = 40): string {
  const one = written
    .slice(0, max * 4)
    .replace(/\s+/g, ' ')
    .trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
