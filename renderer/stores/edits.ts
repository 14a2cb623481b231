/**
 * Edits of the model document as pure functions (document in, new document out). The graph store applies them
 * and records history; tests call them directly.
 */
import { makeNode } from '../../engine/api/graph';
import { newId, type DocEdge, type DocNode, type ModelDocument } from '../../engine/api/graph';
import { insertOnEdge, removeFromDocument } from '../../engine/api/graph';
import { getLayer } from '../../engine/api/layers';
import type { ConfigValue } from '../../engine/api/layers';
import { connectionRefusal } from '../../engine/api/graph';

export type Position = { x: number; y: number };

/** Vertical distance between a layer and one placed below it. */
export const ROW_GAP = 120;
/** Horizontal distance between columns of layers placed automatically. */
export const COLUMN_GAP = 260;

/** The first spot from `p` rightwards, a column at a time, that no placed layer covers. */
export function freeSpot(placed: Iterable<Position>, p: Position): Position {
  const all = [...placed];
  const covered = (q: Position) =>
    all.some((o) => Math.abs(o.x - q.x) < COLUMN_GAP - 20 && Math.abs(o.y - q.y) < ROW_GAP - 20);
  let spot = p;
  while (covered(spot)) spot = { x: spot.x + COLUMN_GAP, y: spot.y };
  return spot;
}

export function addNode(doc: ModelDocument, className: string, position: Position, id = newId()): ModelDocument {
  return { ...doc, nodes: [...doc.nodes, makeNode(id, { className, position })] };
}

/**
 * Adds a layer below `below` (or under the lowest layer when none is given) and connects it from `below` when the
 * connection is valid. Returns the new document and the new node's id.
 */
export function addNodeBelow(
  doc: ModelDocument,
  className: string,
  below: string | null,
  id = newId(),
): { doc: ModelDocument; id: string } {
  const anchor = below ? doc.nodes.find((n) => n.id === below) : lowestNode(doc);
  // Below a layer that feeds exactly one other, the new layer goes between them rather than on a dangling branch.
  const consumers = anchor ? doc.edges.filter((e) => e.source === anchor.id) : [];
  if (below && anchor && consumers.length === 1 && getLayer(className)?.arity !== 'none') {
    const inserted = insertOnEdge(doc, consumers[0].id, className, id);
    if (inserted) return { doc: inserted, id };
  }
  const spot = anchor?.position ? { x: anchor.position.x, y: anchor.position.y + ROW_GAP } : { x: 0, y: 0 };
  const position = freeSpot(
    doc.nodes.flatMap((n) => (n.position ? [n.position] : [])),
    spot,
  );
  let next = addNode(doc, className, position, id);
  if (below && anchor && connectionRefusal(next, anchor.id, id) === null) next = connect(next, anchor.id, id);
  return { doc: next, id };
}

function lowestNode(doc: ModelDocument): DocNode | undefined {
  let best: DocNode | undefined;
  for (const n of doc.nodes) if (n.position && (!best?.position || n.position.y > best.position.y)) best = n;
  return best;
}

/**
 * Connects source → target; the caller has checked it (connectionRefusal). `sourceOutput`: which of the source's
 * outputs (an RNN's return_state states: 1, 2 …).
 */
export function connect(
  doc: ModelDocument,
  source: string,
  target: string,
  id = newId('e'),
  sourceOutput = 0,
): ModelDocument {
  return { ...doc, edges: [...doc.edges, { id, source, target, ...(sourceOutput ? { sourceOutput } : {}) }] };
}

/** Removes nodes (and every edge touching them) and edges; with `reconnect`, each removed chain link is bridged. */
export function removeItems(
  doc: ModelDocument,
  nodeIds: Iterable<string>,
  edgeIds: Iterable<string> = [],
  reconnect = false,
): ModelDocument {
  return removeFromDocument(doc, nodeIds, edgeIds, reconnect);
}

function mapNode(doc: ModelDocument, id: string, f: (n: DocNode) => DocNode): ModelDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? f(n) : n)) };
}

export function setConfigValue(doc: ModelDocument, id: string, key: string, value: ConfigValue): ModelDocument {
  return mapNode(doc, id, (n) => ({ ...n, config: { ...n.config, [key]: value } }));
}

/** An empty name goes back to Keras's automatic one. */
export function renameNode(doc: ModelDocument, id: string, name: string): ModelDocument {
  return mapNode(doc, id, (n) => {
    const { name: _old, ...rest } = n;
    return name.trim() ? { ...rest, name: name.trim() } : rest;
  });
}

export function moveNodes(doc: ModelDocument, positions: ReadonlyMap<string, Position>): ModelDocument {
  if (positions.size === 0) return doc;
  return { ...doc, nodes: doc.nodes.map((n) => (positions.has(n.id) ? { ...n, position: positions.get(n.id) } : n)) };
}

/** What Copy keeps: the selected layers and the connections among them. */
export interface Fragment {
  nodes: DocNode[];
  edges: DocEdge[];
}

export function copyFragment(doc: ModelDocument, nodeIds: Iterable<string>): Fragment {
  const ids = new Set(nodeIds);
  return {
    nodes: doc.nodes.filter((n) => ids.has(n.id)).map((n) => structuredClone(n)),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ ...e })),
  };
}

/**
 * Pastes a fragment with fresh ids, shifted by `offset`. User-given names get a `_copy` suffix so they stay unique;
 * automatic names renumber themselves. Returns the new document and the pasted node ids.
 */
export function pasteFragment(
  doc: ModelDocument,
  fragment: Fragment,
  offset: Position = { x: 40, y: 40 },
): { doc: ModelDocument; ids: string[] } {
  const idMap = new Map<string, string>();
  const taken = new Set(doc.nodes.map((n) => n.name).filter(Boolean) as string[]);
  const nodes = fragment.nodes.map((n) => {
    const id = newId();
    idMap.set(n.id, id);
    const copy: DocNode = { ...structuredClone(n), id };
    // A copy stands outside the nested model its original is in: a model is one chain of layers, used once.
    delete copy.group;
    if (n.position) copy.position = { x: n.position.x + offset.x, y: n.position.y + offset.y };
    if (n.name) {
      let name = `${n.name}_copy`;
      for (let k = 2; taken.has(name); k++) name = `${n.name}_copy${k}`;
      taken.add(name);
      copy.name = name;
    }
    return copy;
  });
  const edges = fragment.edges.map((e) => ({
    id: newId('e'),
    source: idMap.get(e.source)!,
    target: idMap.get(e.target)!,
  }));
  return {
    doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] },
    ids: nodes.map((n) => n.id),
  };
}

/** Shows a nested model's layers, or collapses them into one node. */
export function setGroupCollapsed(doc: ModelDocument, groupId: string, collapsed: boolean): ModelDocument {
  if (!doc.groups?.some((g) => g.id === groupId && (g.collapsed === true) !== collapsed)) return doc;
  return { ...doc, groups: doc.groups.map((g) => (g.id === groupId ? { ...g, collapsed } : g)) };
}
