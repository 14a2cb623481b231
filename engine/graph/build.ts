/** Building documents in code: used by importers, templates and tests. */
import { completeConfig } from '../layers/config';
import { getLayer } from '../layers/registry';
import type { DocEdge, DocNode, ModelDocument } from './document';

export interface LayerSpec {
  className: string;
  config?: Record<string, unknown>;
  name?: string;
  position?: { x: number; y: number };
}

/** Makes a node with Keras defaults for every field not given. Unknown classes keep the config as given. */
export function makeNode(id: string, spec: LayerSpec): DocNode {
  const def = getLayer(spec.className);
  const config = def
    ? completeConfig(def, spec.config ?? {}).config
    : ({ ...(spec.config ?? {}) } as DocNode['config']);
  const node: DocNode = { id, className: spec.className, config };
  if (spec.name) node.name = spec.name;
  if (spec.position) node.position = spec.position;
  return node;
}

/** A Sequential-style chain: each layer feeds the next. Ids are `n0`, `n1`, …; edges `e0`, `e1`, …. */
export function chainDocument(layers: LayerSpec[], name = 'sequential'): ModelDocument {
  const nodes = layers.map((l, i) => makeNode(`n${i}`, l));
  const edges: DocEdge[] = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }));
  return { name, nodes, edges };
}

/** A document from layers and explicit connections by index: `[from, to]` pairs. */
export function graphDocument(layers: LayerSpec[], links: [number, number][], name = 'functional'): ModelDocument {
  const nodes = layers.map((l, i) => makeNode(`n${i}`, l));
  const edges = links.map(([a, b], i) => ({ id: `e${i}`, source: nodes[a].id, target: nodes[b].id }));
  return { name, nodes, edges, modelClass: 'auto' };
}
