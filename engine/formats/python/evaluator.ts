/**
 * The statement and expression half of the interpreter: names and scopes, imports, assignments, `def` and calls
 * of the functions it defines, `for`/`while`/`if`, comprehensions, f-strings and operators. What calls of Keras do
 * (make layers, wire tensors, build models) is the subclass's business.
 *
 * Python stops at the first exception; this interpreter reports several independent errors in straight-line code,
 * but inside a loop or a function call the first error ends the whole top-level statement, so a mistake in a loop
 * body is reported once, not once per turn. Steps, sizes, layers and call depth are bounded (budget.ts).
 */
import type { FormatError, SourceLocation } from '../../core/problems';
import { isRegularizerOrConstraint } from '../../layers/keras-args';
import { ruleClass, ruleText, weightRule } from '../../core/weight-rules';
import type { ConfigValue } from '../../layers/types';
import type { Arg, Expr, Stmt, Target } from './ast';
import { Budget, MAX_CALL_DEPTH } from './budget';
import { callBuiltin, isBuiltin, iterate, listMethod, listOf, MAX_LENGTH, stringMethod, truth } from './builtins';
import { short } from './expressions';
import { formatSpec, pyRepr, pyStr } from './format';
import { binaryOp, compare, subscript, unaryOp } from './operators';
import { BUILTINS, importHint, resolvePath, starExports } from './resolve';
import { similar } from './suggest';
import { MAX_ERRORS } from './tokenizer';
import {
  ERROR,
  Scope,
  constValue,
  describeValue,
  rangeLength,
  type FunctionDef,
  type PendingLayer,
  type Value,
} from './values';

export interface Evaluated {
  arg: Arg;
  value: Value;
}

/** How a statement ends: normally (undefined), by break/continue, by return, or by an error that unwinds. */
type Flow = undefined | 'break' | 'continue' | 'abort' | { returned: Value };

export abstract class Evaluator {
  readonly errors: FormatError[] = [];
  readonly warnings: FormatError[] = [];
  private readonly globals = new Scope(null);
  private scope = this.globals;
  protected readonly stars: string[] = [];

  constructor(private readonly text: string) {}

  /** Work, size and step limits for the whole program (budget.ts); the first overrun ends the run. */
  protected readonly budget = new Budget();
  private overrunReported = false;
  /** Loops, comprehensions and calls being run: inside them the first error unwinds (see the file comment). */
  private nested = 0;
  private callDepth = 0;
  /** Errors before the current top-level statement. */
  private mark = 0;

  run(body: Stmt[]): void {
    for (const stmt of body) {
      if (this.errors.length >= MAX_ERRORS || this.budget.overrun) return;
      this.mark = this.errors.length;
      try {
        this.exec(stmt);
      } catch (e) {
        // Deep recursion is stopped at MAX_CALL_DEPTH; this is the last guard, should the stack still run out.
        if (!(e instanceof RangeError)) throw e;
        this.nested = 0;
        this.callDepth = 0;
        this.scope = this.globals;
        this.error(
          stmt.loc,
          'this statement nests calls and expressions too deeply to run',
          'split it into simpler steps',
        );
      }
    }
  }

  /** The layer a tensor comes from. */
  abstract layer(id: string): PendingLayer | undefined;

  protected abstract call(e: Extract<Expr, { kind: 'call' }>): Value;
  /** `x.shape`: the tensor's shape as Keras knows it while the code runs, `(None, 16, 16, 8)`; or the error why not. */
  protected abstract tensorShape(v: Extract<Value, { kind: 'tensor' }>, e: Expr): Value;

  protected error(location: SourceLocation, message: string, hint: string): Value {
    this.errors.push({ message, hint, location });
    return ERROR;
  }

  private readonly report = (loc: SourceLocation, message: string, hint: string): Value => {
    if (this.budget.overrun) return this.overrunAt(loc);
    return this.error(loc, message, hint);
  };

  private refuse(loc: SourceLocation, why: { message: string; hint: string }): Value {
    return this.budget.overrun ? this.overrunAt(loc) : this.error(loc, why.message, why.hint);
  }

  protected source(e: { start: number; end: number }): string {
    return short(this.text.slice(e.start, e.end));
  }

  /** Inside a loop or call, after an error: stop, as Python's exception would. */
  private unwinding(): boolean {
    return (
      (this.nested > 0 && this.errors.length > this.mark) ||
      this.errors.length >= MAX_ERRORS ||
      this.budget.overrun !== null
    );
  }

  // ---- statements ----

  private execBlock(body: Stmt[]): Flow {
    for (const stmt of body) {
      if (this.unwinding()) return 'abort';
      const flow = this.exec(stmt);
      if (flow) return flow;
    }
    return this.unwinding() ? 'abort' : undefined;
  }

  private exec(stmt: Stmt): Flow {
    switch (stmt.kind) {
      case 'import':
        for (const n of stmt.names) {
          if (n.alias) this.scope.vars.set(n.alias, { kind: 'module', path: n.path });
          else this.scope.vars.set(n.path.split('.')[0], { kind: 'module', path: n.path.split('.')[0] });
        }
        return;
      case 'from':
        if (stmt.names === '*') this.stars.push(stmt.module);
        else
          for (const n of stmt.names)
            this.scope.vars.set(n.alias ?? n.name, { kind: 'module', path: `${stmt.module}.${n.name}` });
        return;
      case 'assign': {
        const value = this.eval(stmt.value);
        for (const t of stmt.targets) this.assign(t, value);
        return;
      }
      case 'augassign': {
        const current = this.eval(stmt.target.kind === 'other' ? stmt.target.expr : (stmt.target as Expr));
        const operand = this.eval(stmt.value);
        const value =
          this.tensorArithmetic(stmt.op, [current, operand], stmt.opLoc) ??
          binaryOp(stmt.op, current, operand, { loc: stmt.opLoc }, this.report, this.budget);
        this.assign(stmt.target, value);
        return;
      }
      case 'expr':
        this.eval(stmt.value);
        return;
      case 'pass':
        return;
      case 'break':
      case 'continue':
        return stmt.kind;
      case 'return':
        return { returned: stmt.value ? this.eval(stmt.value) : constValue(null) };
      case 'def':
        this.scope.vars.set(stmt.name, this.defineFunction(stmt));
        return;
      case 'if': {
        const t = this.condition(stmt.test);
        if (t === null) return 'abort';
        return this.execBlock(t ? stmt.body : stmt.orelse);
      }
      case 'for':
        return this.forLoop(stmt);
      case 'while':
        return this.whileLoop(stmt);
      case 'raise': {
        const what = stmt.value ? this.source(stmt.value) : 'an exception';
        this.error(
          stmt.loc,
          `the code raises ${what} here`,
          'Python stops at this line too: check the values that lead to it',
        );
        return 'abort';
      }
      case 'assert': {
        const t = truth(this.eval(stmt.test));
        if (t === false) {
          const why = stmt.message ? this.eval(stmt.message) : null;
          const said = why?.kind === 'const' ? `: ${pyStr(why.value, why.float)}` : '';
          this.error(
            stmt.loc,
            `assertion failed: ${this.source(stmt.test)}${said}`,
            'Python stops at this line too: check the values that lead to it',
          );
          return 'abort';
        }
        return;
      }
    }
  }

  /** A condition's truth, or null after reporting that it is not known before the model runs. */
  private condition(test: Expr): boolean | null {
    const v = this.eval(test);
    if (v.kind === 'error') return null;
    const t = truth(v);
    if (t === null)
      this.error(
        test.loc,
        `LayerCanvas cannot tell whether ${this.source(test)} is true: it is ${describeValue(v)}`,
        'branch on constants the code sets (numbers, strings, True/False)',
      );
    return t;
  }

  private loopTurn(at: SourceLocation): boolean {
    if (this.budget.step()) return true;
    this.overrunAt(at);
    return false;
  }

  private forLoop(stmt: Extract<Stmt, { kind: 'for' }>): Flow {
    const over = this.eval(stmt.iter);
    if (over.kind === 'error') return 'abort';
    const items = this.iterable(over, stmt.iter);
    if (!items) return 'abort';
    this.nested++;
    try {
      for (const item of items) {
        if (!this.loopTurn(stmt.loc)) return 'abort';
        this.assign(stmt.target, item);
        const flow = this.execBlock(stmt.body);
        if (flow === 'break') return undefined;
        if (flow && flow !== 'continue') return flow;
      }
      return this.execBlock(stmt.orelse);
    } finally {
      this.nested--;
    }
  }

  private whileLoop(stmt: Extract<Stmt, { kind: 'while' }>): Flow {
    this.nested++;
    try {
      for (;;) {
        if (!this.loopTurn(stmt.loc)) return 'abort';
        const t = this.condition(stmt.test);
        if (t === null) return 'abort';
        if (!t) return this.execBlock(stmt.orelse);
        const flow = this.execBlock(stmt.body);
        if (flow === 'break') return undefined;
        if (flow && flow !== 'continue') return flow;
      }
    } finally {
      this.nested--;
    }
  }

  private iterable(v: Value, at: Expr): Iterable<Value> | null {
    const items = iterate(v);
    if (!items)
      this.error(
        at.loc,
        `cannot loop over ${this.source(at)}: it is ${describeValue(v)}`,
        'loop over a list, a tuple or range(…) the code spells out',
      );
    return items;
  }

  private defineFunction(def: FunctionDef): Value {
    // Defaults are evaluated once, where the function is defined, as in Python.
    const defaults = def.params.map((p) => (p.default ? this.eval(p.default) : undefined));
    return { kind: 'function', def, defaults, scope: this.scope };
  }

  /** Calls a function the code defined: binds the arguments as Python does and runs the body in its own scope. */
  protected callFunction(fn: Extract<Value, { kind: 'function' }>, callee: SourceLocation, args: Evaluated[]): Value {
    const { def } = fn;
    const name = `${def.name}()`;
    if (this.callDepth >= MAX_CALL_DEPTH)
      return this.error(
        callee,
        `calls are nested more than ${MAX_CALL_DEPTH} deep here`,
        `does ${def.name} call itself without end?`,
      );
    const local = new Scope(fn.scope);
    const params = def.params.map((p) => p.name);
    let positional = 0;
    for (const a of args) {
      if (a.value.kind === 'error') return ERROR;
      if (a.arg.keyword === undefined) {
        if (positional >= params.length)
          return this.error(
            a.arg.loc,
            `${name} takes ${params.length} positional argument${params.length === 1 ? '' : 's'} but more were given`,
            `its parameters are: ${params.join(', ') || 'none'}`,
          );
        local.vars.set(params[positional++], a.value);
        continue;
      }
      const key = a.arg.keyword;
      if (!params.includes(key)) {
        const close = similar(key, params, 1)[0];
        return this.error(
          a.arg.keywordLoc ?? a.arg.loc,
          `${name} got an unexpected keyword argument '${key}'`,
          close ? `did you mean '${close}'?` : `its parameters are: ${params.join(', ') || 'none'}`,
        );
      }
      if (local.vars.has(key))
        return this.error(
          a.arg.keywordLoc ?? a.arg.loc,
          `${name} got multiple values for the argument '${key}'`,
          'pass it once',
        );
      local.vars.set(key, a.value);
    }
    const missing = def.params.filter((p, i) => !local.vars.has(p.name) && !fn.defaults[i]);
    if (missing.length)
      return this.error(
        callee,
        `${name} is missing the argument${missing.length > 1 ? 's' : ''} ${missing.map((p) => `'${p.name}'`).join(', ')}`,
        `pass ${missing.length > 1 ? 'them' : 'it'}, e.g. ${def.name}(${missing.map((p) => `${p.name}=…`).join(', ')})`,
      );
    def.params.forEach((p, i) => {
      if (!local.vars.has(p.name)) local.vars.set(p.name, fn.defaults[i]!);
    });
    const outer = this.scope;
    this.scope = local;
    this.callDepth++;
    this.nested++;
    try {
      const flow = this.execBlock(def.body);
      if (flow === 'abort') return ERROR;
      return typeof flow === 'object' ? flow.returned : constValue(null);
    } finally {
      this.scope = outer;
      this.callDepth--;
      this.nested--;
    }
  }

  /** Builtins, string methods and list methods; null when `fn` is none of them. */
  protected callHelper(fn: Value, callee: SourceLocation, args: Evaluated[]): Value | null {
    const plain = args.map((a) => ({ value: a.value, keyword: a.arg.keyword, loc: a.arg.loc }));
    if (fn.kind === 'module' && fn.path.startsWith('builtins.') && isBuiltin(fn.path.slice(9)))
      return callBuiltin(fn.path.slice(9), plain, callee, this.report, this.budget);
    if (fn.kind !== 'bound') return null;
    if (fn.base.kind === 'const' && typeof fn.base.value === 'string')
      return stringMethod(fn.base.value, fn.name, plain, callee, this.report, this.budget);
    return listMethod(fn.base, fn.name, plain, callee, this.report, this.budget);
  }

  protected assign(target: Target, value: Value): void {
    if (target.kind === 'name') {
      if (value.kind === 'layer' && value.layer.label === value.layer.className) value.layer.label = `'${target.id}'`;
      const input = value.kind === 'tensor' ? this.layer(value.nodeId) : undefined;
      if (input?.className === 'InputLayer' && input.label === 'InputLayer') input.label = `'${target.id}'`;
      this.scope.vars.set(target.id, value);
      return;
    }
    if (target.kind === 'tuple') {
      const items =
        value.kind === 'seq' || (value.kind === 'const' && Array.isArray(value.value)) ? [...iterate(value)!] : null;
      if (items && items.length !== target.items.length) {
        this.error(
          target.loc,
          `cannot unpack ${items.length} values into ${target.items.length} names`,
          'make both sides the same length',
        );
        return;
      }
      target.items.forEach((t, i) =>
        this.assign(
          t,
          items ? items[i] : value.kind === 'error' ? ERROR : { kind: 'opaque', what: 'an unpacked value' },
        ),
      );
      return;
    }
    const e = target.expr;
    const base = e.kind === 'attribute' || e.kind === 'subscript' ? this.eval(e.value) : ERROR;
    // Opaque values (numpy arrays, configs) are not the model; model.layers[…] and the like are.
    if ((base.kind === 'opaque' && !base.fromModel) || base.kind === 'error') return;
    if (
      e.kind === 'attribute' &&
      e.attr === 'trainable' &&
      base.kind === 'layer' &&
      value.kind === 'const' &&
      typeof value.value === 'boolean'
    ) {
      base.layer.given.trainable = value.value;
      return;
    }
    this.error(
      target.loc,
      `assigning to ${this.source(e)} is not supported`,
      'set it where the layer is made, e.g. layers.Dense(8, trainable=False)',
    );
  }

  // ---- expressions ----

  protected eval(e: Expr): Value {
    if (!this.budget.step()) return this.overrunAt(e.loc);
    if (this.nested > 0 && this.errors.length > this.mark) return ERROR;
    return this.evalExpr(e);
  }

  /** One error for the first overrun, at the expression that passed the limit; silence after it. */
  protected overrunAt(loc: SourceLocation): Value {
    if (this.overrunReported || !this.budget.overrun) return ERROR;
    this.overrunReported = true;
    return this.error(loc, this.budget.overrun.message, this.budget.overrun.hint);
  }

  private evalExpr(e: Expr): Value {
    switch (e.kind) {
      case 'number':
        return constValue(e.value, !e.isInt);
      case 'string':
        return constValue(e.value);
      case 'fstring':
        return this.fstring(e);
      case 'constant':
        return constValue(e.value);
      case 'ellipsis':
        return { kind: 'opaque', what: '...' };
      case 'name':
        return this.lookup(e.id, e.loc);
      case 'attribute':
        return this.attribute(this.eval(e.value), e.attr, e);
      case 'call':
        return this.call(e);
      case 'tuple':
      case 'list': {
        const items = e.items.map((i) => this.eval(i));
        if (items.some((v) => v.kind === 'error')) return ERROR;
        return this.made(items, e.loc);
      }
      case 'listcomp':
        return this.comprehension(e);
      case 'dict':
        for (const [k, v] of e.entries) {
          this.eval(k);
          this.eval(v);
        }
        return { kind: 'opaque', what: 'a dict' };
      case 'slice':
        e.parts.forEach((p) => p && this.eval(p));
        return { kind: 'opaque', what: 'a slice' };
      case 'subscript': {
        const base = this.eval(e.value);
        const parts =
          e.index.kind === 'slice'
            ? e.index.parts.map((p) => (p ? this.eval(p) : constValue(null)))
            : [this.eval(e.index)];
        return subscript(base, parts, e.index.kind === 'slice', e, this.report, this.budget);
      }
      case 'unary': {
        const operand = this.eval(e.operand);
        return (
          this.tensorArithmetic(e.op, [operand], e.loc) ??
          unaryOp(e.op, operand, e, (loc, m, h) => this.error(loc, m, h))
        );
      }
      case 'ifexp': {
        const t = this.condition(e.test);
        return t === null ? ERROR : this.eval(t ? e.body : e.orelse);
      }
      case 'binary':
        if (e.op === 'and' || e.op === 'or') return this.logical(e);
        if (['==', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not'].includes(e.op))
          return compare(e.op, this.eval(e.left), this.eval(e.right), e, this.report, this.budget);
        {
          const left = this.eval(e.left);
          const right = this.eval(e.right);
          return (
            this.tensorArithmetic(e.op, [left, right], e.loc) ??
            binaryOp(e.op, left, right, e, this.report, this.budget)
          );
        }
    }
  }

  /** Arithmetic on tensors as layers (`x + 3.0`), where the subclass builds them; undefined leaves it to the operators. */
  protected tensorArithmetic(_op: string, _operands: Value[], _loc: SourceLocation): Value | undefined {
    return undefined;
  }

  /** A list or tuple of values, its size checked and charged. */
  private made(items: Value[], loc: SourceLocation): Value {
    if (items.every((v) => v.kind === 'const')) {
      const value = items.map((v) => (v as { value: ConfigValue }).value);
      const refused = this.budget.admit(value);
      return refused ? this.refuse(loc, refused) : constValue(value);
    }
    return this.budget.charge(items.length) ? { kind: 'seq', items } : this.overrunAt(loc);
  }

  /** `a and b`, `a or b`, short-circuiting as Python does: the right side runs only when it decides. */
  private logical(e: Extract<Expr, { kind: 'binary' }>): Value {
    const left = this.eval(e.left);
    if (left.kind === 'error') return ERROR;
    const t = truth(left);
    if (t === null)
      return this.error(
        e.left.loc,
        `LayerCanvas cannot tell whether ${this.source(e.left)} is true: it is ${describeValue(left)}`,
        'use constants the code sets',
      );
    return (e.op === 'and') === t ? this.eval(e.right) : left;
  }

  private comprehension(e: Extract<Expr, { kind: 'listcomp' }>): Value {
    const out: Value[] = [];
    const outer = this.scope;
    // The loop names of a comprehension are its own, as in Python 3.
    this.scope = new Scope(outer);
    this.nested++;
    const before = this.errors.length;
    try {
      const ok = this.generate(e, 0, out);
      if (!ok || this.errors.length > before) return ERROR;
    } finally {
      this.scope = outer;
      this.nested--;
    }
    return this.made(out, e.loc);
  }

  private generate(e: Extract<Expr, { kind: 'listcomp' }>, k: number, out: Value[]): boolean {
    if (k === e.generators.length) {
      const v = this.eval(e.elt);
      if (v.kind === 'error') return false;
      if (out.length >= MAX_LENGTH) {
        this.error(
          e.loc,
          `this comprehension would make more than ${MAX_LENGTH.toLocaleString('en-US')} items`,
          'a model file needs only short lists',
        );
        return false;
      }
      out.push(v);
      return true;
    }
    const g = e.generators[k];
    const over = this.eval(g.iter);
    if (over.kind === 'error') return false;
    const items = this.iterable(over, g.iter);
    if (!items) return false;
    for (const item of items) {
      if (!this.loopTurn(g.iter.loc)) return false;
      this.assign(g.target, item);
      let keep = true;
      for (const test of g.ifs) {
        const t = this.condition(test);
        if (t === null) return false;
        if (!t) {
          keep = false;
          break;
        }
      }
      if (keep && !this.generate(e, k + 1, out)) return false;
      if (this.unwinding()) return false;
    }
    return true;
  }

  private fstring(e: Extract<Expr, { kind: 'fstring' }>): Value {
    let text = '';
    let known = true;
    for (const part of e.parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      const v = this.eval(part.expr);
      if (v.kind === 'error') return ERROR;
      if (v.kind !== 'const') {
        known = false;
        continue;
      }
      const shown = part.conversion === 'r' || part.conversion === 'a' ? pyRepr(v.value, v.float) : null;
      const piece = shown !== null ? formatSpec(shown, part.spec ?? '') : formatSpec(v.value, part.spec ?? '', v.float);
      if (piece === null)
        return this.error(
          part.expr.loc,
          `the format spec ':${part.spec}' does not apply to ${pyRepr(v.value, v.float)}`,
          'use a spec such as :03d for whole numbers, :.2f for decimals',
        );
      text += piece;
      if (text.length > MAX_LENGTH)
        return this.error(
          e.loc,
          `this f-string would be longer than ${MAX_LENGTH.toLocaleString('en-US')} characters`,
          'a layer name needs far fewer',
        );
    }
    if (!known) return { kind: 'opaque', what: 'an f-string' };
    return this.budget.charge(text.length) ? constValue(text) : this.overrunAt(e.loc);
  }

  private lookup(id: string, loc: SourceLocation): Value {
    const v = this.scope.get(id);
    if (v) return v;
    for (const star of this.stars) if (starExports(star).includes(id)) return { kind: 'module', path: `${star}.${id}` };
    // Model files run as scripts: `if __name__ == "__main__":` blocks run.
    if (id === '__name__') return constValue('__main__');
    if (BUILTINS.has(id)) return { kind: 'module', path: `builtins.${id}` };
    const known = [...this.scope.names(), ...this.stars.flatMap(starExports), 'True', 'False', 'None'];
    const close = similar(id, known, 1)[0];
    return this.error(
      loc,
      `name '${id}' is not defined`,
      importHint(id) ?? (close ? `did you mean '${close}'?` : `assign ${id} before this line, or import it`),
    );
  }

  private attribute(base: Value, attr: string, e: Expr): Value {
    switch (base.kind) {
      case 'module':
        return { kind: 'module', path: `${base.path}.${attr}` };
      case 'model':
        return { kind: 'method', model: base.model, name: attr };
      case 'error':
        return ERROR;
      case 'seq':
        return { kind: 'bound', base, name: attr };
      case 'tensor':
        if (attr === 'shape') return this.tensorShape(base, e);
        return { kind: 'opaque', what: this.source(e) };
      case 'const':
        if (typeof base.value === 'string' || Array.isArray(base.value)) return { kind: 'bound', base, name: attr };
        return { kind: 'opaque', what: this.source(e) };
      default:
        return {
          kind: 'opaque',
          what: this.source(e),
          fromModel: base.kind === 'method' || (base.kind === 'opaque' && base.fromModel),
        };
    }
  }

  /** The argument as a constant, or undefined after reporting why it isn't one. */
  protected constant(a: Evaluated): ConfigValue | undefined {
    const v = a.value;
    if (v.kind === 'const') return v.value;
    if (v.kind === 'error') return undefined;
    if (v.kind === 'module') {
      const r = resolvePath(v.path);
      if (r.type === 'activation' || r.type === 'initializer') return r.name;
      // kernel_constraint=keras.constraints.NonNeg: Keras instantiates a class given uncalled.
      const cls = r.type === 'rule' ? ruleClass(r.kind, r.name) : null;
      const rule = r.type === 'rule' && cls ? weightRule(r.kind, cls, {}) : null;
      if (rule && typeof rule !== 'string') return ruleText(rule);
    }
    // range(3) where a shape or a list is wanted: Keras takes any sequence.
    if (v.kind === 'range' && rangeLength(v) <= MAX_LENGTH) {
      const list = listOf([...iterate(v)!]);
      if (list.kind === 'const' && !this.budget.admit(list.value)) return list.value;
    }
    const key = a.arg.keyword;
    if (key && isRegularizerOrConstraint(key)) {
      // A custom regularizer or constraint (a function, a class of the user's): refused by what it is.
      const constraint = key.endsWith('_constraint');
      this.error(
        a.arg.value.loc,
        `${key}=${this.source(a.arg.value)} is not a ${constraint ? 'weight constraint' : 'regularizer'} LayerCanvas computes`,
        constraint
          ? 'use keras.constraints.MaxNorm, NonNeg, UnitNorm or MinMaxNorm, or None'
          : 'use keras.regularizers.L1, L2 or L1L2, or None',
      );
      return undefined;
    }
    const what = describeValue(v);
    this.error(
      a.arg.value.loc,
      `${what === 'an f-string' ? 'an f-string' : this.source(a.arg.value)} is not a value LayerCanvas can read here`,
      'write the value itself, e.g. 32, 0.5, "relu" or (3, 3)',
    );
    return undefined;
  }
}
