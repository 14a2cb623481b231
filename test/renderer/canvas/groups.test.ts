// Nested models as React Flow sub-flows: the frame encloses its layers (placed relative to it, as React Flow's
// parentId wants, at the same absolute place), and collapsed, one node takes the connections of the hidden layers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasJson } from '../../../engine/formats/keras-json';
import { infer } from '../../../engine/graph/inference';
import { moveNodes, setGroupCollapsed } from '../../../renderer/stores/edits';
import { collapsedMembers, routeToCollapsed, withGroups } from '../../../renderer/canvas/groups';
import { DEFAULT_NODE_SIZE, layoutPositions } from '../../../renderer/canvas/layout';
import { toFlowEdges, toFlowNodes } from '../../../renderer/canvas/to-flow';

function placed() {
  const read = readKerasJson(readFileSync(join(import.meta.dirname, '../../fixtures/nested/seq_in_func.json'), 'utf8'));
  if (!read.ok) throw new Error(read.errors[0].message);
  const doc = read.document;
  return moveNodes(doc, new Map(doc.nodes.map((n, i) => [n.id, { x: 40 * (i % 2), y: 100 * i }])));
}

describe('nested models on the canvas', () => {
  it('a frame first, enclosing its layers, each placed relative to it at its own absolute position', () => {
    const doc = placed();
    const inference = infer(doc);
    const nodes = withGroups(doc, inference, toFlowNodes(doc, inference, new Set()), new Map());
    expect(nodes[0]).toMatchObject({ id: doc.groups![0].id, type: 'group', data: { name: 'stem', params: 246 } });
    const frame = nodes[0];
    const members = nodes.filter((n) => n.parentId === frame.id);
    expect(members.map((n) => (n.data as { name: string }).name)).toEqual(['stem_conv', 'stem_bn', 'stem_relu']);
    for (const m of members) {
      const own = doc.nodes.find((n) => n.id === m.id)!.position!;
      expect({ x: m.position.x + frame.position.x, y: m.position.y + frame.position.y }).toEqual(own);
      expect(m.position.x).toBeGreaterThan(0);
      expect(m.position.y).toBeGreaterThan(0);
      expect(m.position.x + DEFAULT_NODE_SIZE.width).toBeLessThan(frame.width!);
      expect(m.position.y + DEFAULT_NODE_SIZE.height).toBeLessThan(frame.height!);
    }
  });

  it('collapsed: the layers are hidden and the connections in and out attach to the group, those inside dropped', () => {
    const doc = setGroupCollapsed(placed(), 'g2', true);
    expect(doc.groups).toEqual([{ id: 'g2', className: 'Sequential', name: 'stem', collapsed: true }]);
    const inference = infer(doc);
    const nodes = withGroups(doc, inference, toFlowNodes(doc, inference, new Set()), new Map());
    expect(nodes.filter((n) => n.hidden).map((n) => (n.data as { name: string }).name)).toEqual([
      'stem_conv',
      'stem_bn',
      'stem_relu',
    ]);
    const name = (id: string) => (id === 'g2' ? 'stem' : inference.nodes.get(id)!.name);
    const edges = routeToCollapsed(toFlowEdges(doc.edges, inference, new Set()), collapsedMembers(doc));
    expect(edges.map((e) => `${name(e.source)}→${name(e.target)}`).sort()).toEqual([
      'c0→stem',
      'gap→head',
      'input_layer→c0',
      'stem→gap',
    ]);
  });

  it('collapsed members: a moved layer keeps the same map (the edges stay the same objects); collapsing makes a new one', () => {
    const doc = setGroupCollapsed(placed(), 'g2', true);
    const before = collapsedMembers(doc);
    const moved = moveNodes(doc, new Map([[doc.nodes[0].id, { x: 500, y: 700 }]]));
    expect(moved).not.toBe(doc);
    expect(collapsedMembers(moved, before)).toBe(before);
    const expanded = setGroupCollapsed(moved, 'g2', false);
    const after = collapsedMembers(expanded, before);
    expect(after).not.toBe(before);
    expect(after.size).toBe(0);
    expect(collapsedMembers(setGroupCollapsed(expanded, 'g2', true), after)).toEqual(before);
  });
});

describe('auto-layout with nested models', () => {
  it("lays a nested model's layers out in a frame of their own: no other layer within it, each layer below its inputs", async () => {
    for (const file of ['seq_in_func', 'func_in_func']) {
      const read = readKerasJson(readFileSync(join(import.meta.dirname, `../../fixtures/nested/${file}.json`), 'utf8'));
      if (!read.ok) throw new Error(read.errors[0].message);
      const doc = moveNodes(read.document, await layoutPositions(read.document));
      const inference = infer(doc);
      const nodes = withGroups(doc, inference, toFlowNodes(doc, inference, new Set()), new Map());
      const frame = nodes[0];
      const at = (id: string) => doc.nodes.find((n) => n.id === id)!.position!;
      for (const e of doc.edges) expect(at(e.target).y).toBeGreaterThan(at(e.source).y);
      for (const n of doc.nodes) {
        const p = at(n.id);
        const inside =
          p.x + DEFAULT_NODE_SIZE.width > frame.position.x &&
          p.x < frame.position.x + frame.width! &&
          p.y + DEFAULT_NODE_SIZE.height > frame.position.y &&
          p.y < frame.position.y + frame.height!;
        expect([file, inference.nodes.get(n.id)!.name, inside]).toEqual([
          file,
          inference.nodes.get(n.id)!.name,
          n.group === frame.id,
        ]);
      }
    }
  });
});
