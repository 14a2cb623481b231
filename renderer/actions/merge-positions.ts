/**
 * Code → canvas: an imported document takes the place of the current one, but layers whose names match keep their
 * ids and positions, so applying an edit of the code does not rearrange the canvas.
 */
import { buildTopology } from '../../engine/graph/dag';
import { newId, type DocNode, type ModelDocument } from '../../engine/graph/document';
import { assignNames } from '../../engine/graph/naming';
import { valuesEqual } from '../../engine/layers/config';
import { COLUMN_GAP, freeSpot, ROW_GAP, type Position } from '../stores/edits';

export interface Merged {
  doc: ModelDocument;
  /** No layer matched: the caller lays the whole document out. */
  needsLayout: boolean;
}

export function mergeImported(current: ModelDocument, imported: ModelDocument): Merged {
  const oldNames = assignNames(current.nodes);
  const oldByName = new Map<string, DocNode>();
  for (const n of current.nodes) oldByName.set(oldNames.get(n.id)!, n);
  const newNames = assignNames(imported.nodes);

  // Match by name first; then give unmatched layers ids that cannot collide with the ids kept.
  const matchOf = new Map<string, DocNode>();
  const keptIds = new Set<string>();
  for (const n of imported.nodes) {
    const old = oldByName.get(newNames.get(n.id)!);
    if (old && !keptIds.has(old.id)) {
      matchOf.set(n.id, old);
      keptIds.add(old.id);
    }
  }
  const idMap = new Map<string, string>();
  const nodes: DocNode[] = imported.nodes.map((n) => {
    const old = matchOf.get(n.id);
    if (old) {
      idMap.set(n.id, old.id);
      return { ...n, id: old.id, ...(old.position ? { position: old.position } : {}) };
    }
    const id = keptIds.has(n.id) ? newId() : n.id;
    idMap.set(n.id, id);
    const { position: _ignored, ...rest } = n;
    return { ...rest, id };
  });
  const matched = matchOf.size;
  const edges = imported.edges.map((e) => ({ ...e, source: idMap.get(e.source) ?? e.source, target: idMap.get(e.target) ?? e.target }));

  // Trained weights survive only for layers that are the same layer as before.
  const weights: NonNullable<ModelDocument['weights']> = {};
  for (const n of imported.nodes) {
    const old = matchOf.get(n.id);
    const w = old && current.weights?.[old.id];
    if (w && old.className === n.className && Object.keys(n.config).every((k) => valuesEqual(n.config[k], old.config[k]))) weights[old.id] = w;
  }
  const doc: ModelDocument = { ...imported, nodes, edges };
  delete doc.weights;
  if (Object.keys(weights).length) doc.weights = weights;
  if (matched === 0) return { doc, needsLayout: nodes.length > 0 };
  return { doc: placeNewNodes(doc), needsLayout: false };
}

/** Gives every node without a position one: below its first placed input, or in a column right of the rest. */
export function placeNewNodes(doc: ModelDocument): ModelDocument {
  const positions = new Map<string, Position>();
  for (const n of doc.nodes) if (n.position) positions.set(n.id, n.position);
  if (positions.size === doc.nodes.length) return doc;
  const maxX = Math.max(0, ...[...positions.values()].map((p) => p.x));
  const minY = Math.min(0, ...[...positions.values()].map((p) => p.y));
  let freeColumnY = minY;
  const topology = buildTopology(doc);
  const order = [...topology.order, ...doc.nodes.map((n) => n.id).filter((id) => !topology.order.includes(id))];
  for (const id of order) {
    if (positions.has(id)) continue;
    const from = (topology.incoming.get(id) ?? []).map((e) => positions.get(e.source)).find(Boolean);
    let p: Position;
    if (from) p = freeSpot(positions.values(), { x: from.x, y: from.y + ROW_GAP });
    else {
      p = { x: maxX + COLUMN_GAP, y: freeColumnY };
      freeColumnY += ROW_GAP;
    }
    positions.set(id, p);
  }
  return { ...doc, nodes: doc.nodes.map((n) => (n.position ? n : { ...n, position: positions.get(n.id)! })) };
}
