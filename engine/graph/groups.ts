/**
 * Nested models (document.ts DocGroup) seen from the outer model: each group is one unit, as Keras's outer model
 * sees a sub-model as one layer. The summary lists units, and the exports write a group back as a sub-model.
 */
import type { LayerConfig } from '../layers/types';
import { makeNode } from './build';
import type { DocEdge, DocGroup, ModelDocument, NamedWeight } from './document';
import type { Inference } from './inference';

export interface GroupView {
  group: DocGroup;
  /** Its layers in topological order. */
  members: string[];
  /** The nodes outside it that feed it, in the order its layers take them (the sub-model's inputs). */
  sources: string[];
  /** The member whose output leaves the group (the sub-model's output), or null while there is none or several. */
  output: string | null;
}

/** The outer model's view: units (a group's id, or a node's id outside every group) and how they connect. */
export interface UnitGraph {
  /** The unit each node belongs to. */
  unitOf: (nodeId: string) => string;
  groups: Map<string, GroupView>;
  /** Units in topological order (a group at its first member's place). */
  order: string[];
  /** The units feeding each unit, in input order, each once per connection. */
  incoming: Map<string, string[]>;
  outgoing: Map<string, string[]>;
  outputs: string[];
  inputs: string[];
}

export function unitGraph(doc: ModelDocument, inference: Inference): UnitGraph {
  const groupOf = new Map<string, string>();
  const known = new Map((doc.groups ?? []).map((g) => [g.id, g]));
  for (const n of doc.nodes) if (n.group && known.has(n.group)) groupOf.set(n.id, n.group);
  const unitOf = (id: string) => groupOf.get(id) ?? id;
  const groups = new Map<string, GroupView>();
  for (const g of known.values()) groups.set(g.id, { group: g, members: [], sources: [], output: null });
  const order: string[] = [];
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  const outputs = new Set(inference.outputs);
  const leaving = new Map<string, Set<string>>();
  for (const id of inference.order) {
    const unit = unitOf(id);
    if (!incoming.has(unit)) {
      order.push(unit);
      incoming.set(unit, []);
      outgoing.set(unit, []);
    }
    const view = groups.get(unit);
    view?.members.push(id);
    for (const e of inference.topology.incoming.get(id) ?? []) {
      const from = unitOf(e.source);
      if (from === unit) continue;
      if (view && view.sources.includes(e.source)) continue;
      view?.sources.push(e.source);
      incoming.get(unit)!.push(from);
      outgoing.get(from)?.push(unit);
    }
    if (view && (outputs.has(id) || (inference.topology.outgoing.get(id) ?? []).some((e) => unitOf(e.target) !== unit)))
      leaving.set(unit, (leaving.get(unit) ?? new Set()).add(id));
  }
  for (const [unit, ids] of leaving) if (ids.size === 1) groups.get(unit)!.output = [...ids][0];
  // A group whose last layer is unconnected for now still has an output: its last layer.
  for (const view of groups.values())
    if (!leaving.has(view.group.id) && view.members.length) view.output = view.members[view.members.length - 1];
  const unique = (ids: string[]) => [...new Set(ids.map(unitOf))];
  return {
    unitOf,
    groups,
    order: order.filter((u) => !groups.has(u) || groups.get(u)!.members.length > 0),
    incoming,
    outgoing,
    outputs: unique(inference.outputs),
    inputs: unique(inference.inputs),
  };
}

/**
 * A group as the model of its own that Keras nests: its layers, and one Input per tensor that feeds it (shaped as
 * that tensor) in place of the outer layers. Ids of its layers are kept; inputs are `<group id>:input<k>`, named
 * `inputNames[k]` where given.
 */
export function subDocument(
  doc: ModelDocument,
  inference: Inference,
  view: GroupView,
  inputNames: readonly string[] = [],
): ModelDocument {
  const members = new Set(view.members);
  const inputId = (k: number) => `${view.group.id}:input${k}`;
  const inputs = view.sources.map((source, k) => {
    const shape = inference.nodes.get(source)?.outputShape ?? null;
    const dtype = doc.nodes.find((n) => n.id === source)?.config.dtype;
    const config: LayerConfig = { shape: shape ? shape.slice(1) : null, batch_size: null };
    if (typeof dtype === 'string' && dtype !== 'float32') config.dtype = dtype;
    return makeNode(inputId(k), { className: 'InputLayer', config, name: inputNames[k] });
  });
  const edges: DocEdge[] = [];
  for (const id of view.members)
    for (const e of inference.topology.incoming.get(id) ?? [])
      edges.push(members.has(e.source) ? e : { ...e, source: inputId(view.sources.indexOf(e.source)) });
  const weights: Record<string, NamedWeight[]> = {};
  for (const id of view.members) if (doc.weights?.[id]) weights[id] = doc.weights[id];
  const nodes = [
    ...inputs,
    ...doc.nodes
      .filter((n) => members.has(n.id))
      .map(({ group: _, ...n }) => ({ ...n, name: n.name ?? inference.nodes.get(n.id)?.name })),
  ];
  return {
    name: view.group.name,
    modelClass: view.group.className,
    nodes,
    edges,
    ...(Object.keys(weights).length ? { weights } : {}),
  };
}
