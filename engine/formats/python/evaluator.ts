/**
 * The expression and statement half of the interpreter: names, imports, assignments, literals and operators.
 * What calls do (make layers, wire tensors, build models) is the subclass's business. Recursion follows the AST,
 * whose depth the parser caps.
 */
import type { FormatError, SourceLocation } from '../../core/problems';
import type { ConfigValue } from '../../layers/types';
import type { Arg, Expr, Stmt, Target } from './ast';
import { short } from './expressions';
import { MAX_ERRORS } from './tokenizer';
import { Budget } from './budget';
import { binaryOp, subscript, unaryOp } from './operators';
import { BUILTINS, importHint, resolvePath, starExports } from './resolve';
import { similar } from './suggest';
import { ERROR, constValue, describeValue, type PendingLayer, type Value } from './values';

export interface Evaluated {
  arg: Arg;
  value: Value;
}

export abstract class Evaluator {
  readonly errors: FormatError[] = [];
  readonly warnings: FormatError[] = [];
  private readonly env = new Map<string, Value>();
  protected readonly stars: string[] = [];

  constructor(private readonly text: string) {}

  /** Work, size and step limits for the whole program (budget.ts); the first overrun ends the run. */
  protected readonly budget = new Budget();
  private overrunReported = false;

  run(body: Stmt[]): void {
    for (const stmt of body) {
      if (this.errors.length >= MAX_ERRORS || this.budget.overrun) return;
      this.exec(stmt);
    }
  }

  /** The layer a tensor comes from. */
  abstract layer(id: string): PendingLayer | undefined;

  protected abstract call(e: Extract<Expr, { kind: 'call' }>): Value;

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

  // ---- statements ----

  private exec(stmt: Stmt): void {
    switch (stmt.kind) {
      case 'import':
        for (const n of stmt.names) {
          if (n.alias) this.env.set(n.alias, { kind: 'module', path: n.path });
          else this.env.set(n.path.split('.')[0], { kind: 'module', path: n.path.split('.')[0] });
        }
        return;
      case 'from':
        if (stmt.names === '*') this.stars.push(stmt.module);
        else for (const n of stmt.names) this.env.set(n.alias ?? n.name, { kind: 'module', path: `${stmt.module}.${n.name}` });
        return;
      case 'assign': {
        const value = this.eval(stmt.value);
        for (const t of stmt.targets) this.assign(t, value);
        return;
      }
      case 'expr':
        this.eval(stmt.value);
        return;
      case 'pass':
        return;
    }
  }

  private assign(target: Target, value: Value): void {
    if (target.kind === 'name') {
      if (value.kind === 'layer' && value.layer.label === value.layer.className) value.layer.label = `'${target.id}'`;
      const input = value.kind === 'tensor' ? this.layer(value.nodeId) : undefined;
      if (input?.className === 'InputLayer' && input.label === 'InputLayer') input.label = `'${target.id}'`;
      this.env.set(target.id, value);
      return;
    }
    if (target.kind === 'tuple') {
      const items = value.kind === 'seq' ? value.items : value.kind === 'const' && Array.isArray(value.value) ? value.value.map(constValue) : null;
      if (items && items.length !== target.items.length) {
        this.error(target.loc, `cannot unpack ${items.length} values into ${target.items.length} names`, 'make both sides the same length');
        return;
      }
      target.items.forEach((t, i) => this.assign(t, items ? items[i] : value.kind === 'error' ? ERROR : { kind: 'opaque', what: 'an unpacked value' }));
      return;
    }
    const e = target.expr;
    const base = e.kind === 'attribute' || e.kind === 'subscript' ? this.eval(e.value) : ERROR;
    // Opaque values (numpy arrays, configs) are not the model; model.layers[…] and the like are.
    if ((base.kind === 'opaque' && !base.fromModel) || base.kind === 'error') return;
    if (e.kind === 'attribute' && e.attr === 'trainable' && base.kind === 'layer' && value.kind === 'const' && typeof value.value === 'boolean') {
      base.layer.given.trainable = value.value;
      return;
    }
    this.error(target.loc, `assigning to ${this.source(e)} is not supported`, 'set it where the layer is made, e.g. layers.Dense(8, trainable=False)');
  }

  // ---- expressions ----

  protected eval(e: Expr): Value {
    if (!this.budget.step()) return this.overrunAt(e.loc);
    return this.evalExpr(e);
  }

  /** One error for the first overrun, at the expression that passed the limit; silence after it. */
  private overrunAt(loc: SourceLocation): Value {
    if (this.overrunReported || !this.budget.overrun) return ERROR;
    this.overrunReported = true;
    return this.error(loc, this.budget.overrun.message, this.budget.overrun.hint);
  }

  private evalExpr(e: Expr): Value {
    switch (e.kind) {
      case 'number':
        return constValue(e.value);
      case 'string':
        return e.fstring ? { kind: 'opaque', what: 'an f-string' } : constValue(e.value);
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
        if (items.every((v) => v.kind === 'const')) {
          const value = items.map((v) => (v as { value: ConfigValue }).value);
          const refused = this.budget.admit(value);
          return refused ? this.refuse(e.loc, refused) : constValue(value);
        }
        return this.budget.charge(items.length) ? { kind: 'seq', items } : this.overrunAt(e.loc);
      }
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
        const parts = e.index.kind === 'slice' ? e.index.parts.map((p) => (p ? this.eval(p) : constValue(null))) : [this.eval(e.index)];
        return subscript(base, parts, e.index.kind === 'slice', e, this.report, this.budget);
      }
      case 'unary':
        return unaryOp(e.op, this.eval(e.operand), e, (loc, m, h) => this.error(loc, m, h));
      case 'binary':
        return binaryOp(e.op, this.eval(e.left), this.eval(e.right), e, this.report, this.budget);
    }
  }

  private lookup(id: string, loc: SourceLocation): Value {
    const v = this.env.get(id);
    if (v) return v;
    for (const star of this.stars) if (starExports(star).includes(id)) return { kind: 'module', path: `${star}.${id}` };
    if (BUILTINS.has(id)) return { kind: 'module', path: `builtins.${id}` };
    const known = [...this.env.keys(), ...this.stars.flatMap(starExports), 'True', 'False', 'None'];
    const close = similar(id, known, 1)[0];
    return this.error(loc, `name '${id}' is not defined`, importHint(id) ?? (close ? `did you mean '${close}'?` : `assign ${id} before this line, or import it`));
  }

  private attribute(base: Value, attr: string, e: Expr): Value {
    switch (base.kind) {
      case 'module':
        return { kind: 'module', path: `${base.path}.${attr}` };
      case 'model':
        return { kind: 'method', model: base.model, name: attr };
      case 'error':
        return ERROR;
      default:
        return { kind: 'opaque', what: this.source(e), fromModel: base.kind === 'method' || (base.kind === 'opaque' && base.fromModel) };
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
    }
    const what = describeValue(v);
    this.error(a.arg.value.loc, `${what === 'an f-string' ? 'an f-string' : this.source(a.arg.value)} is not a value LayerCanvas can read here`, 'write the value itself, e.g. 32, 0.5, "relu" or (3, 3)');
    return undefined;
  }
}
