/** The small Python AST the parser builds: only what model-building code uses. Every node knows where it is. */
import type { SourceLocation } from '../../core/problems';

interface Span {
  loc: SourceLocation;
  /** Offsets into the source, end exclusive: `text.slice(start, end)` is the node as written. */
  start: number;
  end: number;
}

/** One `{…}` of an f-string: the expression, its `!r`/`!s` conversion and its format spec. */
export interface FormattedPart {
  expr: Expr;
  conversion?: 'r' | 's' | 'a';
  spec?: string;
}

/** `for target in iter if cond …` inside a comprehension. */
export interface Generator {
  target: Target;
  iter: Expr;
  ifs: Expr[];
}

export type Expr =
  | (Span & { kind: 'name'; id: string })
  | (Span & { kind: 'number'; value: number; isInt: boolean })
  | (Span & { kind: 'string'; value: string })
  | (Span & { kind: 'fstring'; parts: (string | FormattedPart)[] })
  | (Span & { kind: 'constant'; value: boolean | null })
  | (Span & { kind: 'ellipsis' })
  | (Span & { kind: 'attribute'; value: Expr; attr: string; attrLoc: SourceLocation })
  | (Span & { kind: 'call'; func: Expr; args: Arg[]; closeLoc: SourceLocation })
  | (Span & { kind: 'tuple' | 'list'; items: Expr[] })
  | (Span & { kind: 'dict'; entries: [Expr, Expr][] })
  | (Span & { kind: 'subscript'; value: Expr; index: Expr })
  | (Span & { kind: 'slice'; parts: (Expr | null)[] })
  | (Span & { kind: 'unary'; op: string; operand: Expr })
  | (Span & { kind: 'binary'; op: string; left: Expr; right: Expr })
  /** `body if test else orelse` */
  | (Span & { kind: 'ifexp'; test: Expr; body: Expr; orelse: Expr })
  /** `[elt for … in …]`, and a generator expression, which the interpreter treats as the list it yields. */
  | (Span & { kind: 'listcomp'; elt: Expr; generators: Generator[] });

export interface Arg extends Span {
  /** The keyword, for `name=value`. */
  keyword?: string;
  keywordLoc?: SourceLocation;
  value: Expr;
}

export type Target =
  | (Span & { kind: 'name'; id: string })
  | (Span & { kind: 'tuple'; items: Target[] })
  | (Span & { kind: 'other'; expr: Expr });

export interface Param {
  name: string;
  loc: SourceLocation;
  default?: Expr;
}

export type Stmt =
  | (Span & { kind: 'import'; names: { path: string; alias?: string; loc: SourceLocation }[] })
  | (Span & { kind: 'from'; module: string; names: { name: string; alias?: string; loc: SourceLocation }[] | '*' })
  | (Span & { kind: 'assign'; targets: Target[]; value: Expr })
  | (Span & { kind: 'augassign'; target: Target; op: string; opLoc: SourceLocation; value: Expr })
  | (Span & { kind: 'expr'; value: Expr })
  | (Span & { kind: 'pass' | 'break' | 'continue' })
  | (Span & { kind: 'def'; name: string; params: Param[]; body: Stmt[] })
  | (Span & { kind: 'return'; value: Expr | null })
  | (Span & { kind: 'raise'; value: Expr | null })
  | (Span & { kind: 'assert'; test: Expr; message: Expr | null })
  | (Span & { kind: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[] })
  | (Span & { kind: 'for'; target: Target; iter: Expr; body: Stmt[]; orelse: Stmt[] })
  | (Span & { kind: 'while'; test: Expr; body: Stmt[]; orelse: Stmt[] });

export interface Module {
  body: Stmt[];
}
