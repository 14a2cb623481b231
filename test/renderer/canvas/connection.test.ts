import { describe, expect, it } from 'vitest';
import { chainDocument, graphDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';
import { connectionRefusal } from '../../../engine/graph/connection';
import { isValidConnection } from '../../../renderer/canvas/connection';
import { useGraph } from '../../../renderer/stores/graph';
import { connect } from '../../../renderer/stores/edits';

describe('connectionRefusal (isValidConnection)', () => {
  const chain = chainDocument([
    { className: 'InputLayer', config: { shape: [28, 28, 1] } },
    { className: 'Conv2D' },
    { className: 'Flatten' },
    { className: 'Dense' },
  ]);

  it('refuses a connection that would close a cycle, and inference agrees it would be one', () => {
    expect(connectionRefusal(chain, 'n3', 'n1')).toBe('this connection would make a cycle: conv2d already feeds dense');
    expect(connectionRefusal(chain, 'n2', 'n2')).toBe('this connection would make a cycle: flatten cannot feed itself');
    // What the refusal prevents: drawn anyway, inference reports a cycle.
    expect(infer(connect(chain, 'n3', 'n1')).problems.some((p) => p.code === 'cycle')).toBe(true);
  });

  it('refuses an edge into an InputLayer', () => {
    const doc = graphDocument([{ className: 'Dense' }, { className: 'InputLayer', config: { shape: [4] } }], []);
    expect(connectionRefusal(doc, 'n0', 'n1')).toMatch(/InputLayer takes no inputs/);
  });

  it('refuses a second input into a one-input layer but accepts more inputs into a merge layer', () => {
    const doc = graphDocument(
      [
        { className: 'InputLayer', config: { shape: [4] } },
        { className: 'Dense' },
        { className: 'Dense' },
        { className: 'Add' },
      ],
      [
        [0, 1],
        [1, 3],
      ],
    );
    expect(connectionRefusal(doc, 'n0', 'n2')).toBeNull();
    const withTwo = connect(doc, 'n0', 'n2');
    expect(connectionRefusal(withTwo, 'n1', 'n2')).toBe(
      'Dense takes one input: remove the edge from input_layer first, or merge the branches with Add or Concatenate',
    );
    expect(connectionRefusal(withTwo, 'n2', 'n3')).toBeNull(); // Add: arity 'many'
  });

  it('refuses a duplicate connection and accepts a plain forward one', () => {
    expect(connectionRefusal(chain, 'n0', 'n1')).toMatch(/already connected/);
    const open = chainDocument([{ className: 'InputLayer', config: { shape: [4] } }]);
    const two = {
      ...open,
      nodes: [...open.nodes, ...chainDocument([{ className: 'Dense' }]).nodes.map((n) => ({ ...n, id: 'd' }))],
    };
    expect(connectionRefusal(two, 'n0', 'd')).toBeNull();
  });

  it('refuses connections to layers that are not in the document', () => {
    expect(connectionRefusal(chain, 'n0', 'nope')).not.toBeNull();
    expect(connectionRefusal(chain, null, 'n1')).not.toBeNull();
  });
});

describe('isValidConnection', () => {
  it('judges against the document in the graph store, as it is when the connection is dragged', () => {
    useGraph
      .getState()
      .load(chainDocument([{ className: 'InputLayer', config: { shape: [4] } }, { className: 'Dense' }]));
    const c = (source: string, target: string) => ({ source, target, sourceHandle: 'out', targetHandle: 'in' });
    expect(isValidConnection(c('n1', 'n0'))).toBe(false); // into the InputLayer
    expect(isValidConnection(c('n0', 'n1'))).toBe(false); // already connected
    useGraph.getState().commit((d) => ({ ...d, edges: [] }));
    expect(isValidConnection(c('n0', 'n1'))).toBe(true);
  });
});
