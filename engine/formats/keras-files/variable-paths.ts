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
import type { Inference } from '../../graph/inference';
import { toSnakeCase } from '../../layers/registry';

/** The node ids in the order of Keras's `model.layers` for the model the document writes as. */
export function kerasLayerOrder(doc: ModelDocument, inference: Inference): string[] {
  const classOf = new Map(doc.nodes.map((n) => [n.id, n.className]));
  if (inference.modelClass === 'Sequential') return inference.order.filter((id) => classOf.get(id) !== 'InputLayer');
  const parents = (id: string) => (inference.topology.incoming.get(id) ?? []).map((e) => e.source);
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
  for (const out of inference.outputs) visit(out);
  const depth = new Map<string, number>();
  for (const id of [...postOrder].reverse()) {
    const d = depth.get(id) ?? 0;
    depth.set(id, d);
    for (const p of parents(id)) depth.set(p, Math.max(d + 1, depth.get(p) ?? 0));
  }
  // Inputs that reach no output are listed too, at depth 0, first among their depth.
  for (const id of inference.inputs)
    if (!depth.has(id)) {
      depth.set(id, 0);
      index.set(id, -1);
    }
  return [...depth.keys()].sort((a, b) => depth.get(b)! - depth.get(a)! || index.get(a)! - index.get(b)!);
}

/** Each layer's `layers/<slot>` path, by node id, in Keras's order. */
export function kerasVariablePaths(doc: ModelDocument, inference: Inference): Map<string, string> {
  const classOf = new Map(doc.nodes.map((n) => [n.id, n.className]));
  const used = new Map<string, number>();
  const out = new Map<string, string>();
  for (const id of kerasLayerOrder(doc, inference)) {
    const base = toSnakeCase(classOf.get(id) ?? 'layer');
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    out.set(id, `layers/${n === undefined ? base : `${base}_${n + 1}`}`);
  }
  return out;
}
