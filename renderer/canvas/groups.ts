/**
 * Nested models on the canvas, as React Flow sub-flows: a group is a parent node framing its layers (their
 * positions relative to it), or, collapsed, one node standing for them, as Keras's summary shows a nested model as
 * one row. Layers keep absolute positions in the document; the frame is drawn around wherever they are.
 */
import type { Edge, Node } from '@xyflow/react';
import { formatShape } from '../../engine/api/core';
import { allGroupViews, groupChains, type Inference, type ModelDocument } from '../../engine/api/graph';
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

type Box = { left: number; top: number; right: number; bottom: number };

/**
 * Group nodes first, outer before inner (React Flow wants a parent before its children), then the layers, each
 * placed in its innermost group. A frame encloses its layers and the frames (or collapsed nodes) of the models
 * nested in it; a collapsed group hides everything in it, nested groups too.
 */
export function withGroups(
  doc: ModelDocument,
  inference: Inference,
  layers: LayerFlowNode[],
  sizes: ReadonlyMap<string, Size>,
): CanvasNode[] {
  if (!doc.groups?.length) return layers;
  const views = allGroupViews(doc, inference);
  const chains = groupChains(doc);
  const byId = new Map(layers.map((n) => [n.id, n]));
  const size = (id: string) => sizes.get(id) ?? DEFAULT_NODE_SIZE;
  const children = new Map<string, string[]>();
  for (const g of doc.groups) {
    const parent = chains.get(g.id)![1];
    if (parent) children.set(parent, [...(children.get(parent) ?? []), g.id]);
  }
  const collapsed = (id: string) => views.get(id)?.group.collapsed === true;
  // Where a group's contents lie, and the box it draws (its frame, or collapsed, its one node), inner groups first.
  const content = new Map<string, Box | null>();
  const drawn = new Map<string, Box>();
  const measure = (id: string): Box | null => {
    if (content.has(id)) return drawn.get(id) ?? null;
    content.set(id, null);
    const boxes: Box[] = [];
    for (const m of doc.nodes) {
      const n = m.group === id ? byId.get(m.id) : undefined;
      if (n) {
        const { width, height } = size(n.id);
        boxes.push({
          left: n.position.x,
          top: n.position.y,
          right: n.position.x + width,
          bottom: n.position.y + height,
        });
      }
    }
    for (const c of children.get(id) ?? []) {
      const box = measure(c);
      if (box) boxes.push(box);
    }
    if (boxes.length === 0) return null;
    const inner = {
      left: Math.min(...boxes.map((b) => b.left)),
      top: Math.min(...boxes.map((b) => b.top)),
      right: Math.max(...boxes.map((b) => b.right)),
      bottom: Math.max(...boxes.map((b) => b.bottom)),
    };
    content.set(id, inner);
    const box = collapsed(id)
      ? { left: inner.left, top: inner.top, right: inner.left + size(id).width, bottom: inner.top + size(id).height }
      : { left: inner.left - PAD, top: inner.top - HEAD, right: inner.right + PAD, bottom: inner.bottom + PAD };
    drawn.set(id, box);
    return box;
  };
  const depth = (id: string) => chains.get(id)!.length;
  const ordered = [...views.keys()].sort((a, b) => depth(a) - depth(b));
  for (const id of ordered) measure(id);
  // A group or layer is hidden when a group around it is collapsed.
  const hiddenBy = (chain: readonly string[]) => chain.some(collapsed);
  const groups: GroupFlowNode[] = [];
  for (const id of ordered) {
    const view = views.get(id)!;
    const box = drawn.get(id);
    if (!box || view.members.length === 0) continue;
    const [, parent] = chains.get(id)!;
    const origin = parent ? drawn.get(parent) : undefined;
    const isCollapsed = collapsed(id);
    const output = view.output ? inference.nodes.get(view.output)?.outputShape : null;
    const params = view.members.reduce((sum, m) => {
      const info = inference.nodes.get(m);
      return sum + (info ? info.trainableParams + info.nonTrainableParams : 0);
    }, 0);
    groups.push({
      id,
      type: 'group',
      position: origin ? { x: box.left - origin.left, y: box.top - origin.top } : { x: box.left, y: box.top },
      ...(parent ? { parentId: parent } : {}),
      ...(isCollapsed ? {} : { width: box.right - box.left, height: box.bottom - box.top }),
      hidden: hiddenBy(chains.get(id)!.slice(1)),
      className: isCollapsed ? 'group-collapsed' : 'group-expanded',
      // React Flow measures a node until its size comes back on it (Canvas keeps the sizes).
      ...(sizes.has(id) ? { measured: sizes.get(id) } : {}),
      selectable: false,
      deletable: false,
      // Inner frames above outer ones, all below the layers; a collapsed node among the layers.
      zIndex: isCollapsed ? 0 : depth(id) - 1 - chains.size,
      data: {
        name: view.group.name,
        className: view.group.className,
        shape: output ? formatShape(output) : '?',
        params,
        layers: view.members.length,
        collapsed: isCollapsed,
      },
    });
  }
  const out: CanvasNode[] = [...groups];
  const groupOf = new Map(doc.nodes.map((n) => [n.id, n.group]));
  for (const n of layers) {
    const g = groupOf.get(n.id);
    const box = g ? drawn.get(g) : undefined;
    out.push(
      g && box
        ? {
            ...n,
            parentId: g,
            position: { x: n.position.x - box.left, y: n.position.y - box.top },
            hidden: hiddenBy(chains.get(g)!),
          }
        : n,
    );
  }
  return out;
}

/** The absolute position of a canvas node whose position is relative to its parents (a nested model's frames). */
export function absolutePosition(
  nodes: ReadonlyMap<string, CanvasNode>,
  id: string,
  position: { x: number; y: number },
): { x: number; y: number } {
  let { x, y } = position;
  const seen = new Set<string>();
  for (let p = nodes.get(id)?.parentId; p && !seen.has(p); p = nodes.get(p)?.parentId) {
    seen.add(p);
    const parent = nodes.get(p);
    if (!parent) break;
    x += parent.position.x;
    y += parent.position.y;
  }
  return { x, y };
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
  if (collapsed.size) {
    // Hidden in the outermost collapsed group around it: that node is the one drawn.
    const chains = groupChains(doc);
    for (const n of doc.nodes) {
      const outermost = (chains.get(n.group ?? '') ?? []).findLast((g) => collapsed.has(g));
      if (outermost) out.set(n.id, outermost);
    }
  }
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
  // A nested model takes each tensor once, however many of its layers use it: one connection into its node.
  const into = new Set<string>();
  return edges.flatMap((e) => {
    const source = hiddenIn.get(e.source);
    const target = hiddenIn.get(e.target);
    if (source && source === target) return [];
    if (!source && !target) return [e];
    const routed = {
      ...e,
      ...(source ? { source, sourceHandle: GROUP_OUTPUT } : {}),
      ...(target ? { target, targetHandle: GROUP_INPUT } : {}),
    };
    if (target) {
      const key = `${routed.source}\u0000${routed.sourceHandle}\u0000${target}`;
      if (into.has(key)) return [];
      into.add(key);
    }
    return [routed];
  });
}
