/**
 * `x.shape` while model code runs: the layers that lead to x, inferred as a model of their own, give the shape Keras
 * knows at that point, `(None, 16, 16, 8)`. keras.io's blocks size layers from it (`filters = x.shape[-1]`) and
 * branch on it (`if x.shape[-1] != filters:`).
 */
import type { Problem } from '../../core/problems';
import type { Shape } from '../../core/shape';
import { makeNode } from '../../graph/build';
import type { ModelDocument } from '../../graph/document';
import { infer, outputOf } from '../../graph/inference';
import type { PendingLayer } from './values';

type Edge = { source: string; target: string; sourceOutput?: number };

/** The shape of output `output` of `nodeId`, or the error that keeps it unknown (the first one on the way). */
export function shapeOfTensor(
  layers: readonly PendingLayer[],
  edges: readonly Edge[],
  skip: ReadonlySet<string>,
  nodeId: string,
  output = 0,
): { shape: Shape } | { cause: Problem | undefined } {
  const incoming = new Map<string, Edge[]>();
  for (const edge of edges) incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge]);
  const reached = new Set<string>();
  const stack = [nodeId];
  while (stack.length) {
    const id = stack.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const edge of incoming.get(id) ?? []) stack.push(edge.source);
  }
  const used = layers.filter((l) => reached.has(l.id) && !skip.has(l.id));
  const ids = new Map(used.map((l, i) => [l.id, `n${i}`]));
  const doc: ModelDocument = {
    name: 'shape',
    modelClass: 'Functional',
    nodes: used.map((l) => makeNode(ids.get(l.id)!, { className: l.className, config: l.given, name: l.name })),
    edges: edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge, i) => ({
        id: `e${i}`,
        source: ids.get(edge.source)!,
        target: ids.get(edge.target)!,
        ...(edge.sourceOutput ? { sourceOutput: edge.sourceOutput } : {}),
      })),
  };
  const inference = infer(doc);
  const info = inference.nodes.get(ids.get(nodeId) ?? '');
  const shape = info ? outputOf(info, output) : null;
  if (shape) return { shape };
  const isError = (p: Problem) => p.severity === 'error';
  return { cause: info?.problems.find(isError) ?? inference.problems.find(isError) };
}
