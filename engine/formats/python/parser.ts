/**
 * Recursive-descent parser for the straight-line Python people write to build Keras models: statements here,
 * expressions in ./expressions. Each construct it refuses (loops, functions, classes, …) is named at its keyword
 * and its body skipped, so one refusal gives one error. Linear in the input.
 */
import type { FormatError, SourceLocation } from '../../core/problems';
import type { Expr, Module, Stmt, Target } from './ast';
import { ExpressionParser, PY_KEYWORDS, STRAIGHT_LINE_HINT, SyntaxProblem, short } from './expressions';
import { MAX_ERRORS, tokenize, type Token } from './tokenizer';

export interface ParseResult {
  module: Module;
  errors: FormatError[];
}

const COMPOUND: Record<string, string> = {
  for: "'for' loops",
  while: "'while' loops",
  if: "'if' statements",
  elif: "'elif' branches",
  else: "'else' branches",
  def: "function definitions ('def')",
  with: "'with' blocks",
  try: "'try' blocks",
  except: "'except' blocks",
  finally: "'finally' blocks",
  async: "'async' code",
};
/** Lines that continue a refused compound statement (`else:` after `if …:`), skipped with it. */
const CONTINUATIONS = new Set(['elif', 'else', 'except', 'finally']);
const SIMPLE_UNSUPPORTED: Record<string, string> = {
  return: "'return' statements",
  yield: "'yield'",
  global: "'global' declarations",
  nonlocal: "'nonlocal' declarations",
  del: "'del' statements",
  assert: "'assert' statements",
  raise: "'raise' statements",
  break: "'break'",
  continue: "'continue'",
};
const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '@=', '&=', '|=', '^=', '>>=', '<<=']);

export function parse(text: string): ParseResult {
  const { tokens, errors: tokenErrors, suspectFrom } = tokenize(text);
  const parser = new Parser(text, tokens);
  const body = parser.parseModule();
  // After a bracket, string or character problem the token stream is off; the parser's complaints from there on
  // would only echo it.
  const first = [...tokenErrors.map((e) => e.location!), ...(suspectFrom ? [suspectFrom] : [])].sort(compareLoc)[0];
  const parseErrors = first ? parser.errors.filter((e) => compareLoc(e.location!, first) < 0) : parser.errors;
  return { module: { body }, errors: [...parseErrors, ...tokenErrors].sort((a, b) => compareLoc(a.location!, b.location!)) };
}

function compareLoc(a: SourceLocation, b: SourceLocation): number {
  return a.line - b.line || a.column - b.column;
}

class Parser extends ExpressionParser {
  parseModule(): Stmt[] {
    const body: Stmt[] = [];
    // Code pasted with every line indented alike (from a notebook cell or an article) is read as if dedented.
    const base = this.tokens[0]?.indent ?? 0;
    while (this.peek().type !== 'eof' && this.errors.length < MAX_ERRORS) {
      const t = this.peek();
      if (t.type === 'newline') {
        this.pos++;
        continue;
      }
      if (t.indent !== undefined && t.indent !== base) {
        this.errors.push(
          t.indent > base
            ? { message: 'unexpected indentation', hint: 'top-level statements start at the same column: remove the extra leading spaces', location: t.loc }
            : { message: 'this line is indented less than the first line', hint: 'give every top-level statement the same indentation', location: t.loc },
        );
        this.skipBlock(base);
        continue;
      }
      try {
        const stmt = this.parseStatement();
        if (stmt) body.push(stmt);
      } catch (e) {
        if (!(e instanceof SyntaxProblem)) throw e;
        this.errors.push(e.error);
        this.skipLine();
      }
    }
    return body;
  }

  // ---- statements ----

  private parseStatement(): Stmt | null {
    const t = this.peek();
    if (t.type === 'name' && Object.hasOwn(COMPOUND, t.text)) return this.refuseBlock(t, COMPOUND[t.text]);
    if (t.type === 'name' && t.text === 'class') return this.refuseBlock(t, this.describeClass());
    if (this.isOp('@')) return this.refuseBlock(t, 'decorators');
    if (t.type === 'name' && Object.hasOwn(SIMPLE_UNSUPPORTED, t.text)) this.fail(t, `${SIMPLE_UNSUPPORTED[t.text]} are not supported`, STRAIGHT_LINE_HINT);
    if (t.type === 'name' && t.text === 'import') return this.endStatement(this.parseImport());
    if (t.type === 'name' && t.text === 'from') return this.endStatement(this.parseFrom());
    if (t.type === 'name' && t.text === 'pass') {
      this.pos++;
      return this.endStatement({ kind: 'pass', loc: t.loc, start: t.start, end: t.end });
    }
    let expr = this.parseExprList();
    const targets: Target[] = [];
    while (this.isOp('=')) {
      targets.push(this.toTarget(expr));
      this.pos++;
      expr = this.parseExprList();
    }
    const next = this.peek();
    if (next.type === 'op' && AUGMENTED.has(next.text))
      this.fail(next, `augmented assignment '${next.text}' is not supported`, 'assign each value once, e.g. x = layers.Dense(8)(x)');
    if (this.isOp(':') && targets.length === 0) this.fail(next, 'annotated assignments are not supported', 'drop the type annotation');
    const span = { loc: t.loc, start: t.start, end: expr.end };
    return this.endStatement(targets.length ? { kind: 'assign', targets, value: expr, ...span } : { kind: 'expr', value: expr, ...span });
  }

  /** A statement ends at the line's end, or at ';' followed by the line's end or another statement. */
  private endStatement(stmt: Stmt): Stmt {
    if (this.isOp(';')) {
      this.pos++;
      const after = this.peek();
      if (after.type !== 'op' || after.text !== ';') return stmt;
    }
    const t = this.peek();
    if (t.type === 'newline' || t.type === 'eof') return stmt;
    const written = this.text.slice(stmt.start, stmt.end);
    this.fail(t, `unexpected '${t.text}' after ${short(written)}`, 'put each statement on its own line, or join the two with an operator or a comma');
  }

  private parseImport(): Stmt {
    const first = this.next();
    const names: { path: string; alias?: string; loc: SourceLocation }[] = [];
    do {
      if (names.length) this.pos++;
      const loc = this.peek().loc;
      const path = this.dottedName();
      const alias = this.optionalAlias();
      names.push({ path, alias, loc });
    } while (this.isOp(','));
    return { kind: 'import', names, loc: first.loc, start: first.start, end: this.prev().end };
  }

  private parseFrom(): Stmt {
    const first = this.next();
    let module = '';
    while (this.isOp('.') || this.isOp('...')) module += this.next().text;
    if (!module || this.peek().type === 'name') module += this.dottedName();
    const imp = this.peek();
    if (imp.type !== 'name' || imp.text !== 'import') this.fail(imp, `expected 'import' after 'from ${module}'`, `write: from ${module} import Name`);
    this.pos++;
    if (this.isOp('*')) {
      this.pos++;
      return { kind: 'from', module, names: '*', loc: first.loc, start: first.start, end: this.prev().end };
    }
    const paren = this.isOp('(');
    if (paren) this.pos++;
    const names: { name: string; alias?: string; loc: SourceLocation }[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type !== 'name' || PY_KEYWORDS.has(t.text)) this.fail(t, `expected a name to import, got '${t.text || 'the end of the line'}'`, `write: from ${module} import Name`);
      this.pos++;
      names.push({ name: t.text, alias: this.optionalAlias(), loc: t.loc });
      if (!this.isOp(',')) break;
      this.pos++;
      if (paren && this.isOp(')')) break;
    }
    if (paren) this.expectOp(')', 'to close the import list');
    return { kind: 'from', module, names, loc: first.loc, start: first.start, end: this.prev().end };
  }

  private dottedName(): string {
    const parts: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type !== 'name' || PY_KEYWORDS.has(t.text)) this.fail(t, `expected a module name, got '${t.text || 'the end of the line'}'`, 'e.g. import keras');
      parts.push(this.next().text);
      if (!this.isOp('.')) return parts.join('.');
      this.pos++;
    }
  }

  private optionalAlias(): string | undefined {
    const t = this.peek();
    if (t.type !== 'name' || t.text !== 'as') return undefined;
    this.pos++;
    const alias = this.peek();
    if (alias.type !== 'name' || PY_KEYWORDS.has(alias.text)) this.fail(alias, `expected a name after 'as', got '${alias.text}'`, 'e.g. import tensorflow as tf');
    this.pos++;
    return alias.text;
  }

  private describeClass(): string {
    const name = this.tokens[this.pos + 1];
    let k = this.pos + 2;
    let bases = '';
    while (k < this.tokens.length && this.tokens[k].type !== 'newline' && this.tokens[k].type !== 'eof' && this.tokens[k].text !== ':') bases += this.tokens[k++].text;
    const what = /Layer\b/.test(bases) ? 'custom layer subclass' : /Model\b/.test(bases) ? 'custom model subclass' : 'class definition';
    return `the ${what} '${name?.type === 'name' ? name.text : '?'}'`;
  }

  /** Reports a compound statement at its keyword and skips its indented body, so the body adds no echo errors. */
  private refuseBlock(t: Token, what: string): null {
    const plural = what.startsWith('the ') ? `${what} is not supported` : `${what} are not supported`;
    this.errors.push({ message: plural, hint: STRAIGHT_LINE_HINT, location: t.loc });
    this.skipBlock(t.indent ?? 0);
    return null;
  }

  private skipBlock(indent: number): void {
    for (;;) {
      this.skipLine();
      while (this.peek().type !== 'eof' && (this.peek().indent ?? 0) > indent) this.skipLine();
      const t = this.peek();
      if (!(t.type === 'name' && CONTINUATIONS.has(t.text) && t.indent === indent)) return;
    }
  }

  private skipLine(): void {
    while (this.peek().type !== 'newline' && this.peek().type !== 'eof') this.pos++;
    if (this.peek().type === 'newline') this.pos++;
  }

  private toTarget(e: Expr): Target {
    if (e.kind === 'name') return e;
    if (e.kind === 'tuple' || e.kind === 'list') return { kind: 'tuple', items: e.items.map((i) => this.toTarget(i)), loc: e.loc, start: e.start, end: e.end };
    if (e.kind === 'attribute' || e.kind === 'subscript') return { kind: 'other', expr: e, loc: e.loc, start: e.start, end: e.end };
    this.failAt(e.loc, `cannot assign to ${short(this.text.slice(e.start, e.end))}`, "the left of '=' must be a variable name");
  }
}
