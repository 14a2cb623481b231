/** The values the interpreter tracks while it runs model code: constants, modules, layers, tensors, models. */
import type { SourceLocation } from '../../core/problems';
import type { ConfigValue } from '../../layers/types';

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

export type Value =
  | { kind: 'const'; value: ConfigValue }
  | { kind: 'module'; path: string }
  | { kind: 'layer'; layer: PendingLayer }
  | { kind: 'tensor'; nodeId: string }
  | { kind: 'seq'; items: Value[] }
  | { kind: 'model'; model: ModelBuild }
  | { kind: 'method'; model: ModelBuild; name: string }
  /** Anything outside the model (numpy arrays, optimizers, print's result, …); `what` names it in messages. */
  | { kind: 'opaque'; what: string; fromModel?: boolean }
  /** The expression already produced an error; using it adds no more. */
  | { kind: 'error' };

export const ERROR: Value = { kind: 'error' };

export function constValue(value: ConfigValue): Value {
  return { kind: 'const', value };
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
    case 'opaque':
      return v.what;
    case 'error':
      return 'an invalid value';
  }
}
