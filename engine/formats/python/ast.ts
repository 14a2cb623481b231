/** The small Python AST the parser builds: only what model-building code uses. Every node knows where it is. */
import type { SourceLocation } from '../../core/problems';

interface Span {
  loc: SourceLocation;
  /** Offsets into the source, end exclusive: `text.slice(start, end)` is the node as written. */
  start: number;
  end: number;
}

export type Expr =
  | (Span & { kind: 'name'; id: string })
  | (Span & { kind: 'number'; value: number; isInt: boolean })
  | (Span & { kind: 'string'; value: string; fstring: boolean })
  | (Span & { kind: 'constant'; value: boolean | null })
  | (Span & { kind: 'ellipsis' })
  | (Span & { kind: 'attribute'; value: Expr; attr: string; attrLoc: SourceLocation })
  | (Span & { kind: 'call'; func: Expr; args: Arg[]; closeLoc: SourceLocation })
  | (Span & { kind: 'tuple' | 'list'; items: Expr[] })
  | (Span & { kind: 'dict'; entries: [Expr, Expr][] })
  | (Span & { kind: 'subscript'; value: Expr; index: Expr })
  | (Span & { kind: 'slice'; parts: (Expr | null)[] })
  | (Span & { kind: 'unary'; op: string; operand: Expr })
  | (Span & { kind: 'binary'; op: string; left: Expr; right: Expr });

export interface Arg extends Span {
  /** The keyword, for `name=value`. */
  keyword?: string;
  keywordLoc?: SourceLocation;
  value: Expr;
}

export type Target = (Span & { kind: 'name'; id: string }) | (Span & { kind: 'tuple'; items: Target[] }) | (Span & { kind: 'other'; expr: Expr });

export type Stmt =
  | (Span & { kind: 'import'; names: { path: string; alias?: string; loc: SourceLocation }[] })
  | (Span & { kind: 'from'; module: string; names: { name: string; alias?: string; loc: SourceLocation }[] | '*' })
  | (Span & { kind: 'assign'; targets: Target[]; value: Expr })
  | (Span & { kind: 'expr'; value: Expr })
  | (Span & { kind: 'pass' });

export interface Module {
  body: Stmt[];
}
