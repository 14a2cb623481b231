/**
 * The BatchNormalization-free twin of a model: every BN node removed and its input wired to its consumers; the
 * linear layer that fed it (Conv2D, Dense, …) gets `use_bias=True` back, since without BN's beta it needs its own
 * shift. Training a model and its twin on the same seed and data is LayerCanvas's headline experiment.
 */
import type { DocEdge, DocNode, ModelDocument } from '../graph/document';
import { assignNames } from '../graph/naming';
import { hasTrait } from '../layers/registry';

export interface Twin {
  doc: ModelDocument;
  /** Names (in the original model) of the BatchNormalization layers removed. */
  removed: string[];
  /** Names of the layers whose bias was turned back on. */
  biasRestored: string[];
}

export function bnTwin(original: ModelDocument): Twin {
  const names = assignNames(original.nodes);
  const bnIds = new Set(original.nodes.filter((n) => hasTrait(n.className, 'batchStatistics')).map((n) => n.id));
  let edges: DocEdge[] = original.edges.map((e) => ({ ...e }));
  const biasRestored: string[] = [];
  const nodes: DocNode[] = original.nodes
    .filter((n) => !bnIds.has(n.id))
    .map((n) => ({
      ...n,
      config: { ...n.config },
      position: n.position ? { ...n.position } : undefined,
      name: names.get(n.id),
    }));
  const byId = new Map(nodes.map((n) => [n.id, n]));

  for (const bn of original.nodes.filter((n) => bnIds.has(n.id))) {
    const into = edges.filter((e) => e.target === bn.id);
    const out = edges.filter((e) => e.source === bn.id);
    edges = edges.filter((e) => e.target !== bn.id && e.source !== bn.id);
    const source = into[0]?.source;
    const output = into[0]?.sourceOutput ? { sourceOutput: into[0].sourceOutput } : {};
    if (source !== undefined)
      for (const e of out) edges.push({ id: `${e.id}~twin`, source, target: e.target, ...output });
    const fed = source !== undefined ? byId.get(source) : undefined;
    if (fed && hasTrait(fed.className, 'linearWithBias') && fed.config.use_bias === false) {
      fed.config.use_bias = true;
      biasRestored.push(names.get(fed.id)!);
    }
  }
  // Keep merge inputs in their original order: sort edges by where their original counterpart stood.
  const order = new Map(original.edges.map((e, i) => [e.id, i]));
  edges.sort((a, b) => (order.get(a.id.replace(/~twin$/, '')) ?? 0) - (order.get(b.id.replace(/~twin$/, '')) ?? 0));
  const weights = original.weights
    ? Object.fromEntries(Object.entries(original.weights).filter(([id]) => !bnIds.has(id)))
    : undefined;
  const doc: ModelDocument = {
    ...original,
    name: `${original.name}_without_bn`,
    nodes,
    edges,
    ...(weights ? { weights } : {}),
  };
  return { doc, removed: original.nodes.filter((n) => bnIds.has(n.id)).map((n) => names.get(n.id)!), biasRestored };
}
