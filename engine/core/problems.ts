/**
 * Problems are data, never exceptions across a boundary: the canvas badges, the CLI and the code view all print
 * the same `message (hint)` text.
 */
export type Severity = 'error' | 'warning';

export interface Problem {
  /** The document node the problem belongs to; null for a problem of the whole model. */
  nodeId: string | null;
  severity: Severity;
  /** Stable machine-readable code, e.g. `kernel-larger-than-input`. */
  code: string;
  /** What is wrong, quoting the offending values. */
  message: string;
  /** How to fix it. */
  hint?: string;
  /** The edge at fault, when one edge is. */
  edgeId?: string;
  /** Remedies the canvas offers as buttons, as data (engine/graph/fixes.ts applies them); alternatives in order. */
  fixes?: ProblemFix[];
}

/** A config value as a fix sets it (the same values a layer config holds). */
export type FixValue = number | string | boolean | null | readonly FixValue[];

/**
 * One edit of the model document, as data. Node ids are the document's; `insert-*` layers get Keras defaults for
 * every field `config` does not give.
 */
export type FixStep =
  | { op: 'set-config'; nodeId: string; key: string; value: FixValue }
  /** A new layer between `nodeId` and every layer it feeds. */
  | { op: 'insert-after'; nodeId: string; className: string; config?: Record<string, FixValue> }
  /** A new layer between `nodeId` and whatever feeds it. */
  | { op: 'insert-before'; nodeId: string; className: string; config?: Record<string, FixValue> }
  /** Takes `nodeId` out of its chain (its producer then feeds its consumers) and puts it right after `after`. */
  | { op: 'move-after'; nodeId: string; after: string }
  /** Deletes layers and every connection touching them; with `reconnect`, their producers feed their consumers. */
  | { op: 'remove'; nodeIds: string[]; reconnect?: boolean }
  | { op: 'connect'; source: string; target: string }
  | { op: 'disconnect'; source: string; target: string };

/** A one-click remedy: a button label saying what it will do, and the edits, applied as one undo step. */
export interface ProblemFix {
  label: string;
  steps: FixStep[];
}

/** A problem found inside a layer, before the graph knows which node it belongs to. */
export interface LayerIssue {
  code: string;
  message: string;
  hint?: string;
  severity?: Severity;
}

export function formatProblem(p: Problem, nodeLabel?: string): string {
  const where = nodeLabel ?? p.nodeId ?? 'model';
  return `${where}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`;
}

/** A position in a text file: 1-based line and column, as editors show them. */
export interface SourceLocation {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** An error from reading a file: where it is, what is wrong, and how to fix it. */
export interface FormatError {
  message: string;
  hint?: string;
  location?: SourceLocation;
  /** For structured files: the JSON path of the bad field, e.g. `model.nodes[3].config.filters`. */
  path?: string;
}

export function formatFormatError(e: FormatError, file?: string): string {
  const loc = e.location ? `${e.location.line}:${e.location.column}` : (e.path ?? '');
  const prefix = [file, loc].filter(Boolean).join(':');
  return `${prefix ? `${prefix}: ` : ''}${e.message}${e.hint ? ` (${e.hint})` : ''}`;
}

export type Result<T, E = FormatError[]> = { ok: true; value: T; warnings?: E } | { ok: false; errors: E };
