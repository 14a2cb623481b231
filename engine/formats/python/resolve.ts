/** What a dotted Python name means to Keras: `tf.keras.layers.Conv2D`, `L.Dense`, `keras.Model`, … */
import { ACTIVATIONS, INITIALIZERS } from '../../layers/fields';
import { getLayer, layerDefinitions, toSnakeCase } from '../../layers/registry';
import { similar } from './suggest';
import type { RuleKind } from '../../core/weight-rules';

/** The layer another Keras class name stands for (`Convolution2D` → `Conv2D`). */
const aliased = (name: string) => layerDefinitions().find((d) => d.keras.aliases?.includes(name))?.className;
/** The layer Keras's functional helper builds (`add` → `Add`). */
const builtBy = (name: string) => layerDefinitions().find((d) => d.keras.functional === name)?.className;

export type Resolved =
  | { type: 'sequential' }
  | { type: 'model' }
  | { type: 'input' }
  | { type: 'layer'; className: string }
  | { type: 'merge'; className: string }
  | { type: 'unknown-layer'; name: string }
  /** `keras.Sequencial`: a misspelt model class or Input. */
  | { type: 'unknown-model'; name: string; suggestion: string }
  | { type: 'activation'; name: string }
  | { type: 'initializer'; name: string }
  /** keras.regularizers.L2, keras.constraints.max_norm, … by the name written. */
  | { type: 'rule'; kind: RuleKind; name: string }
  | { type: 'other' };

/** `tensorflow.keras.x`, `tf_keras.x` and Keras 2's submodules (`keras.layers.core.Dense`) → `keras.x`. */
export function canonicalPath(path: string): string {
  return path
    .replace(/^tensorflow\.(python\.)?keras(?=\.|$)/, 'keras')
    .replace(/^tf_keras(?=\.|$)/, 'keras')
    .replace(/^keras\.(api|_tf_keras\.keras)\./, 'keras.')
    .replace(/^keras\.layers\.(?:[a-z_]+\.)+(?=[A-Z])/, 'keras.layers.');
}

export function resolvePath(rawPath: string): Resolved {
  const path = canonicalPath(rawPath);
  if (path === 'keras.Sequential' || path === 'keras.models.Sequential') return { type: 'sequential' };
  if (path === 'keras.Model' || path === 'keras.models.Model') return { type: 'model' };
  if (path === 'keras.Input' || path === 'keras.layers.Input') return { type: 'input' };
  const act = /^(?:keras\.activations|tensorflow\.nn|tensorflow\.keras\.activations)\.([A-Za-z_0-9]+)$/.exec(path);
  if (act) return { type: 'activation', name: act[1] };
  const init = /^keras\.initializers\.([A-Za-z_0-9]+)$/.exec(path);
  if (init) return { type: 'initializer', name: /[A-Z]/.test(init[1]) ? toSnakeCase(init[1]) : init[1] };
  const rule = /^keras\.(regularizers|constraints)\.([A-Za-z_0-9]+)$/.exec(path);
  if (rule) return { type: 'rule', kind: rule[1] === 'regularizers' ? 'regularizer' : 'constraint', name: rule[2] };
  // A layer Keras keeps outside keras.layers, by its module: keras.src.applications.convnext.LayerScale.
  const outside = layerDefinitions().find((d) => d.keras.module && path === `${d.keras.module}.${d.className}`);
  if (outside) return { type: 'layer', className: outside.className };
  const layer = /^keras\.layers\.([A-Za-z_0-9]+)$/.exec(path);
  if (layer) {
    const name = layer[1];
    const merge = builtBy(name);
    if (merge) return { type: 'merge', className: merge };
    const className = aliased(name) ?? name;
    if (getLayer(className)) return { type: 'layer', className };
    return { type: 'unknown-layer', name };
  }
  const top = /^keras(?:\.models)?\.([A-Z][A-Za-z_0-9]*)$/.exec(path);
  if (top) {
    const suggestion = similar(top[1], ['Sequential', 'Model', 'Input'], 1)[0];
    if (suggestion) return { type: 'unknown-model', name: top[1], suggestion };
  }
  return { type: 'other' };
}

/** Names a `from keras.layers import *` (or `from keras import *`, `from keras.models import *`) brings in. */
export function starExports(module: string): string[] {
  const path = canonicalPath(module);
  if (path === 'keras.layers') {
    const defs = layerDefinitions();
    const aliases = defs.flatMap((d) => d.keras.aliases ?? []);
    const helpers = defs.flatMap((d) => (d.keras.functional ? [d.keras.functional] : []));
    return [...defs.map((d) => d.className), ...aliases, ...helpers, 'Input'];
  }
  if (path === 'keras.models') return ['Sequential', 'Model'];
  if (path === 'keras') return ['Sequential', 'Model', 'Input', 'layers', 'models'];
  return [];
}

/** Where a name usually comes from, for the hint of an undefined name. */
export function importHint(name: string): string | null {
  if (name === 'Sequential' || name === 'Model') return `import it: from keras.models import ${name}`;
  if (name === 'Input') return 'import it: from keras import Input';
  if (name === 'layers') return 'import it: from keras import layers';
  if (name === 'keras') return 'import it: import keras';
  if (name === 'tf') return 'import it: import tensorflow as tf';
  if (getLayer(name) || aliased(name)) return `import it: from keras.layers import ${name}`;
  if ((ACTIVATIONS as readonly string[]).includes(name) || (INITIALIZERS as readonly string[]).includes(name))
    return `write it as a string: "${name}"`;
  return null;
}

/** Python builtins model code calls around the model (print, len, …): their results are not model values. */
export const BUILTINS = new Set([
  'print',
  'len',
  'range',
  'int',
  'float',
  'str',
  'list',
  'tuple',
  'dict',
  'zip',
  'enumerate',
  'min',
  'max',
  'abs',
  'round',
  'sum',
  'isinstance',
  'type',
  'open',
  'bool',
  'repr',
  'sorted',
  'reversed',
  'set',
  'map',
  'filter',
  'any',
  'all',
  'input',
  'format',
  'getattr',
  'hasattr',
  'vars',
  'dir',
  'help',
  'id',
  'object',
  'super',
  '__name__',
  '__file__',
]);
