/**
 * Applying a problem's fix (engine/core/problems.ts `ProblemFix`): pure edits of the document, so the canvas can
 * apply a whole fix as one undo step and tests can check the result without a page.
 */
import type { FixStep, FixValue, ProblemFix } from '../core/problems';
import { getLayer } from '../layers/registry';
import { makeNode } from './build';
import { newId, type DocEdge, type DocNode, type ModelDocument } from './document';

/** Vertical distance between a layer and one placed below it, as the canvas places them. */
export const FIX_ROW_GAP = 120;

/** The document with every step of `fix` applied in order; ids of layers the fix adds come from `ids`. */
export function applyFix(doc: ModelDocument, fix: ProblemFix, ids: () => string = () => newId()): ModelDocument {
  let next = doc;
  for (const step of fix.steps) next = applyStep(next, step, ids);
  return next;
}

/** A step whose layers are gone (an earlier fix removed them) changes nothing. */
export function applyStep(doc: ModelDocument, step: FixStep, ids: () => string = () => newId()): ModelDocument {
  const has = (id: string) => doc.nodes.some((n) => n.id === id);
  const refs =
    step.op === 'remove'
      ? []
      : 'nodeId' in step
        ? [step.nodeId, ...('after' in step ? [step.after] : [])]
        : [step.source, step.target];
  if (!refs.every(has)) return doc;
  switch (step.op) {
    case 'set-config':
      return setConfig(doc, step.nodeId, step.key, step.value);
    case 'insert-after':
      return insertAfter(doc, step.nodeId, makeNode(ids(), { className: step.className, config: step.config }));
    case 'insert-before':
      return insertBefore(doc, step.nodeId, makeNode(ids(), { className: step.className, config: step.config }));
    case 'move-after':
      return moveAfter(doc, step.nodeId, step.after);
    case 'remove':
      return removeFromDocument(doc, step.nodeIds, [], step.reconnect);
    case 'connect':
      if (doc.edges.some((e) => e.source === step.source && e.target === step.target)) return doc;
      return { ...doc, edges: [...doc.edges, { id: newId('e'), source: step.source, target: step.target }] };
    case 'disconnect':
      return { ...doc, edges: doc.edges.filter((e) => !(e.source === step.source && e.target === step.target)) };
  }
}

function setConfig(doc: ModelDocument, id: string, key: string, value: FixValue): ModelDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, config: { ...n.config, [key]: value } } : n)) };
}

/**
 * Removes layers (and every connection touching them) and connections. With `reconnect`, a removed layer's
 * producers feed its consumers, so deleting a layer from a chain keeps the chain whole.
 */
export function removeFromDocument(
  doc: ModelDocument,
  nodeIds: Iterable<string>,
  edgeIds: Iterable<string> = [],
  reconnect = false,
): ModelDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return doc;
  let kept = doc.edges.filter((e) => !edges.has(e.id));
  if (reconnect) kept = bridge(kept, nodes);
  const weights = doc.weights
    ? Object.fromEntries(Object.entries(doc.weights).filter(([id]) => !nodes.has(id)))
    : undefined;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: kept.filter((e) => !nodes.has(e.source) && !nodes.has(e.target)),
    ...(weights ? { weights } : {}),
  };
}

/**
 * Edges after taking `removed` out with their chains bridged: an edge from a removed layer into a kept one is
 * replaced, in place (merge inputs keep their order), by edges from the removed run's first kept producers.
 */
function bridge(edges: DocEdge[], removed: ReadonlySet<string>): DocEdge[] {
  // Each producer with the output it fed the run from (an RNN's return_state state keeps its index).
  const producers = (id: string, seen = new Set<string>()): DocEdge[] => {
    if (seen.has(id)) return [];
    seen.add(id);
    return edges
      .filter((e) => e.target === id)
      .flatMap((e) => (removed.has(e.source) ? producers(e.source, seen) : [e]));
  };
  const same = (a: DocEdge, b: DocEdge) => a.source === b.source && (a.sourceOutput ?? 0) === (b.sourceOutput ?? 0);
  const out: DocEdge[] = [];
  for (const e of edges) {
    if (removed.has(e.target)) continue;
    if (!removed.has(e.source)) {
      out.push(e);
      continue;
    }
    for (const p of producers(e.source)) {
      const exists =
        out.some((o) => same(o, p) && o.target === e.target) || edges.some((o) => same(o, p) && o.target === e.target);
      if (!exists)
        out.push({
          id: newId('e'),
          source: p.source,
          target: e.target,
          ...(p.sourceOutput ? { sourceOutput: p.sourceOutput } : {}),
        });
    }
  }
  return out;
}

/** `node` between `anchor` and every layer `anchor` feeds, placed below it; the layers below make room. */
export function insertAfter(doc: ModelDocument, anchor: string, node: DocNode): ModelDocument {
  const at = doc.nodes.find((n) => n.id === anchor)?.position;
  const edges = doc.edges.map((e) => (e.source === anchor ? { ...e, source: node.id } : e));
  edges.push({ id: newId('e'), source: anchor, target: node.id });
  const placed = at ? { ...node, position: { x: at.x, y: at.y + FIX_ROW_GAP } } : node;
  const next = { ...doc, nodes: [...doc.nodes, placed], edges };
  return at ? makeRoom(next, node.id, at.y) : next;
}

/**
 * `node` between whatever feeds `anchor` and `anchor` (or only on the connection `edgeId` into it), taking its
 * place; `anchor` and the layers below move down a row.
 */
export function insertBefore(doc: ModelDocument, anchor: string, node: DocNode, edgeId?: string): ModelDocument {
  const at = doc.nodes.find((n) => n.id === anchor)?.position;
  const edges = doc.edges.map((e) =>
    e.target === anchor && (!edgeId || e.id === edgeId) ? { ...e, target: node.id } : e,
  );
  edges.push({ id: newId('e'), source: node.id, target: anchor });
  const placed = at ? { ...node, position: { ...at } } : node;
  const next = { ...doc, nodes: [...doc.nodes, placed], edges };
  return at ? makeRoom(next, node.id, at.y - 1) : next;
}

/** A new layer of `className` on the connection `edgeId` (a layer dropped onto it); null when it takes no input. */
export function insertOnEdge(
  doc: ModelDocument,
  edgeId: string,
  className: string,
  id = newId(),
): ModelDocument | null {
  const edge = doc.edges.find((e) => e.id === edgeId);
  if (!edge || getLayer(className)?.arity === 'none') return null;
  return insertBefore(doc, edge.target, makeNode(id, { className }), edgeId);
}

/**
 * Takes `id` out of its chain (its producer feeds its consumers, in place) and puts it between `after` and the
 * layers `after` feeds. Two neighbours just swap places on the canvas.
 */
export function moveAfter(doc: ModelDocument, id: string, after: string): ModelDocument {
  const node = doc.nodes.find((n) => n.id === id);
  const target = doc.nodes.find((n) => n.id === after);
  if (!node || !target || id === after) return doc;
  const producer = doc.edges.find((e) => e.target === id)?.source;
  const consumers = doc.edges.filter((e) => e.source === id).map((e) => e.target);
  const swap = consumers.length === 1 && consumers[0] === after && node.position && target.position;
  let edges = doc.edges.filter((e) => e.target !== id);
  edges = producer
    ? edges.map((e) => (e.source === id ? { ...e, source: producer } : e))
    : edges.filter((e) => e.source !== id);
  const rest = { ...doc, nodes: doc.nodes.filter((n) => n.id !== id), edges };
  if (swap) {
    const moved = insertAfterKeepingPlaces(rest, after, { ...node, position: target.position });
    return { ...moved, nodes: moved.nodes.map((n) => (n.id === after ? { ...n, position: node.position } : n)) };
  }
  return insertAfter(rest, after, node);
}

function insertAfterKeepingPlaces(doc: ModelDocument, anchor: string, node: DocNode): ModelDocument {
  const edges = doc.edges.map((e) => (e.source === anchor ? { ...e, source: node.id } : e));
  edges.push({ id: newId('e'), source: anchor, target: node.id });
  return { ...doc, nodes: [...doc.nodes, node], edges };
}

/** Moves every layer downstream of `from` (not `from` itself) and below `aboveY` down a row. */
function makeRoom(doc: ModelDocument, from: string, aboveY: number): ModelDocument {
  const below = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of doc.edges)
      if (e.source === id && !below.has(e.target) && e.target !== from) {
        below.add(e.target);
        stack.push(e.target);
      }
  }
  if (below.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) =>
      below.has(n.id) && n.position && n.position.y > aboveY
        ? { ...n, position: { x: n.position.x, y: n.position.y + FIX_ROW_GAP } }
        : n,
    ),
  };
}
