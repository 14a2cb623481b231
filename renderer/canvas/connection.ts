/** Which connections the canvas accepts: the same rules inference would flag, refused before they are drawn. */
import { wouldCreateCycle } from '../../engine/graph/dag';
import type { ModelDocument } from '../../engine/graph/document';
import { assignNames } from '../../engine/graph/naming';
import { getLayer } from '../../engine/layers/registry';
import type { IsValidConnection } from '@xyflow/react';
import { useGraph } from '../stores/graph';

/** A layer's Keras name, as the canvas shows it. */
function nameOf(doc: ModelDocument, id: string): string {
  return assignNames(doc.nodes).get(id) ?? id;
}

/** Why `source → target` cannot be connected, or null when it can. */
export function connectionRefusal(doc: ModelDocument, source: string | null | undefined, target: string | null | undefined): string | null {
  if (!source || !target) return 'a connection needs two layers';
  const from = doc.nodes.find((n) => n.id === source);
  const to = doc.nodes.find((n) => n.id === target);
  if (!from || !to) return 'a connection needs two layers';
  const def = getLayer(to.className);
  if (def?.arity === 'none') return 'an InputLayer takes no inputs';
  if (doc.edges.some((e) => e.source === source && e.target === target)) return 'these layers are already connected';
  if (source === target) return `this connection would make a cycle: ${nameOf(doc, source)} cannot feed itself`;
  if (wouldCreateCycle(doc, source, target))
    return `this connection would make a cycle: ${nameOf(doc, target)} already feeds ${nameOf(doc, source)}`;
  const existing = doc.edges.find((e) => e.target === target);
  if (def?.arity === 'one' && existing)
    return `${to.className} takes one input: remove the edge from ${nameOf(doc, existing.source)} first, or merge the branches with Add or Concatenate`;
  return null;
}

/** React Flow's check while a connection is dragged; module scope so the canvas never sees a new function. */
export const isValidConnection: IsValidConnection = (c) => connectionRefusal(useGraph.getState().doc, c.source, c.target) === null;
