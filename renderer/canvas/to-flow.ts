/** The document and its inference as React Flow nodes and edges. */
import type { Edge, Node } from '@xyflow/react';
import type { Problem } from '../../engine/api/core';
import { formatShape } from '../../engine/api/core';
import type { ModelDocument } from '../../engine/api/graph';
import type { Inference, NodeInfo } from '../../engine/api/graph';
import { getLayer } from '../../engine/api/layers';

export interface LayerNodeData extends Record<string, unknown> {
  className: string;
  name: string;
  group: string;
  description: string;
  /** What the node's head says: the layer's label (InputLayer: Input), else its class. */
  label: string;
  keyArgs: string;
  shape: string;
  params: number;
  problems: Problem[];
  /** Merge layers: the names of their inputs, in order. */
  inputOrder: string[] | null;
  hasInput: boolean;
  /** The shapes of its outputs after the first (an RNN's return_state states), each with its own handle. */
  extraOutputs: string[];
}

/** The handle of a node's output k (Keras's tensor index): `out` for the first, `out1`, `out2` … for the others. */
export const outputHandle = (k = 0): string => (k ? `out${k}` : 'out');

/** Which output a source handle is; 0 for the first or an unknown one. */
export function outputOfHandle(handle: string | null | undefined): number {
  const m = /^out(\d+)$/.exec(handle ?? '');
  return m ? Number(m[1]) : 0;
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
    label: def?.label ?? info.className,
    keyArgs,
    shape: info.outputShape ? formatShape(info.outputShape) : '?',
    params: info.trainableParams + info.nonTrainableParams,
    problems: info.problems,
    inputOrder:
      def?.arity === 'many'
        ? inference.topology.incoming.get(info.id)!.map((e) => inference.nodes.get(e.source)?.name ?? e.source)
        : null,
    hasInput: def?.arity !== 'none',
    extraOutputs: info.extraOutputShapes.map((s) => formatShape(s)),
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

/** `dropTarget`: the connection a layer dragged from the palette would be inserted into, drawn highlighted. */
export function toFlowEdges(
  edges: ModelDocument['edges'],
  inference: Inference,
  selected: ReadonlySet<string>,
  dropTarget: string | null = null,
): Edge[] {
  const spread = fanOffsets(edges);
  return edges.map((e) => {
    const bad = inference.badEdges.has(e.id);
    const shape = inference.edgeShapes.get(e.id);
    return {
      id: e.id,
      type: 'shape',
      source: e.source,
      sourceHandle: outputHandle(e.sourceOutput),
      target: e.target,
      label: shape ? formatShape(shape) : undefined,
      className:
        [bad ? 'edge-bad' : '', e.id === dropTarget ? 'edge-drop-target' : ''].filter(Boolean).join(' ') || undefined,
      selected: selected.has(e.id),
      data: { bad, ...spread.get(e.id) },
    };
  });
}

/** Horizontal distance between connections that leave one handle (or enter one), so each can be told and clicked. */
const FAN_STEP = 20;

/**
 * Where each connection leaves its source and enters its target, relative to the handle: several connections from
 * one output fan out side by side (in document order), as do a merge layer's inputs (in input order).
 */
export function fanOffsets(edges: ModelDocument['edges']): Map<string, { sx: number; tx: number }> {
  const bySource = new Map<string, string[]>();
  const byTarget = new Map<string, string[]>();
  for (const e of edges) {
    bySource.set(e.source, [...(bySource.get(e.source) ?? []), e.id]);
    byTarget.set(e.target, [...(byTarget.get(e.target) ?? []), e.id]);
  }
  const offset = (group: string[], id: string) => {
    if (group.length < 2) return 0;
    const step = Math.min(FAN_STEP, 160 / (group.length - 1));
    return (group.indexOf(id) - (group.length - 1) / 2) * step;
  };
  const out = new Map<string, { sx: number; tx: number }>();
  for (const e of edges)
    out.set(e.id, { sx: offset(bySource.get(e.source)!, e.id), tx: offset(byTarget.get(e.target)!, e.id) });
  return out;
}
