/**
 * Recursive-descent parser for the Python people write to build Keras models: statements and indented blocks
 * (def, for, while, if/elif/else) here, expressions in ./expressions. Each construct it refuses (classes, with,
 * try, …) is named at its keyword and its body skipped, so one refusal gives one error. Linear in the input.
 */
import type { FormatError, SourceLocation } from '../../core/problems';
import type { Expr, Module, Param, Stmt, Target } from './ast';
import { ExpressionParser, PY_KEYWORDS, STRAIGHT_LINE_HINT, SyntaxProblem, short } from './expressions';
import { MAX_ERRORS, tokenize, type Token } from './tokenizer';

export interface ParseResult {
  module: Module;
  errors: FormatError[];
}

/** Compound statements LayerCanvas does not run, named at their keyword; their bodies are skipped. */
const REFUSED_BLOCKS: Record<string, string> = {
  with: "'with' blocks",
  try: "'try' blocks",
  except: "'except' blocks",
  finally: "'finally' blocks",
  async: "'async' code",
  match: "'match' statements",
};
/** Lines that continue a compound statement (`else:` after `if …:`), skipped with it. */
const CONTINUATIONS = new Set(['elif', 'else', 'except', 'finally', 'case']);
const SIMPLE_UNSUPPORTED: Record<string, string> = {
  yield: "'yield'",
  global: "'global' declarations",
  nonlocal: "'nonlocal' declarations",
  del: "'del' statements",
};
/** Keywords that open a compound statement, whose body a failed header takes with it. */
const COMPOUND_HEADS = new Set(['if', 'elif', 'else', 'for', 'while', 'def', 'class', ...Object.keys(REFUSED_BLOCKS)]);
const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '@=', '&=', '|=', '^=', '>>=', '<<=']);

export function parse(text: string): ParseResult {
  const { tokens, errors: tokenErrors, suspectFrom } = tokenize(text);
  const parser = new Parser(text, tokens);
  const body = parser.parseModule();
  // After a bracket, string or character problem the token stream is off; the parser's complaints from there on
  // would only echo it.
  const first = [...tokenErrors.map((e) => e.location!), ...(suspectFrom ? [suspectFrom] : [])].sort(compareLoc)[0];
  const parseErrors = first ? parser.errors.filter((e) => compareLoc(e.location!, first) < 0) : parser.errors;
  return {
    module: { body },
    errors: [...parseErrors, ...tokenErrors].sort((a, b) => compareLoc(a.location!, b.location!)),
  };
}

function compareLoc(a: SourceLocation, b: SourceLocation): number {
  return a.line - b.line || a.column - b.column;
}

class Parser extends ExpressionParser {
  /** Enclosing `def`s and loops, for `return`, `break` and `continue` outside them. */
  private functions = 0;
  private loops = 0;
  /** Indentation of each open block, outermost first. */
  private readonly indents: number[] = [];

  parseModule(): Stmt[] {
    // Code pasted with every line indented alike (from a notebook cell or an article) is read as if dedented.
    return this.parseLines(this.tokens[0]?.indent ?? 0);
  }

  /** Statements on lines indented exactly `indent`, until a line indented less, which ends the block. */
  private parseLines(indent: number): Stmt[] {
    const body: Stmt[] = [];
    const top = this.indents.length === 0;
    this.indents.push(indent);
    while (this.peek().type !== 'eof' && this.errors.length < MAX_ERRORS) {
      const t = this.peek();
      if (t.type === 'newline') {
        this.pos++;
        continue;
      }
      if (t.indent !== undefined && t.indent !== indent) {
        if (t.indent < indent && !top && this.indents.includes(t.indent)) break;
        this.errors.push(this.indentProblem(t, indent, top));
        this.skipBlock(t.indent);
        continue;
      }
      const first = this.pos;
      try {
        const stmt = this.parseStatement();
        if (stmt) body.push(stmt);
      } catch (e) {
        if (!(e instanceof SyntaxProblem)) throw e;
        this.errors.push(e.error);
        // A compound statement's header failed: its body goes with it, or each line would be an echo.
        const head = this.tokens[first];
        if (head.type === 'name' && COMPOUND_HEADS.has(head.text)) {
          this.pos = first;
          this.skipBlock(head.indent ?? indent);
        } else this.skipLine();
      }
    }
    this.indents.pop();
    return body;
  }

  private indentProblem(t: Token, indent: number, top: boolean): FormatError {
    if (t.indent! > indent)
      return top
        ? {
            message: 'unexpected indentation',
            hint: 'top-level statements start at the same column: remove the extra leading spaces',
            location: t.loc,
          }
        : {
            message: 'unexpected indentation',
            hint: `indent this line like the one before it (${indent} spaces)`,
            location: t.loc,
          };
    if (top)
      return {
        message: 'this line is indented less than the first line',
        hint: 'give every top-level statement the same indentation',
        location: t.loc,
      };
    return {
      message: 'this line is indented to a level no block started at',
      hint: 'line it up with the block it belongs to',
      location: t.loc,
    };
  }

  // ---- statements ----

  private parseStatement(): Stmt | null {
    const t = this.peek();
    if (t.type === 'name') {
      switch (t.text) {
        case 'if':
          return this.parseIf();
        case 'for':
          return this.parseFor();
        case 'while':
          return this.parseWhile();
        case 'def':
          return this.parseDef();
        case 'class':
          return this.refuseBlock(t, this.describeClass());
        case 'elif':
        case 'else':
          this.fail(
            t,
            `'${t.text}' without an 'if' (or 'for'/'while') before it`,
            'line it up with its if, or remove it',
          );
          break;
        case 'return':
          return this.parseReturn(t);
        case 'raise':
          return this.parseRaise(t);
        case 'assert':
          return this.parseAssert(t);
        case 'break':
        case 'continue':
          if (!this.loops) this.fail(t, `'${t.text}' outside a loop`, 'use it inside a for or while loop');
          this.pos++;
          return this.endStatement({ kind: t.text, loc: t.loc, start: t.start, end: t.end });
        case 'pass':
          this.pos++;
          return this.endStatement({ kind: 'pass', loc: t.loc, start: t.start, end: t.end });
        case 'import':
          return this.endStatement(this.parseImport());
        case 'from':
          return this.endStatement(this.parseFrom());
      }
      if (Object.hasOwn(REFUSED_BLOCKS, t.text) && !(t.text === 'match' && !this.isMatchStatement()))
        return this.refuseBlock(t, REFUSED_BLOCKS[t.text]);
      if (Object.hasOwn(SIMPLE_UNSUPPORTED, t.text))
        this.fail(t, `${SIMPLE_UNSUPPORTED[t.text]} are not supported`, STRAIGHT_LINE_HINT);
    }
    if (this.isOp('@')) return this.refuseBlock(t, 'decorators');
    let expr = this.parseExprList();
    const targets: Target[] = [];
    while (this.isOp('=')) {
      targets.push(this.toTarget(expr));
      this.pos++;
      expr = this.parseExprList();
    }
    const next = this.peek();
    if (next.type === 'op' && AUGMENTED.has(next.text) && targets.length === 0) {
      const target = this.toTarget(expr);
      if (target.kind === 'tuple')
        this.failAt(
          target.loc,
          `'${next.text}' cannot assign to several names at once`,
          'update each name on its own line',
        );
      this.pos++;
      const value = this.parseExprList();
      return this.endStatement({
        kind: 'augassign',
        target,
        op: next.text.slice(0, -1),
        opLoc: next.loc,
        value,
        loc: t.loc,
        start: t.start,
        end: value.end,
      });
    }
    if (this.isOp(':') && targets.length === 0)
      this.fail(next, 'annotated assignments are not supported', 'drop the type annotation');
    const span = { loc: t.loc, start: t.start, end: expr.end };
    return this.endStatement(
      targets.length ? { kind: 'assign', targets, value: expr, ...span } : { kind: 'expr', value: expr, ...span },
    );
  }

  /** `match` is a keyword only at the head of a match statement; elsewhere it is a name (`match = 3`). */
  private isMatchStatement(): boolean {
    const next = this.tokens[this.pos + 1];
    return (
      next !== undefined &&
      next.type !== 'newline' &&
      !(next.type === 'op' && ['=', '.', '(', '[', ','].includes(next.text))
    );
  }

  /** The body after a header's ':': the rest of the line, or the indented lines below it. */
  private parseBlock(header: Token): Stmt[] {
    this.expectOp(':', `to end the '${header.text}' line`);
    if (this.peek().type !== 'newline' && this.peek().type !== 'eof') {
      const body: Stmt[] = [];
      do {
        const stmt = this.parseStatement();
        if (stmt) body.push(stmt);
      } while (this.peek().type !== 'newline' && this.peek().type !== 'eof');
      return body;
    }
    this.pos++;
    const first = this.peek();
    const outer = header.indent ?? this.indents[this.indents.length - 1] ?? 0;
    if (first.type === 'eof' || (first.indent ?? 0) <= outer)
      this.fail(
        first.type === 'eof' ? header : first,
        `expected an indented block after the '${header.text}' at line ${header.loc.line}`,
        "indent the lines that belong to it, or write 'pass'",
      );
    return this.parseLines(first.indent!);
  }

  /** The `else:` (or `elif`) that continues a compound statement at `header`'s indentation, if one follows. */
  private continuation(header: Token, word: string): Token | null {
    const t = this.peek();
    return t.type === 'name' && t.text === word && t.indent === header.indent ? t : null;
  }

  private parseIf(): Stmt {
    const t = this.next();
    const test = this.parseTest();
    const body = this.parseBlock(t);
    const elif = this.continuation(t, 'elif');
    let orelse: Stmt[] = [];
    if (elif) orelse = [this.parseIf()];
    else {
      const otherwise = this.continuation(t, 'else');
      if (otherwise) orelse = this.parseBlock(this.next());
    }
    return { kind: 'if', test, body, orelse, loc: t.loc, start: t.start, end: this.prev().end };
  }

  private parseFor(): Stmt {
    const t = this.next();
    const target = this.parseTargetList();
    if (!this.isName('in')) this.fail(this.peek(), "expected 'in' in the for loop", 'write: for x in items:');
    this.pos++;
    const iter = this.parseExprList();
    const { body, orelse } = this.loopBody(t);
    return { kind: 'for', target, iter, body, orelse, loc: t.loc, start: t.start, end: this.prev().end };
  }

  private parseWhile(): Stmt {
    const t = this.next();
    const test = this.parseTest();
    const { body, orelse } = this.loopBody(t);
    return { kind: 'while', test, body, orelse, loc: t.loc, start: t.start, end: this.prev().end };
  }

  private loopBody(t: Token): { body: Stmt[]; orelse: Stmt[] } {
    this.loops++;
    let body: Stmt[];
    try {
      body = this.parseBlock(t);
    } finally {
      this.loops--;
    }
    const otherwise = this.continuation(t, 'else');
    return { body, orelse: otherwise ? this.parseBlock(this.next()) : [] };
  }

  private parseDef(): Stmt {
    const t = this.next();
    const name = this.peek();
    if (name.type !== 'name' || PY_KEYWORDS.has(name.text))
      this.fail(
        name,
        `expected the function's name after 'def', got '${name.text}'`,
        'e.g. def make_model(input_shape):',
      );
    this.pos++;
    this.expectOp('(', `after the function name '${name.text}'`);
    const params: Param[] = [];
    while (!this.isOp(')')) {
      const p = this.peek();
      if (this.isOp('*') || this.isOp('**') || this.isOp('/'))
        this.fail(
          p,
          `'${p.text}' in a parameter list is not supported`,
          'list the parameters by name, with defaults where needed',
        );
      if (p.type !== 'name' || PY_KEYWORDS.has(p.text))
        this.fail(
          p,
          `expected a parameter name, got '${p.text || 'the end of the line'}'`,
          'e.g. def block(x, filters, strides=1):',
        );
      if (params.some((q) => q.name === p.text))
        this.fail(p, `duplicate parameter '${p.text}'`, 'give each parameter its own name');
      this.pos++;
      const param: Param = { name: p.text, loc: p.loc };
      // Annotations are read and ignored, as Python ignores them at run time.
      if (this.isOp(':')) {
        this.pos++;
        this.parseTest();
      }
      if (this.isOp('=')) {
        this.pos++;
        param.default = this.parseTest();
      } else if (params.some((q) => q.default))
        this.fail(
          p,
          `the parameter '${p.text}' without a default follows one with a default`,
          'give it a default too, or move it before those',
        );
      params.push(param);
      if (!this.isOp(',')) break;
      this.pos++;
    }
    this.expectOp(')', 'to close the parameter list');
    if (this.isOp('->')) {
      this.pos++;
      this.parseTest();
    }
    const outerLoops = this.loops;
    this.functions++;
    this.loops = 0;
    let body: Stmt[];
    try {
      body = this.parseBlock(t);
    } finally {
      this.functions--;
      this.loops = outerLoops;
    }
    return { kind: 'def', name: name.text, params, body, loc: t.loc, start: t.start, end: this.prev().end };
  }

  private optionalValue(): Expr | null {
    const t = this.peek();
    return t.type === 'newline' || t.type === 'eof' || this.isOp(';') ? null : this.parseExprList();
  }

  private parseReturn(t: Token): Stmt {
    if (!this.functions) this.fail(t, "'return' outside a function", "use it inside a 'def'");
    this.pos++;
    const value = this.optionalValue();
    return this.endStatement({ kind: 'return', value, loc: t.loc, start: t.start, end: value?.end ?? t.end });
  }

  private parseRaise(t: Token): Stmt {
    this.pos++;
    const value = this.optionalValue();
    if (value && this.isName('from')) {
      this.pos++;
      this.parseTest();
    }
    return this.endStatement({ kind: 'raise', value, loc: t.loc, start: t.start, end: this.prev().end });
  }

  private parseAssert(t: Token): Stmt {
    this.pos++;
    const test = this.parseTest();
    let message: Expr | null = null;
    if (this.isOp(',')) {
      this.pos++;
      message = this.parseTest();
    }
    return this.endStatement({ kind: 'assert', test, message, loc: t.loc, start: t.start, end: this.prev().end });
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
    this.fail(
      t,
      `unexpected '${t.text}' after ${short(written)}`,
      'put each statement on its own line, or join the two with an operator or a comma',
    );
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
    if (imp.type !== 'name' || imp.text !== 'import')
      this.fail(imp, `expected 'import' after 'from ${module}'`, `write: from ${module} import Name`);
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
      if (t.type !== 'name' || PY_KEYWORDS.has(t.text))
        this.fail(
          t,
          `expected a name to import, got '${t.text || 'the end of the line'}'`,
          `write: from ${module} import Name`,
        );
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
      if (t.type !== 'name' || PY_KEYWORDS.has(t.text))
        this.fail(t, `expected a module name, got '${t.text || 'the end of the line'}'`, 'e.g. import keras');
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
    if (alias.type !== 'name' || PY_KEYWORDS.has(alias.text))
      this.fail(alias, `expected a name after 'as', got '${alias.text}'`, 'e.g. import tensorflow as tf');
    this.pos++;
    return alias.text;
  }

  private describeClass(): string {
    const name = this.tokens[this.pos + 1];
    let k = this.pos + 2;
    let bases = '';
    while (
      k < this.tokens.length &&
      this.tokens[k].type !== 'newline' &&
      this.tokens[k].type !== 'eof' &&
      this.tokens[k].text !== ':'
    )
      bases += this.tokens[k++].text;
    const what = /Layer\b/.test(bases)
      ? 'custom layer subclass'
      : /Model\b/.test(bases)
        ? 'custom model subclass'
        : 'class definition';
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
}
