import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { emptyDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { addNode, connect, moveNodes, removeItems, setConfigValue } from '../../../renderer/stores/edits';
import { isDirty, useGraph } from '../../../renderer/stores/graph';

const g = () => useGraph.getState();

beforeEach(() => {
  g().load(emptyDocument());
});

describe('graph store history', () => {
  it('undoes and redoes every committed edit in order', () => {
    g().commit((d) => addNode(d, 'InputLayer', { x: 0, y: 0 }, 'in'));
    g().commit((d) => addNode(d, 'Dense', { x: 0, y: 130 }, 'd'));
    g().commit((d) => connect(d, 'in', 'd', 'e'));
    g().commit((d) => setConfigValue(d, 'd', 'units', 10));
    expect(g().doc.nodes.find((n) => n.id === 'd')!.config.units).toBe(10);

    g().undo();
    // Dense's Keras default is not 10: the undo restored the earlier config.
    expect(g().doc.nodes.find((n) => n.id === 'd')!.config.units).not.toBe(10);
    g().undo();
    expect(g().doc.edges).toHaveLength(0);
    g().undo();
    g().undo();
    expect(g().doc.nodes).toHaveLength(0);
    g().undo(); // nothing left: stays empty
    expect(g().doc.nodes).toHaveLength(0);

    g().redo();
    g().redo();
    g().redo();
    g().redo();
    expect(g().doc.edges).toEqual([{ id: 'e', source: 'in', target: 'd' }]);
    expect(g().doc.nodes.find((n) => n.id === 'd')!.config.units).toBe(10);
    g().redo(); // nothing to redo
    expect(g().past).toHaveLength(4);
  });

  it('a new edit after undo drops the redo branch', () => {
    g().commit((d) => addNode(d, 'InputLayer', { x: 0, y: 0 }, 'a'));
    g().commit((d) => addNode(d, 'Dense', { x: 0, y: 0 }, 'b'));
    g().undo();
    g().commit((d) => addNode(d, 'Flatten', { x: 0, y: 0 }, 'c'));
    expect(g().future).toHaveLength(0);
    g().redo();
    expect(g().doc.nodes.map((n) => n.id)).toEqual(['a', 'c']);
  });

  it('records a drag of many frames as one undo step', () => {
    g().commit((d) => addNode(d, 'InputLayer', { x: 0, y: 0 }, 'a'));
    const before = g().past.length;
    g().beginGesture();
    for (let i = 1; i <= 30; i++) {
      g().beginGesture(); // React Flow reports every frame; only the first opens the gesture
      g().gesture((d) => moveNodes(d, new Map([['a', { x: i, y: 2 * i }]])));
    }
    g().endGesture();
    expect(g().past.length).toBe(before + 1);
    expect(g().doc.nodes[0].position).toEqual({ x: 30, y: 60 });
    g().undo();
    expect(g().doc.nodes[0].position).toEqual({ x: 0, y: 0 });
  });

  it('a click without movement adds no undo step', () => {
    g().commit((d) => addNode(d, 'InputLayer', { x: 0, y: 0 }, 'a'));
    const before = g().past.length;
    g().beginGesture();
    g().endGesture();
    expect(g().past.length).toBe(before);
  });

  it('an edit that changes nothing adds no undo step', () => {
    g().commit((d) => removeItems(d, []));
    expect(g().past).toHaveLength(0);
  });

  it('is dirty after an edit and clean again after saving or undoing back to the saved document', () => {
    g().load(chainDocument([{ className: 'InputLayer', config: { shape: [4] } }]));
    expect(isDirty(g())).toBe(false);
    g().commit((d) => addNode(d, 'Dense', { x: 0, y: 0 }, 'x'));
    expect(isDirty(g())).toBe(true);
    g().undo();
    expect(isDirty(g())).toBe(false);
    g().redo();
    g().markSaved();
    expect(isDirty(g())).toBe(false);
  });

  it('undo restores the shapes and parameter counts inference reports', () => {
    // Input (28, 28, 1) → Conv2D(32, 3x3): 3*3*1*32 + 32 = 320 params (Keras), then filters 64: 640.
    g().load(
      chainDocument([
        { className: 'InputLayer', config: { shape: [28, 28, 1] } },
        { className: 'Conv2D', config: { filters: 32 } },
      ]),
    );
    g().commit((d) => setConfigValue(d, 'n1', 'filters', 64));
    expect(infer(g().doc).nodes.get('n1')!.trainableParams).toBe(640);
    expect(infer(g().doc).nodes.get('n1')!.outputShape).toEqual([null, 26, 26, 64]);
    g().undo();
    expect(infer(g().doc).nodes.get('n1')!.trainableParams).toBe(320);
    expect(infer(g().doc).nodes.get('n1')!.outputShape).toEqual([null, 26, 26, 32]);
  });
});

describe('a fresh window', () => {
  it('starts clean: not dirty, nothing to undo', async () => {
    vi.resetModules();
    const fresh = await import('../../../renderer/stores/graph');
    expect(fresh.isDirty(fresh.useGraph.getState())).toBe(false);
    expect(fresh.useGraph.getState().past).toHaveLength(0);
    expect(fresh.useGraph.getState().doc.nodes).toHaveLength(0);
  });
});
