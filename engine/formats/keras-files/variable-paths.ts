/**
 * Where Keras 3 keeps each layer's variables in `model.weights.h5` (inside a `.keras`) and in `.weights.h5`:
 * `layers/<slot>/vars/<i>`. The slot is NOT the layer's name: Keras names it from the class (`dense`, `dense_1`,
 * `re_lu`, `input_layer`) in the order of `model.layers` (saving_lib._save_container_state), so that two instances
 * of one model share paths. The `vars` group carries the layer's own name as an attribute, which reading prefers.
 * `model.layers` of a Sequential model leaves out its InputLayer; a functional model lists every layer in
 * ops/function.py map_graph's order: by depth from the outputs, deepest first, ties by first visit in a depth-first
 * walk from the outputs.
 */
import type { ModelDocument } from '../../graph/document';
import { subDocument, unitGraph } from '../../graph/groups';
import { infer, type Inference } from '../../graph/inference';
import { toSnakeCase } from '../../layers/registry';

/**
 * The ids in the order of Keras's `model.layers` for the model the document writes as: node ids, and a nested
 * model's group id in its place (groups.ts). Without groups, every unit is a node.
 */
export function kerasLayerOrder(doc: ModelDocument, inference: Inference): string[] {
  const units = unitGraph(doc, inference);
  const classOf = new Map(doc.nodes.map((n) => [n.id, n.className]));
  if (inference.modelClass === 'Sequential') return units.order.filter((id) => classOf.get(id) !== 'InputLayer');
  const parents = (id: string) => units.incoming.get(id) ?? [];
  const index = new Map<string, number>();
  const done = new Set<string>();
  const postOrder: string[] = [];
  const visit = (id: string) => {
    if (done.has(id)) return;
    if (!index.has(id)) index.set(id, index.size);
    for (const p of parents(id)) visit(p);
    done.add(id);
    postOrder.push(id);
  };
  for (const out of units.outputs) visit(out);
  const depth = new Map<string, number>();
  for (const id of [...postOrder].reverse()) {
    const d = depth.get(id) ?? 0;
    depth.set(id, d);
    for (const p of parents(id)) depth.set(p, Math.max(d + 1, depth.get(p) ?? 0));
  }
  // Inputs that reach no output are listed too, at depth 0, first among their depth.
  for (const id of units.inputs)
    if (!depth.has(id)) {
      depth.set(id, 0);
      index.set(id, -1);
    }
  return [...depth.keys()].sort((a, b) => depth.get(b)! - depth.get(a)! || index.get(a)! - index.get(b)!);
}

/** Where one layer's variables go: its `layers/<slot>` path and the name its `vars` group records. */
export interface VariablePath {
  path: string;
  name: string;
}

/**
 * Each layer's `layers/<slot>` path, by id, in Keras's order. A nested model has its own slot (`sequential`,
 * `functional`) whose `layers/…` hold its layers' slots, its input layers' too (by id `<group id>:input<k>`, no
 * weights), as Keras saves a model inside a model.
 */
export function kerasVariablePaths(doc: ModelDocument, inference: Inference): Map<string, VariablePath> {
  const classOf = new Map(doc.nodes.map((n) => [n.id, n.className]));
  const units = unitGraph(doc, inference);
  const used = new Map<string, number>();
  const out = new Map<string, VariablePath>();
  for (const id of kerasLayerOrder(doc, inference)) {
    const view = units.groups.get(id);
    const base = toSnakeCase(view ? view.group.className : (classOf.get(id) ?? 'layer'));
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    const path = `layers/${n === undefined ? base : `${base}_${n + 1}`}`;
    if (!view) {
      out.set(id, { path, name: inference.nodes.get(id)?.name ?? id });
      continue;
    }
    out.set(id, { path, name: view.group.name });
    const sub = subDocument(doc, inference, view);
    const subInference = infer(sub);
    const inner = kerasVariablePaths(sub, subInference);
    for (const [innerId, v] of inner)
      out.set(innerId, { path: `${path}/${v.path}`, name: subInference.nodes.get(innerId)?.name ?? v.name });
  }
  return out;
}
