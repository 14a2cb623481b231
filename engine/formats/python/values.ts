/** The values the interpreter tracks while it runs model code: constants, modules, layers, tensors, models. */
import type { SourceLocation } from '../../core/problems';
import type { ConfigValue } from '../../layers/types';
import type { Stmt } from './ast';

/** A layer object created by a constructor call, before it is called or listed in a Sequential. */
export interface PendingLayer {
  id: string;
  className: string;
  given: Record<string, ConfigValue>;
  name?: string;
  /** `input_shape=` (and friends) on the layer: Keras makes an InputLayer from it when the layer comes first. */
  inputSpec?: { shape: ConfigValue; batchSize: ConfigValue; loc: SourceLocation };
  loc: SourceLocation;
  /** How the code refers to it in messages: its variable, or its class. */
  label: string;
  usedAt?: SourceLocation;
}

export interface SequentialBuild {
  kind: 'sequential';
  name?: string;
  items: { layer: PendingLayer; loc: SourceLocation }[];
  /** From `model.build(input_shape)`. */
  builtShape?: { shape: ConfigValue; batchSize: ConfigValue; loc: SourceLocation };
  loc: SourceLocation;
}

export interface FunctionalBuild {
  kind: 'functional';
  name?: string;
  inputs: string[];
  outputs: string[];
  loc: SourceLocation;
}

export type ModelBuild = SequentialBuild | FunctionalBuild;

export type FunctionDef = Extract<Stmt, { kind: 'def' }>;

/** The names a piece of code sees: its own, then those of the code around it (a function's closure, the module). */
export class Scope {
  readonly vars = new Map<string, Value>();
  constructor(readonly parent: Scope | null) {}

  get(id: string): Value | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(id);
      if (v) return v;
    }
    return undefined;
  }

  names(): string[] {
    const out: string[] = [];
    for (let s: Scope | null = this; s; s = s.parent) out.push(...s.vars.keys());
    return out;
  }
}

export type Value =
  /** `float` marks a number Python holds as a float (`2.0`, `3 / 2`): str() writes it `2.0`. */
  | { kind: 'const'; value: ConfigValue; float?: boolean }
  | { kind: 'module'; path: string }
  | { kind: 'layer'; layer: PendingLayer }
  /** `output`: which of the layer's outputs (an RNN's return_state states are 1, 2 …); absent for the first. */
  | { kind: 'tensor'; nodeId: string; output?: number }
  | { kind: 'seq'; items: Value[] }
  | { kind: 'model'; model: ModelBuild }
  | { kind: 'method'; model: ModelBuild; name: string }
  | { kind: 'function'; def: FunctionDef; defaults: (Value | undefined)[]; scope: Scope }
  /** `range(start, stop, step)`, iterated without building the list. */
  | { kind: 'range'; start: number; stop: number; step: number }
  /** A method of a constant or list (`"b{}".format`, `outputs.append`), called by name. */
  | { kind: 'bound'; base: Value; name: string }
  /** Anything outside the model (numpy arrays, optimizers, print's result, …); `what` names it in messages. */
  | { kind: 'opaque'; what: string; fromModel?: boolean }
  /** The expression already produced an error; using it adds no more. */
  | { kind: 'error' };

export const ERROR: Value = { kind: 'error' };

export function constValue(value: ConfigValue, float = false): Value {
  return float ? { kind: 'const', value, float } : { kind: 'const', value };
}

/** How many items `range(start, stop, step)` yields. */
export function rangeLength(r: { start: number; stop: number; step: number }): number {
  const n = r.step > 0 ? Math.ceil((r.stop - r.start) / r.step) : Math.ceil((r.start - r.stop) / -r.step);
  return Math.max(0, n);
}

/** A Python rendering of a constant for messages: `(3, 3)`, `'relu'`, `None`, `True`. */
export function pythonText(v: ConfigValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return String(v);
  return `(${v.map(pythonText).join(', ')}${v.length === 1 ? ',' : ''})`;
}

export function describeValue(v: Value): string {
  switch (v.kind) {
    case 'const':
      return pythonText(v.value);
    case 'module':
      return v.path;
    case 'layer':
      return `the layer ${v.layer.label}`;
    case 'tensor':
      return 'a tensor';
    case 'seq':
      return 'a list of tensors or layers';
    case 'model':
    case 'method':
      return 'a model';
    case 'function':
      return `the function ${v.def.name}`;
    case 'range':
      return `range(${v.start}, ${v.stop}${v.step === 1 ? '' : `, ${v.step}`})`;
    case 'bound':
      return `the method ${v.name}`;
    case 'opaque':
      return v.what;
    case 'error':
      return 'an invalid value';
  }
}
