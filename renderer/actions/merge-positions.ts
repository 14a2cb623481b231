/**
 * Code → canvas: an imported document takes the place of the current one, but layers whose names match keep their
 * ids and positions, so applying an edit of the code does not rearrange the canvas.
 */
import { buildTopology } from '../../engine/api/graph';
import { newId, type DocNode, type ModelDocument } from '../../engine/api/graph';
import { assignNames } from '../../engine/api/graph';
import { valuesEqual } from '../../engine/api/layers';
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
  const edges = imported.edges.map((e) => ({
    ...e,
    source: idMap.get(e.source) ?? e.source,
    target: idMap.get(e.target) ?? e.target,
  }));

  // Trained weights survive only for layers that are the same layer as before.
  const weights: NonNullable<ModelDocument['weights']> = {};
  for (const n of imported.nodes) {
    const old = matchOf.get(n.id);
    const w = old && current.weights?.[old.id];
    if (
      w &&
      old.className === n.className &&
      Object.keys(n.config).every((k) => valuesEqual(n.config[k], old.config[k]))
    )
      weights[old.id] = w;
  }
  const doc: ModelDocument = { ...imported, nodes, edges };
  delete doc.weights;
  if (Object.keys(weights).length) doc.weights = weights;
  if (matched === 0) return { doc, needsLayout: nodes.length > 0 };
  const placedDoc = placeNewNodes(doc, true);
  return placedDoc ? { doc: placedDoc, needsLayout: false } : { doc, needsLayout: true };
}

/**
 * Gives every node without a position one. A layer put into a chain takes its place in it: below its input, with
 * the layers after it moved down to make room; a layer added at the end goes below its input. With `strict`, any
 * other new layer (a new branch, a new input) makes it give up and return null, so the caller lays the whole model
 * out instead of squeezing the layer in beside its neighbours; without, such layers go in a column to the right.
 */
export function placeNewNodes(doc: ModelDocument, strict: true): ModelDocument | null;
export function placeNewNodes(doc: ModelDocument, strict?: false): ModelDocument;
export function placeNewNodes(doc: ModelDocument, strict = false): ModelDocument | null {
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
    const inputs = topology.incoming.get(id) ?? [];
    const consumers = (topology.outgoing.get(id) ?? []).map((e) => e.target);
    const from = inputs.length === 1 ? positions.get(inputs[0].source) : undefined;
    if (from && consumers.length > 0 && consumers.every((c) => positions.has(c))) {
      const p = { x: from.x, y: from.y + ROW_GAP };
      positions.set(id, p);
      makeRoomBelow(topology, positions, id, p.y + ROW_GAP - Math.min(...consumers.map((c) => positions.get(c)!.y)));
      continue;
    }
    if (from && consumers.length === 0) {
      positions.set(id, freeSpot(positions.values(), { x: from.x, y: from.y + ROW_GAP }));
      continue;
    }
    if (strict) return null;
    const any = inputs.map((e) => positions.get(e.source)).find(Boolean);
    let p: Position;
    if (any) p = freeSpot(positions.values(), { x: any.x, y: any.y + ROW_GAP });
    else {
      p = { x: maxX + COLUMN_GAP, y: freeColumnY };
      freeColumnY += ROW_GAP;
    }
    positions.set(id, p);
  }
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.position === positions.get(n.id) ? n : { ...n, position: positions.get(n.id)! })),
  };
}

/** Moves every placed layer downstream of `from` down by `shift` (when positive). */
function makeRoomBelow(
  topology: ReturnType<typeof buildTopology>,
  positions: Map<string, Position>,
  from: string,
  shift: number,
): void {
  if (shift <= 0) return;
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    for (const e of topology.outgoing.get(stack.pop()!) ?? []) {
      if (seen.has(e.target)) continue;
      seen.add(e.target);
      stack.push(e.target);
      const p = positions.get(e.target);
      if (p) positions.set(e.target, { x: p.x, y: p.y + shift });
    }
  }
}
