/** Which connections a model accepts: the rules inference would flag, refused before an edge is drawn. */
import { wouldCreateCycle } from './dag';
import type { ModelDocument } from './document';
import { assignNames } from './naming';
import { getLayer } from '../layers/registry';

/** A layer's Keras name, as the canvas shows it. */
function nameOf(doc: ModelDocument, id: string): string {
  return assignNames(doc.nodes).get(id) ?? id;
}

/** Why `source → target` cannot be connected, or null when it can. */
export function connectionRefusal(
  doc: ModelDocument,
  source: string | null | undefined,
  target: string | null | undefined,
  /** Which of the source's outputs (an RNN's return_state states: 1, 2 …). */
  sourceOutput = 0,
): string | null {
  if (!source || !target) return 'a connection needs two layers';
  const from = doc.nodes.find((n) => n.id === source);
  const to = doc.nodes.find((n) => n.id === target);
  if (!from || !to) return 'a connection needs two layers';
  const def = getLayer(to.className);
  if (def?.arity === 'none') return 'an InputLayer takes no inputs';
  if (doc.edges.some((e) => e.source === source && e.target === target && (e.sourceOutput ?? 0) === sourceOutput))
    return 'these layers are already connected';
  if (source === target) return `this connection would make a cycle: ${nameOf(doc, source)} cannot feed itself`;
  if (wouldCreateCycle(doc, source, target))
    return `this connection would make a cycle: ${nameOf(doc, target)} already feeds ${nameOf(doc, source)}`;
  const existing = doc.edges.find((e) => e.target === target);
  if (def?.arity === 'one' && existing)
    return `${to.className} takes one input: remove the edge from ${nameOf(doc, existing.source)} first, or merge the branches with Add or Concatenate`;
  return null;
}
