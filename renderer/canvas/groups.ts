/**
 * Nested models on the canvas, as React Flow sub-flows: a group is a parent node framing its layers (their
 * positions relative to it), or, collapsed, one node standing for them, as Keras's summary shows a nested model as
 * one row. Layers keep absolute positions in the document; the frame is drawn around wherever they are.
 */
import type { Edge, Node } from '@xyflow/react';
import { formatShape } from '../../engine/api/core';
import { type Inference, type ModelDocument, unitGraph } from '../../engine/api/graph';
import { DEFAULT_NODE_SIZE, GROUP_PADDING } from './layout';
import { type LayerFlowNode, outputHandle } from './to-flow';

export interface GroupNodeData extends Record<string, unknown> {
  name: string;
  className: 'Sequential' | 'Functional';
  shape: string;
  params: number;
  layers: number;
  collapsed: boolean;
}

export type GroupFlowNode = Node<GroupNodeData, 'group'>;
export type CanvasNode = LayerFlowNode | GroupFlowNode;

/** Room around the framed layers, and above them for the frame's header: where the layout leaves it. */
const PAD = GROUP_PADDING.left;
const HEAD = GROUP_PADDING.top;

type Size = { width: number; height: number };

/** Group nodes first (React Flow wants a parent before its children), then the layers, members placed in them. */
export function withGroups(
  doc: ModelDocument,
  inference: Inference,
  layers: LayerFlowNode[],
  sizes: ReadonlyMap<string, Size>,
): CanvasNode[] {
  if (!doc.groups?.length) return layers;
  const units = unitGraph(doc, inference);
  const byId = new Map(layers.map((n) => [n.id, n]));
  const groups: GroupFlowNode[] = [];
  const placed = new Map<string, { parent: string; at: { x: number; y: number }; hidden: boolean }>();
  for (const view of units.groups.values()) {
    if (view.members.length === 0) continue;
    const members = view.members.map((id) => byId.get(id)!).filter(Boolean);
    const left = Math.min(...members.map((n) => n.position.x));
    const top = Math.min(...members.map((n) => n.position.y));
    const size = (id: string) => sizes.get(id) ?? DEFAULT_NODE_SIZE;
    const right = Math.max(...members.map((n) => n.position.x + size(n.id).width));
    const bottom = Math.max(...members.map((n) => n.position.y + size(n.id).height));
    const collapsed = view.group.collapsed === true;
    const at = { x: left - PAD, y: top - HEAD };
    const output = view.output ? inference.nodes.get(view.output)?.outputShape : null;
    const params = view.members.reduce((sum, id) => {
      const info = inference.nodes.get(id);
      return sum + (info ? info.trainableParams + info.nonTrainableParams : 0);
    }, 0);
    groups.push({
      id: view.group.id,
      type: 'group',
      position: collapsed ? { x: left, y: top } : at,
      ...(collapsed ? {} : { width: right - left + 2 * PAD, height: bottom - top + HEAD + PAD }),
      className: collapsed ? 'group-collapsed' : 'group-expanded',
      // React Flow measures a node until its size comes back on it (Canvas keeps the sizes).
      ...(sizes.has(view.group.id) ? { measured: sizes.get(view.group.id) } : {}),
      selectable: false,
      deletable: false,
      zIndex: collapsed ? 0 : -1,
      data: {
        name: view.group.name,
        className: view.group.className,
        shape: output ? formatShape(output) : '?',
        params,
        layers: view.members.length,
        collapsed,
      },
    });
    for (const n of members) placed.set(n.id, { parent: view.group.id, at, hidden: collapsed });
  }
  const out: CanvasNode[] = [...groups];
  for (const n of layers) {
    const p = placed.get(n.id);
    out.push(
      p
        ? {
            ...n,
            parentId: p.parent,
            position: { x: n.position.x - p.at.x, y: n.position.y - p.at.y },
            hidden: p.hidden,
          }
        : n,
    );
  }
  return out;
}

/**
 * The collapsed group each layer is hidden in, by layer id; `previous` itself when it says the same. Dragging a layer
 * makes a new document every frame without changing this: the same map keeps the canvas's edges the same objects,
 * so React Flow neither rebuilds its connection lookup nor re-renders every edge (in a 429-layer model, a frame).
 */
export function collapsedMembers(
  doc: ModelDocument,
  previous?: ReadonlyMap<string, string>,
): ReadonlyMap<string, string> {
  const collapsed = new Set((doc.groups ?? []).filter((g) => g.collapsed).map((g) => g.id));
  const out = new Map<string, string>();
  for (const n of doc.nodes) if (n.group && collapsed.has(n.group)) out.set(n.id, n.group);
  const same = previous && previous.size === out.size && [...out].every(([id, g]) => previous.get(id) === g);
  return same ? previous : out;
}

/** The handles of a collapsed group's node: one input, one output (a nested model here has one of each). */
export const GROUP_INPUT = 'in';
export const GROUP_OUTPUT = outputHandle();

/**
 * Connections into or out of a collapsed group attach to its node; those inside it are not drawn. A rerouted end
 * names the group node's handle: React Flow drops an edge whose handle id its node lacks, and a layer's edge names
 * its own (`out`, or `out1` for an RNN's state).
 */
export function routeToCollapsed(edges: Edge[], hiddenIn: ReadonlyMap<string, string>): Edge[] {
  if (hiddenIn.size === 0) return edges;
  return edges.flatMap((e) => {
    const source = hiddenIn.get(e.source);
    const target = hiddenIn.get(e.target);
    if (source && source === target) return [];
    if (!source && !target) return [e];
    return [
      {
        ...e,
        ...(source ? { source, sourceHandle: GROUP_OUTPUT } : {}),
        ...(target ? { target, targetHandle: GROUP_INPUT } : {}),
      },
    ];
  });
}
