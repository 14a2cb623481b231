import { describe, expect, it } from 'vitest';
import { chainDocument, graphDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';
import {
  addNodeBelow,
  COLUMN_GAP,
  copyFragment,
  pasteFragment,
  removeItems,
  renameNode,
  ROW_GAP,
} from '../../../renderer/stores/edits';

const withPositions = <T extends { nodes: { position?: unknown }[] }>(doc: T): T => ({
  ...doc,
  nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: 0, y: i * ROW_GAP } })),
});

describe('paste and duplicate', () => {
  const doc = withPositions(
    chainDocument([
      { className: 'InputLayer', config: { shape: [8] } },
      { className: 'Dense', config: { units: 4 }, name: 'hidden' },
      { className: 'Dense', config: { units: 2 } },
    ]),
  );

  it('pastes copies with fresh ids, the connections among them, shifted positions and unique names', () => {
    const fragment = copyFragment(doc, ['n1', 'n2']);
    expect(fragment.edges).toEqual([{ id: 'e1', source: 'n1', target: 'n2' }]); // the edge from the Input is not copied
    const { doc: next, ids } = pasteFragment(doc, fragment, { x: 40, y: 40 });
    expect(ids).toHaveLength(2);
    expect(ids.some((id) => doc.nodes.some((n) => n.id === id))).toBe(false);
    expect(next.nodes).toHaveLength(5);
    const [a, b] = ids.map((id) => next.nodes.find((n) => n.id === id)!);
    expect(a.position).toEqual({ x: 40, y: ROW_GAP + 40 });
    expect(a.name).toBe('hidden_copy');
    expect(b.name).toBeUndefined();
    expect(next.edges.filter((e) => ids.includes(e.source))).toEqual([
      { id: expect.any(String), source: a.id, target: b.id },
    ]);
    // Names stay unique: Keras numbers the automatic ones, so inference reports no duplicate name.
    const names = [...infer(next).nodes.values()].map((n) => n.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['input_layer', 'hidden', 'dense', 'hidden_copy', 'dense_1']);
  });

  it('pasting the same fragment twice keeps user names unique', () => {
    const fragment = copyFragment(doc, ['n1']);
    const once = pasteFragment(doc, fragment).doc;
    const twice = pasteFragment(once, fragment).doc;
    expect(twice.nodes.map((n) => n.name).filter(Boolean)).toEqual(['hidden', 'hidden_copy', 'hidden_copy2']);
  });

  it("a copy of a nested model's layer is pasted outside that model, which keeps its own layers only", () => {
    const grouped = {
      ...doc,
      groups: [{ id: 'g', className: 'Sequential' as const, name: 'block' }],
      nodes: doc.nodes.map((n) => (n.id === 'n0' ? n : { ...n, group: 'g' })),
    };
    const { doc: next, ids } = pasteFragment(grouped, copyFragment(grouped, ['n1', 'n2']));
    expect(ids.map((id) => next.nodes.find((n) => n.id === id)!.group)).toEqual([undefined, undefined]);
    expect(next.nodes.filter((n) => n.group === 'g').map((n) => n.id)).toEqual(['n1', 'n2']);
  });

  it('copies configs deeply: editing the copy leaves the original alone', () => {
    const { doc: next, ids } = pasteFragment(doc, copyFragment(doc, ['n0']));
    const copy = next.nodes.find((n) => n.id === ids[0])!;
    (copy.config.shape as number[])[0] = 99;
    expect(doc.nodes[0].config.shape).toEqual([8]);
  });
});

describe('adding below the selection', () => {
  it('places the layer one row below and connects it when valid', () => {
    const doc = withPositions(chainDocument([{ className: 'InputLayer', config: { shape: [8] } }]));
    const { doc: next, id } = addNodeBelow(doc, 'Dense', 'n0', 'new');
    expect(id).toBe('new');
    expect(next.nodes[1].position).toEqual({ x: 0, y: ROW_GAP });
    expect(next.edges).toEqual([{ id: expect.any(String), source: 'n0', target: 'new' }]);
  });

  it('does not connect into an InputLayer or a layer that already has its one input', () => {
    const doc = withPositions(chainDocument([{ className: 'InputLayer', config: { shape: [8] } }]));
    expect(addNodeBelow(doc, 'InputLayer', 'n0').doc.edges).toHaveLength(0);
    const { doc: two } = addNodeBelow(doc, 'Dense', 'n0', 'd');
    // Adding below the Input, which now feeds the Dense, puts the new layer between them: still two connections.
    expect(addNodeBelow(two, 'Dense', 'n0').doc.edges).toHaveLength(2);
  });

  it('inserts the layer between the selection and the one layer it feeds, moving that one down a row', () => {
    const doc = withPositions(
      chainDocument([{ className: 'InputLayer', config: { shape: [8] } }, { className: 'Dense' }]),
    );
    const { doc: next } = addNodeBelow(doc, 'Dropout', 'n0', 'x');
    expect(next.edges.map((e) => [e.source, e.target])).toEqual([
      ['n0', 'x'],
      ['x', 'n1'],
    ]);
    expect(next.nodes.find((n) => n.id === 'x')!.position).toEqual({ x: 0, y: ROW_GAP });
    expect(next.nodes.find((n) => n.id === 'n1')!.position).toEqual({ x: 0, y: 2 * ROW_GAP });
  });

  it('moves a column right when the spot below is taken by a layer it does not feed', () => {
    const doc = withPositions(
      chainDocument([{ className: 'InputLayer', config: { shape: [8] } }, { className: 'Dense' }]),
    );
    const { doc: next } = addNodeBelow({ ...doc, edges: [] }, 'Dropout', 'n0', 'x');
    expect(next.nodes[2].position).toEqual({ x: COLUMN_GAP, y: ROW_GAP });
  });

  it('with nothing selected, places the layer under the lowest one without connecting', () => {
    const doc = withPositions(
      chainDocument([{ className: 'InputLayer', config: { shape: [8] } }, { className: 'Dense' }]),
    );
    const { doc: next } = addNodeBelow(doc, 'Dense', null, 'x');
    expect(next.nodes[2].position).toEqual({ x: 0, y: 2 * ROW_GAP });
    expect(next.edges).toHaveLength(1);
  });
});

describe('removing and renaming', () => {
  it('removing a node removes every edge touching it', () => {
    const doc = graphDocument(
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
    const next = removeItems(doc, ['n1']);
    expect(next.nodes.map((n) => n.id)).toEqual(['n0', 'n2', 'n3']);
    expect(next.edges.map((e) => [e.source, e.target])).toEqual([
      ['n0', 'n2'],
      ['n2', 'n3'],
    ]);
  });

  it('an empty name goes back to the automatic Keras name', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [4] } },
      { className: 'Dense', name: 'head' },
    ]);
    const next = renameNode(doc, 'n1', '  ');
    expect(next.nodes[1].name).toBeUndefined();
    expect(infer(next).nodes.get('n1')!.name).toBe('dense');
  });
});
