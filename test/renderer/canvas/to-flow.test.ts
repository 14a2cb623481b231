import { describe, expect, it } from 'vitest';
import { chainDocument, graphDocument } from '../../../engine/graph/build';
import { fanOffsets, toFlowEdges, toFlowNodes } from '../../../renderer/canvas/to-flow';
import { moveNodes, setConfigValue } from '../../../renderer/stores/edits';
import { inferMemo } from '../../../renderer/stores/inference';

// Input (28, 28, 1) → Conv2D(8, 3x3) → Flatten → Conv2D: the last one is fed a flat vector.
const doc = chainDocument([
  { className: 'InputLayer', config: { shape: [28, 28, 1] } },
  { className: 'Conv2D', config: { filters: 8 } },
  { className: 'Flatten' },
  { className: 'Conv2D' },
]);

describe('canvas nodes and edges from the document', () => {
  it('shows shape, Keras params, key arguments and problems on each node', () => {
    const nodes = toFlowNodes(doc, inferMemo(doc), new Set(['n1']));
    const conv = nodes[1].data;
    expect(conv.shape).toBe('(None, 26, 26, 8)');
    expect(conv.params).toBe(3 * 3 * 1 * 8 + 8);
    expect(conv.keyArgs).toBe('8 · (3, 3)');
    expect(conv.group).toBe('Convolution');
    expect(nodes[1].selected).toBe(true);
    expect(nodes[2].data.shape).toBe('(None, 5408)');
    const bad = nodes[3].data;
    expect(bad.shape).toBe('?');
    expect(bad.problems.map((p) => p.severity)).toContain('error');
    expect(nodes[0].data.hasInput).toBe(false);
  });

  it('labels each edge with the shape it carries and marks the edge into the bad layer', () => {
    const edges = toFlowEdges(doc.edges, inferMemo(doc), new Set());
    expect(edges.map((e) => e.label)).toEqual(['(None, 28, 28, 1)', '(None, 26, 26, 8)', '(None, 5408)']);
    expect(edges.map((e) => e.className)).toEqual([undefined, undefined, 'edge-bad']);
  });

  it('reuses inference and node data while only positions change, so a drag re-renders no node', () => {
    const before = inferMemo(doc);
    const dataBefore = toFlowNodes(doc, before, new Set()).map((n) => n.data);
    const moved = moveNodes(doc, new Map([['n1', { x: 50, y: 60 }]]));
    const after = inferMemo(moved);
    expect(after).toBe(before);
    const nodes = toFlowNodes(moved, after, new Set());
    expect(nodes.map((n) => n.data)).toEqual(dataBefore);
    nodes.forEach((n, i) => expect(n.data).toBe(dataBefore[i]));
    expect(nodes[1].position).toEqual({ x: 50, y: 60 });
    // A config edit is not a move: inference runs again.
    expect(inferMemo(setConfigValue(moved, 'n1', 'filters', 4))).not.toBe(before);
  });

  it('highlights the connection a dragged layer would be dropped into', () => {
    const edges = toFlowEdges(doc.edges, inferMemo(doc), new Set(), 'e1');
    expect(edges.map((e) => e.className)).toEqual([undefined, 'edge-drop-target', 'edge-bad']);
  });

  it('fans out connections that share an output or a merge input, so none hides another', () => {
    // input → a, input → b, a → add, b → add: two leave the input, two enter the Add.
    const fork = graphDocument(
      [
        { className: 'InputLayer', config: { shape: [4] } },
        { className: 'Dense' },
        { className: 'Dense' },
        { className: 'Add' },
      ],
      [
        [0, 1],
        [0, 2],
        [1, 3],
        [2, 3],
      ],
    );
    const fan = fanOffsets(fork.edges);
    expect([...fan.values()]).toEqual([
      { sx: -10, tx: 0 },
      { sx: 10, tx: 0 },
      { sx: 0, tx: -10 },
      { sx: 0, tx: 10 },
    ]);
    expect(fanOffsets(doc.edges).get('e0')).toEqual({ sx: 0, tx: 0 });
  });
});
