/** Keras's automatic layer names: snake_case of the class plus a per-class counter, in construction order. */
import { getLayer, namePrefix, toSnakeCase } from '../layers/registry';
import type { DocNode } from './document';

/**
 * Effective names for every node, in document order (the order the layers were created).
 * A user's name wins; automatic names skip any name a user has taken, so the two never collide.
 */
export function assignNames(nodes: readonly DocNode[]): Map<string, string> {
  const taken = new Set(nodes.filter((n) => n.name).map((n) => n.name as string));
  const counters = new Map<string, number>();
  const names = new Map<string, string>();
  for (const n of nodes) {
    if (n.name) {
      names.set(n.id, n.name);
      continue;
    }
    const def = getLayer(n.className);
    const prefix = def ? namePrefix(def) : toSnakeCase(n.className);
    let k = counters.get(prefix) ?? 0;
    let name = k === 0 ? prefix : `${prefix}_${k}`;
    while (taken.has(name)) {
      k++;
      name = `${prefix}_${k}`;
    }
    counters.set(prefix, k + 1);
    names.set(n.id, name);
  }
  return names;
}

/** Is this a valid Keras layer name (letters, digits, `_`, `-`, `.`; no `/`)? */
export function checkLayerName(name: string): string | null {
  if (!name) return 'a layer name cannot be empty';
  if (name.includes('/')) return `layer name '${name}' cannot contain '/'`;
  if (!/^[A-Za-z0-9_.\-]+$/.test(name)) return `layer name '${name}' may only use letters, digits, '_', '-' and '.'`;
  return null;
}
