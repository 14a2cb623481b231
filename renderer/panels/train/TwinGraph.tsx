/**
 * The BN-free twin a comparison trained, read-only in an overlay: drawn like the canvas (same node component and
 * positions), with the removed BatchNormalization layers left as dashed ghosts where they stood and the layers
 * whose bias came back outlined, and the two lists spelled out beside it. The user's document is never touched.
 */
import { ReactFlow, ReactFlowProvider, Background, Controls, type Node, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useMemo } from 'react';
import type { ModelDocument } from '../../../engine/api/graph';
import { infer } from '../../../engine/api/graph';
import { bnTwin } from '../../../engine/api/train';
import { LayerNode } from '../../canvas/LayerNode';
import { ShapeEdge } from '../../canvas/ShapeEdge';
import { toFlowEdges, toFlowNodes } from '../../canvas/to-flow';
import type { TrainingRun } from '../../stores/training';
import { hasTrait } from '../../../engine/api/layers';

type GhostNode = Node<{ name: string }, 'ghost'>;

const Ghost = memo(function Ghost({ data }: NodeProps<GhostNode>) {
  return (
    <div className="twin-ghost" title="Removed in the twin: its input goes straight to its consumers">
      <s>{data.name}</s> <span>BatchNormalization · removed</span>
    </div>
  );
});

const nodeTypes = { layer: LayerNode, ghost: Ghost };
const edgeTypes = { shape: ShapeEdge };
const NONE: ReadonlySet<string> = new Set();

/** The twin the run trained (its result's graph once it ended), and what differs from the model. */
export function twinOf(run: Pick<TrainingRun, 'document' | 'results'>): {
  doc: ModelDocument;
  removed: string[];
  biasRestored: string[];
  removedIds: string[];
} {
  const twin = bnTwin(run.document);
  const removedIds = run.document.nodes.filter((n) => hasTrait(n.className, 'batchStatistics')).map((n) => n.id);
  return {
    doc: run.results['without BN']?.document ?? twin.doc,
    removed: twin.removed,
    biasRestored: twin.biasRestored,
    removedIds,
  };
}

export function TwinGraph({ run, dark, onClose }: { run: TrainingRun; dark: boolean; onClose(): void }) {
  const twin = useMemo(() => twinOf(run), [run]);
  const { nodes, edges } = useMemo(() => {
    const inference = infer(twin.doc);
    const changed = new Set(twin.doc.nodes.filter((n) => twin.biasRestored.includes(n.name ?? '')).map((n) => n.id));
    const layerNodes = toFlowNodes(twin.doc, inference, NONE).map((n) => ({
      ...n,
      className: changed.has(n.id) ? 'twin-changed' : undefined,
    }));
    const ghosts: GhostNode[] = run.document.nodes
      .filter((n) => twin.removedIds.includes(n.id))
      .map((n, i) => ({
        id: `ghost-${n.id}`,
        type: 'ghost',
        position: n.position ?? { x: 0, y: 0 },
        data: { name: twin.removed[i] },
        selectable: false,
      }));
    return { nodes: [...ghosts, ...layerNodes] as Node[], edges: toFlowEdges(twin.doc.edges, inference, NONE) };
  }, [twin, run.document]);

  useEffect(() => {
    const key = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [onClose]);

  return (
    <div className="twin-backdrop" onClick={onClose}>
      <div
        className="twin-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="The twin without BatchNormalization"
        data-testid="twin-graph"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="twin-head">
          <b>{twin.doc.name}</b>
          <span className="twin-muted">the model run #{run.number} compared against · read-only</span>
          <button type="button" className="twin-close" data-testid="twin-close" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
        <div className="twin-body">
          <aside className="twin-changes">
            <h4>Removed</h4>
            <ul data-testid="twin-removed">
              {twin.removed.map((name) => (
                <li key={name}>
                  <s>{name}</s> (BatchNormalization)
                </li>
              ))}
            </ul>
            <h4>Changed</h4>
            {twin.biasRestored.length ? (
              <ul data-testid="twin-changed">
                {twin.biasRestored.map((name) => (
                  <li key={name}>
                    <b>{name}</b>: use_bias False → True
                  </li>
                ))}
              </ul>
            ) : (
              <p className="twin-muted" data-testid="twin-changed">
                Nothing: the layers before BN already had a bias.
              </p>
            )}
            <p className="twin-muted">
              Each BN layer’s input is wired straight to its consumers. Without BN’s β the layer that fed it needs its
              own shift again, so its bias comes back. Everything else — seed, data, optimizer — is the same as the
              model’s.
            </p>
          </aside>
          <div className="twin-flow">
            <ReactFlowProvider>
              <ReactFlow
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                edgeTypes={edgeTypes}
                nodesDraggable={false}
                nodesConnectable={false}
                elementsSelectable={false}
                deleteKeyCode={null}
                colorMode={dark ? 'dark' : 'light'}
                fitView
                minZoom={0.1}
              >
                <Background gap={20} size={1} />
                <Controls showInteractive={false} />
              </ReactFlow>
            </ReactFlowProvider>
          </div>
        </div>
      </div>
    </div>
  );
}
