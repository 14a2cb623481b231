// React Flow draws an edge only when the handles it names exist on its nodes (an unknown sourceHandle id drops the
// edge, error 008). So every connection routed to a collapsed nested model must name handles its node draws.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Edge, ReactFlowProvider } from '@xyflow/react';
import { type ComponentType, createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { readKerasJson } from '../../../engine/formats/keras-json';
import { infer } from '../../../engine/graph/inference';
import { GroupNode } from '../../../renderer/canvas/GroupNode';
import { type CanvasNode, collapsedMembers, routeToCollapsed, withGroups } from '../../../renderer/canvas/groups';
import { LayerNode } from '../../../renderer/canvas/LayerNode';
import { toFlowEdges, toFlowNodes } from '../../../renderer/canvas/to-flow';
import { setGroupCollapsed } from '../../../renderer/stores/edits';

/** The handles a node component draws, as `source:id` / `target:id` (id '' for a handle without one). */
function drawnHandles(node: CanvasNode): Set<string> {
  const props = { id: node.id, data: node.data, type: node.type, selected: false } as never;
  const component = (node.type === 'group' ? GroupNode : LayerNode) as ComponentType<never>;
  const view = createElement(component, props);
  const html = renderToStaticMarkup(createElement(ReactFlowProvider, null, view));
  const out = new Set<string>();
  for (const m of html.matchAll(/<div[^>]*class="[^"]*react-flow__handle[^"]*"[^>]*>/g)) {
    const id = /data-handleid="([^"]*)"/.exec(m[0])?.[1] ?? '';
    out.add(`${/\bsource\b/.test(/class="([^"]*)"/.exec(m[0])![1]) ? 'source' : 'target'}:${id}`);
  }
  return out;
}

/** React Flow's rule: no handle id means the node's first handle of that type, else the one with that id. */
function finds(handles: Set<string>, type: 'source' | 'target', id: string | null | undefined): boolean {
  return id ? handles.has(`${type}:${id}`) : [...handles].some((h) => h.startsWith(`${type}:`));
}

describe('connections of a collapsed nested model', () => {
  it("name handles the group's node draws, so React Flow draws all four (c0→stem, stem→gap among them)", () => {
    const read = readKerasJson(
      readFileSync(join(import.meta.dirname, '../../fixtures/nested/seq_in_func.json'), 'utf8'),
    );
    if (!read.ok) throw new Error(read.errors[0].message);
    const doc = setGroupCollapsed(read.document, read.document.groups![0].id, true);
    const inference = infer(doc);
    const nodes = withGroups(doc, inference, toFlowNodes(doc, inference, new Set()), new Map());
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const edges: Edge[] = routeToCollapsed(toFlowEdges(doc.edges, inference, new Set()), collapsedMembers(doc));
    const name = (id: string) => (byId.get(id)!.data as { name: string }).name;
    const drawn = edges.filter(
      (e) =>
        finds(drawnHandles(byId.get(e.source)!), 'source', e.sourceHandle) &&
        finds(drawnHandles(byId.get(e.target)!), 'target', e.targetHandle),
    );
    expect(drawn.map((e) => `${name(e.source)}→${name(e.target)}`).sort()).toEqual([
      'c0→stem',
      'gap→head',
      'input_layer→c0',
      'stem→gap',
    ]);
  });
});
