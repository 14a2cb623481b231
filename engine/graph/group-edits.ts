/**
 * Grouping selected layers into a nested Functional model, and ungrouping one: the selection must be what Keras can
 * call as a sub-model here, one tensor in and one out, with no path leaving it and coming back.
 */
import type { ModelDocument } from './document';
import { newId } from './document';
import { groupChains } from './groups';
import type { Inference } from './inference';

/** Why these layers cannot become one nested model, in one line; null when they can. */
export function groupRefusal(doc: ModelDocument, inference: Inference, ids: readonly string[]): string | null {
  const inside = new Set(ids);
  const nodes = doc.nodes.filter((n) => inside.has(n.id));
  if (nodes.length === 0) return 'select the layers to group first';
  const input = nodes.find((n) => n.className === 'InputLayer');
  if (input)
    return `${inference.nodes.get(input.id)?.name ?? input.id} is a model input: a nested model starts after it`;
  if (new Set(nodes.map((n) => n.group ?? '')).size > 1)
    return 'the layers are in different nested models: select layers of one model';
  const sources = new Set<string>();
  const leaving = new Set<string>();
  const outputs = new Set(inference.outputs);
  for (const id of inside) {
    for (const e of inference.topology.incoming.get(id) ?? [])
      if (!inside.has(e.source)) sources.add(`${e.source}#${e.sourceOutput ?? 0}`);
    for (const e of inference.topology.outgoing.get(id) ?? [])
      if (!inside.has(e.target)) leaving.add(`${id}#${e.sourceOutput ?? 0}`);
    if (outputs.has(id)) leaving.add(`${id}#0`);
  }
  // One tensor in and one out also makes the selection contiguous: a path leaving it and coming back would be a
  // second tensor out and a second in.
  if (sources.size !== 1)
    return `a nested model takes one tensor here, and these layers take ${sources.size === 0 ? 'none' : sources.size}`;
  if (leaving.size !== 1)
    return `a nested model gives one tensor here, and ${leaving.size === 0 ? 'nothing leaves these layers' : `${leaving.size} leave these layers`}`;
  if (![...leaving][0].endsWith('#0')) return "a nested model's output is its last layer's first output, not a state";
  return null;
}

/** A name no layer or nested model has: `functional`, `functional_1` … as Keras names models. */
function freeName(doc: ModelDocument, inference: Inference): string {
  const taken = new Set([
    ...(doc.groups ?? []).map((g) => g.name),
    ...[...inference.nodes.values()].map((n) => n.name),
  ]);
  for (let k = 0; ; k++) {
    const name = k === 0 ? 'functional' : `functional_${k}`;
    if (!taken.has(name)) return name;
  }
}

/** The layers as one nested Functional model inside the model (or nested model) they are in; the id is the group's. */
export function groupIntoModel(
  doc: ModelDocument,
  inference: Inference,
  ids: readonly string[],
  id = newId('g'),
): { doc: ModelDocument; id: string } | { refusal: string } {
  const refusal = groupRefusal(doc, inference, ids);
  if (refusal) return { refusal };
  const inside = new Set(ids);
  const parent = doc.nodes.find((n) => inside.has(n.id))!.group;
  const group = { id, className: 'Functional' as const, name: freeName(doc, inference), ...(parent ? { parent } : {}) };
  return {
    id,
    doc: {
      ...doc,
      groups: [...(doc.groups ?? []), group],
      nodes: doc.nodes.map((n) => (inside.has(n.id) ? { ...n, group: id } : n)),
    },
  };
}

/** The nested model's layers (and the models nested in it) back in the model around it. */
export function ungroupModel(doc: ModelDocument, groupId: string): ModelDocument {
  const group = doc.groups?.find((g) => g.id === groupId);
  if (!group || !groupChains(doc).has(groupId)) return doc;
  const rest = doc
    .groups!.filter((g) => g.id !== groupId)
    .map((g) => {
      if (g.parent !== groupId) return g;
      const { parent: _, ...top } = g;
      return group.parent ? { ...top, parent: group.parent } : top;
    });
  const nodes = doc.nodes.map((n) => {
    if (n.group !== groupId) return n;
    const { group: _, ...free } = n;
    return group.parent ? { ...free, group: group.parent } : free;
  });
  const out: ModelDocument = { ...doc, nodes };
  if (rest.length) out.groups = rest;
  else delete out.groups;
  return out;
}
