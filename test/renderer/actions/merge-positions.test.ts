import { describe, expect, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';
import { mergeImported, placeNewNodes } from '../../../renderer/actions/merge-positions';
import { ROW_GAP } from '../../../renderer/stores/edits';

function placed(doc: ModelDocument): ModelDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n, i) => ({ ...n, id: `old${i}`, position: { x: 100 + i * 7, y: i * 150 } })),
    edges: doc.edges.map((e) => ({ ...e, source: e.source.replace('n', 'old'), target: e.target.replace('n', 'old') })),
  };
}

describe('applying code keeps the canvas where names match', () => {
  const current = placed(
    chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', config: { filters: 8 } },
      { className: 'Flatten' },
      { className: 'Dense', config: { units: 10 } },
    ]),
  );

  it('keeps ids and positions of layers whose names match, and takes the imported configs', () => {
    // As an importer returns it: fresh ids, no positions; Conv2D's filters changed in the code.
    const imported = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', config: { filters: 16 } },
      { className: 'Flatten' },
      { className: 'Dense', config: { units: 10 } },
    ]);
    const { doc, needsLayout } = mergeImported(current, imported);
    expect(needsLayout).toBe(false);
    expect(doc.nodes.map((n) => n.id)).toEqual(['old0', 'old1', 'old2', 'old3']);
    expect(doc.nodes.map((n) => n.position)).toEqual(current.nodes.map((n) => n.position));
    expect(doc.nodes[1].config.filters).toBe(16);
    expect(doc.edges.map((e) => [e.source, e.target])).toEqual([
      ['old0', 'old1'],
      ['old1', 'old2'],
      ['old2', 'old3'],
    ]);
  });

  it('puts a layer inserted into the chain in its place, moving the layers after it down', () => {
    // A Dropout inserted between Flatten and Dense: flatten keeps its place, the dropout goes below it, and dense
    // moves down a row, so the chain stays one straight column.
    const imported = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', config: { filters: 8 } },
      { className: 'Flatten' },
      { className: 'Dropout', config: { rate: 0.5 } },
      { className: 'Dense', config: { units: 10 } },
    ]);
    const { doc, needsLayout } = mergeImported(current, imported);
    expect(needsLayout).toBe(false);
    const at = (cls: string) => doc.nodes.find((n) => n.className === cls)!.position!;
    expect(at('Flatten')).toEqual(current.nodes[2].position);
    expect(at('Dropout')).toEqual({ x: at('Flatten').x, y: at('Flatten').y + ROW_GAP });
    expect(at('Dense')).toEqual({ x: current.nodes[3].position!.x, y: at('Dropout').y + ROW_GAP });
  });

  it('lays the whole model out when the code adds a layer that is not in a chain (a new branch)', () => {
    const imported = {
      ...chainDocument([
        { className: 'InputLayer', config: { shape: [28, 28, 1] } },
        { className: 'Conv2D', config: { filters: 8 } },
        { className: 'Flatten' },
        { className: 'Dense', config: { units: 10 } },
        { className: 'Dense', config: { units: 3 } },
      ]),
    };
    // The second Dense hangs off flatten beside the first, and feeds nothing: a new output branch.
    const branched = { ...imported, edges: [...imported.edges.slice(0, 3), { id: 'x', source: 'n2', target: 'n4' }] };
    expect(mergeImported(current, branched).needsLayout).toBe(false);
    const fromInput = {
      ...imported,
      edges: [
        ...imported.edges.slice(0, 3),
        { id: 'x', source: 'n0', target: 'n4' },
        { id: 'y', source: 'n1', target: 'n4' },
      ],
    };
    expect(mergeImported(current, fromInput).needsLayout).toBe(true);
  });

  it('matches by name, not by class: a renamed layer is a new one', () => {
    const imported = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', config: { filters: 8 }, name: 'features' },
      { className: 'Flatten' },
      { className: 'Dense', config: { units: 10 } },
    ]);
    const { doc } = mergeImported(current, imported);
    const conv = doc.nodes.find((n) => n.className === 'Conv2D')!;
    expect(conv.id).not.toBe('old1');
    expect(conv.position).toEqual({ x: current.nodes[0].position!.x, y: current.nodes[0].position!.y + ROW_GAP });
  });

  it('asks for a full layout when nothing matches', () => {
    const imported = chainDocument([
      { className: 'InputLayer', config: { shape: [3] }, name: 'x' },
      { className: 'Dense', name: 'y' },
    ]);
    const { doc, needsLayout } = mergeImported(current, imported);
    expect(needsLayout).toBe(true);
    expect(doc.nodes.every((n) => n.position === undefined)).toBe(true);
  });

  it('placeNewNodes gives every node a distinct position', () => {
    const doc = placeNewNodes(
      chainDocument([
        { className: 'InputLayer', config: { shape: [3] } },
        { className: 'Dense' },
        { className: 'Dense' },
      ]),
    );
    const keys = doc.nodes.map((n) => `${n.position!.x},${n.position!.y}`);
    expect(new Set(keys).size).toBe(3);
  });
});

describe('weights across a code apply', () => {
  it('keeps trained weights only for layers whose name, class and config are unchanged', () => {
    const base = chainDocument([
      { className: 'InputLayer', config: { shape: [3] } },
      { className: 'Dense', config: { units: 2 } },
      { className: 'Dense', config: { units: 2 } },
    ]);
    const w = [{ name: 'kernel', tensor: { shape: [3, 2], data: new Float32Array(6) } }];
    const current = { ...base, weights: { n1: w, n2: w } } as unknown as ModelDocument;
    const imported = chainDocument([
      { className: 'InputLayer', config: { shape: [3] } },
      { className: 'Dense', config: { units: 2 } },
      { className: 'Dense', config: { units: 4 } },
    ]);
    const { doc } = mergeImported(current, imported);
    expect(Object.keys(doc.weights ?? {})).toEqual(['n1']);
  });
});
