/** The document and its inference as React Flow nodes and edges. */
import type { Edge, Node } from '@xyflow/react';
import type { Problem } from '../../engine/core/problems';
import { formatShape } from '../../engine/core/shape';
import type { ModelDocument } from '../../engine/graph/document';
import type { Inference, NodeInfo } from '../../engine/graph/inference';
import { getLayer } from '../../engine/layers/registry';

export interface LayerNodeData extends Record<string, unknown> {
  className: string;
  name: string;
  group: string;
  description: string;
  keyArgs: string;
  shape: string;
  params: number;
  problems: Problem[];
  /** Merge layers: the names of their inputs, in order. */
  inputOrder: string[] | null;
  hasInput: boolean;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

// Keyed by the inference's per-node result, so a drag (which reuses the inference) keeps every node's data object
// and the memo'd node components do not re-render.
const dataCache = new WeakMap<NodeInfo, LayerNodeData>();

function nodeData(info: NodeInfo, inference: Inference, config: Record<string, unknown>): LayerNodeData {
  const cached = dataCache.get(info);
  if (cached) return cached;
  const def = getLayer(info.className);
  let keyArgs = '';
  try {
    keyArgs = def?.keyArgs?.(config as never) ?? '';
  } catch {
    // keyArgs reads a config that may be invalid mid-edit; the node's error badge already says why.
    keyArgs = '';
  }
  const data: LayerNodeData = {
    className: info.className,
    name: info.name,
    group: def?.group ?? 'Core',
    description: def?.description ?? '',
    keyArgs,
    shape: info.outputShape ? formatShape(info.outputShape) : '?',
    params: info.trainableParams + info.nonTrainableParams,
    problems: info.problems,
    inputOrder: def?.arity === 'many' ? inference.topology.incoming.get(info.id)!.map((e) => inference.nodes.get(e.source)?.name ?? e.source) : null,
    hasInput: def?.arity !== 'none',
  };
  dataCache.set(info, data);
  return data;
}

export function toFlowNodes(doc: ModelDocument, inference: Inference, selected: ReadonlySet<string>): LayerFlowNode[] {
  return doc.nodes.map((n) => ({
    id: n.id,
    type: 'layer',
    position: n.position ?? { x: 0, y: 0 },
    data: nodeData(inference.nodes.get(n.id)!, inference, n.config),
    selected: selected.has(n.id),
  }));
}

export function toFlowEdges(edges: ModelDocument['edges'], inference: Inference, selected: ReadonlySet<string>): Edge[] {
  return edges.map((e) => {
    const bad = inference.badEdges.has(e.id);
    const shape = inference.edgeShapes.get(e.id);
    return {
      id: e.id,
      type: 'shape',
      source: e.source,
      target: e.target,
      label: shape ? formatShape(shape) : undefined,
      className: bad ? 'edge-bad' : undefined,
      selected: selected.has(e.id),
      data: { bad },
    };
  });
}
