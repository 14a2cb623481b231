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

/**
 * Each group's chain out to the outer model: itself, the group it is nested in, … the outermost. A parent the
 * document lacks, or a cycle, ends the chain.
 */
export function groupChains(doc: ModelDocument): Map<string, string[]> {
  const byId = new Map((doc.groups ?? []).map((g) => [g.id, g]));
  const out = new Map<string, string[]>();
  for (const g of byId.values()) {
    const chain = [g.id];
    for (let at = g.parent; at !== undefined && byId.has(at) && !chain.includes(at); at = byId.get(at)!.parent)
      chain.push(at);
    out.set(g.id, chain);
  }
  return out;
}

/** The groups at every depth, each with all its layers (those of the groups nested in it too). */
export function allGroupViews(doc: ModelDocument, inference: Inference): Map<string, GroupView> {
  const chains = groupChains(doc);
  const members = new Map<string, string[]>([...chains.keys()].map((id) => [id, []]));
  const groupOf = new Map(doc.nodes.map((n) => [n.id, n.group]));
  for (const id of inference.order) for (const g of chains.get(groupOf.get(id) ?? '') ?? []) members.get(g)!.push(id);
  const byId = new Map((doc.groups ?? []).map((g) => [g.id, g]));
  return new Map([...members].map(([id, ids]) => [id, viewOf(byId.get(id)!, ids, inference)]));
}

/** A group's inputs from outside it and the one layer whose output leaves it, as Keras's sub-model sees them. */
function viewOf(group: DocGroup, members: string[], inference: Inference): GroupView {
  const inside = new Set(members);
  const outputs = new Set(inference.outputs);
  const sources: string[] = [];
  const leaving = new Set<string>();
  for (const id of members) {
    for (const e of inference.topology.incoming.get(id) ?? [])
      if (!inside.has(e.source) && !sources.includes(e.source)) sources.push(e.source);
    if (outputs.has(id) || (inference.topology.outgoing.get(id) ?? []).some((e) => !inside.has(e.target)))
      leaving.add(id);
  }
  // A group whose last layer is unconnected for now still has an output: its last layer.
  const output = leaving.size === 1 ? [...leaving][0] : leaving.size === 0 ? (members.at(-1) ?? null) : null;
  return { group, members, sources, output };
}

export function unitGraph(doc: ModelDocument, inference: Inference): UnitGraph {
  // The outer model sees its own nested models: a layer deeper in belongs to the outermost group around it.
  const chains = groupChains(doc);
  const groupOf = new Map<string, string>();
  for (const n of doc.nodes) if (n.group && chains.has(n.group)) groupOf.set(n.id, chains.get(n.group)!.at(-1)!);
  const unitOf = (id: string) => groupOf.get(id) ?? id;
  const members = new Map<string, string[]>();
  for (const g of doc.groups ?? []) if (chains.get(g.id)!.length === 1) members.set(g.id, []);
  const order: string[] = [];
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  const takenBy = new Map<string, Set<string>>();
  for (const id of inference.order) {
    const unit = unitOf(id);
    if (!incoming.has(unit)) {
      order.push(unit);
      incoming.set(unit, []);
      outgoing.set(unit, []);
    }
    const inGroup = members.get(unit);
    inGroup?.push(id);
    for (const e of inference.topology.incoming.get(id) ?? []) {
      const from = unitOf(e.source);
      if (from === unit) continue;
      // A sub-model takes each outer tensor once, however many of its layers use it.
      if (inGroup) {
        const taken = takenBy.get(unit) ?? new Set<string>();
        takenBy.set(unit, taken);
        if (taken.has(e.source)) continue;
        taken.add(e.source);
      }
      incoming.get(unit)!.push(from);
      outgoing.get(from)?.push(unit);
    }
  }
  const byId = new Map((doc.groups ?? []).map((g) => [g.id, g]));
  const groups = new Map([...members].map(([id, ids]) => [id, viewOf(byId.get(id)!, ids, inference)]));
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
  // The groups nested in this one stay groups of the sub-model, one level up.
  const chains = groupChains(doc);
  const inner = (doc.groups ?? [])
    .filter((g) => g.id !== view.group.id && chains.get(g.id)!.includes(view.group.id))
    .map(({ parent, ...g }) => (parent === view.group.id ? g : { ...g, parent }));
  const innerIds = new Set(inner.map((g) => g.id));
  const nodes = [
    ...inputs,
    ...doc.nodes
      .filter((n) => members.has(n.id))
      .map(({ group, ...n }) => ({
        ...n,
        name: n.name ?? inference.nodes.get(n.id)?.name,
        ...(group && innerIds.has(group) ? { group } : {}),
      })),
  ];
  return {
    name: view.group.name,
    modelClass: view.group.className,
    nodes,
    edges,
    ...(Object.keys(weights).length ? { weights } : {}),
    ...(inner.length ? { groups: inner } : {}),
  };
}
