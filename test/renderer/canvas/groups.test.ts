// Nested models as React Flow sub-flows: the frame encloses its layers (placed relative to it, as React Flow's
// parentId wants, at the same absolute place), and collapsed, one node takes the connections of the hidden layers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasJson } from '../../../engine/formats/keras-json';
import { groupChains } from '../../../engine/graph/groups';
import { infer } from '../../../engine/graph/inference';
import { moveNodes, setGroupCollapsed } from '../../../renderer/stores/edits';
import { absolutePosition, collapsedMembers, routeToCollapsed, withGroups } from '../../../renderer/canvas/groups';
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

describe('a model nested two deep on the canvas (a Sequential in a Functional in the model)', () => {
  const deep = () => {
    const read = readKerasJson(
      readFileSync(join(import.meta.dirname, '../../fixtures/nested/seq_in_func_in_func.json'), 'utf8'),
    );
    if (!read.ok) throw new Error(read.errors[0].message);
    return read.document;
  };
  const name = (doc: ReturnType<typeof deep>, id: string) =>
    doc.groups!.find((g) => g.id === id)?.name ?? doc.nodes.find((n) => n.id === id)!.name;

  it('draws the inner frame inside the outer one, each layer inside its innermost frame, at its own position', async () => {
    const read = deep();
    const doc = moveNodes(read, await layoutPositions(read));
    const inference = infer(doc);
    const nodes = withGroups(doc, inference, toFlowNodes(doc, inference, new Set()), new Map());
    const byId = new Map(nodes.map((n) => [n.id, n]));
    expect(nodes.slice(0, 2).map((n) => [(n.data as { name: string }).name, n.parentId ?? null])).toEqual([
      ['mid', null],
      ['inner', 'g2'],
    ]);
    expect(nodes.slice(0, 2).map((n) => (n.data as { params: number }).params)).toEqual([185, 113]);
    const box = (id: string) => {
      const n = byId.get(id)!;
      const at = absolutePosition(byId, id, n.position);
      const size = n.type === 'group' ? { width: n.width!, height: n.height! } : DEFAULT_NODE_SIZE;
      return { left: at.x, top: at.y, right: at.x + size.width, bottom: at.y + size.height };
    };
    const within = (a: ReturnType<typeof box>, b: ReturnType<typeof box>) =>
      a.left > b.left && a.top > b.top && a.right < b.right && a.bottom < b.bottom;
    expect(within(box('n2_g2'), box('g2'))).toBe(true);
    for (const n of doc.nodes) {
      expect(absolutePosition(byId, n.id, byId.get(n.id)!.position)).toEqual(n.position);
      if (n.group) expect([n.name, within(box(n.id), box(n.group))]).toEqual([n.name, true]);
      // A layer outside a frame is outside it.
      if (!n.group) expect([n.name, within(box(n.id), box('g2'))]).toEqual([n.name, false]);
    }
  });

  it('collapsing the inner model draws it as one node inside the outer frame; collapsing the outer hides both', () => {
    const inner = setGroupCollapsed(deep(), 'n2_g2', true);
    let inference = infer(inner);
    let nodes = withGroups(inner, inference, toFlowNodes(inner, inference, new Set()), new Map());
    const visible = (list: typeof nodes) => list.filter((n) => !n.hidden).map((n) => (n.data as { name: string }).name);
    expect(visible(nodes)).toEqual(['mid', 'inner', 'input_layer', 'pre', 'mid_d', 'mid_add', 'cat', 'out']);
    const routed = (doc: typeof inner) =>
      routeToCollapsed(toFlowEdges(doc.edges, infer(doc), new Set()), collapsedMembers(doc))
        .map((e) => `${name(doc, e.source)}→${name(doc, e.target)}`)
        .sort();
    expect(routed(inner)).toEqual([
      'cat→out',
      'inner→mid_add',
      'input_layer→pre',
      'mid_add→cat',
      'mid_d→inner',
      'pre→cat',
      'pre→mid_add',
      'pre→mid_d',
    ]);
    const both = setGroupCollapsed(inner, 'g2', true);
    inference = infer(both);
    nodes = withGroups(both, inference, toFlowNodes(both, inference, new Set()), new Map());
    expect(visible(nodes)).toEqual(['mid', 'input_layer', 'pre', 'cat', 'out']);
    // pre feeds two of mid's layers (mid_d and the residual mid_add), but mid takes it once: one connection.
    expect(routed(both)).toEqual(['cat→out', 'input_layer→pre', 'mid→cat', 'pre→cat', 'pre→mid']);
  });
});

describe('auto-layout with nested models', () => {
  it("lays a nested model's layers out in a frame of their own: no other layer within it, each layer below its inputs", async () => {
    for (const file of ['seq_in_func', 'func_in_func', 'seq_in_func_in_func']) {
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
          groupChains(doc)
            .get(n.group ?? '')
            ?.includes(frame.id) === true,
        ]);
      }
    }
  });
});
