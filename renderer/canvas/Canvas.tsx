/** The React Flow canvas: the document drawn, edited through the graph store, refused connections explained. */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import { newId } from '../../engine/graph/document';
import { addNode, connect, moveNodes, type Position } from '../stores/edits';
import { useGraph } from '../stores/graph';
import { useInference } from '../stores/inference';
import { useUi } from '../stores/ui';
import { connectionRefusal, isValidConnection } from './connection';
import { LAYER_DRAG_TYPE } from './drag-type';
import { LayerNode } from './LayerNode';
import { ShapeEdge } from './ShapeEdge';
import { toFlowEdges, toFlowNodes, type LayerFlowNode } from './to-flow';

// Module scope: React Flow re-mounts every node and edge when these objects change.
const nodeTypes = { layer: LayerNode };
const edgeTypes = { shape: ShapeEdge };

type Size = { width: number; height: number };

export function Canvas({ dark }: { dark: boolean }) {
  const doc = useGraph((s) => s.doc);
  const inference = useInference();
  const selectedNodes = useUi((s) => s.selectedNodes);
  const selectedEdges = useUi((s) => s.selectedEdges);
  const { screenToFlowPosition } = useReactFlow();
  // React Flow needs each node's measured size back on the controlled nodes, or it re-measures forever.
  const [sizes, setSizes] = useState<ReadonlyMap<string, Size>>(new Map());
  const cache = useRef(new Map<string, LayerFlowNode>());

  const nodes = useMemo(() => {
    const fresh = toFlowNodes(doc, inference, new Set(selectedNodes));
    const next = new Map<string, LayerFlowNode>();
    const out = fresh.map((n) => {
      const old = cache.current.get(n.id);
      const size = sizes.get(n.id);
      const same =
        old &&
        old.data === n.data &&
        old.selected === n.selected &&
        old.position.x === n.position.x &&
        old.position.y === n.position.y &&
        old.measured?.width === size?.width &&
        old.measured?.height === size?.height;
      const node = same ? old : size ? { ...n, measured: size } : n;
      next.set(n.id, node);
      return node;
    });
    cache.current = next;
    return out;
  }, [doc, inference, selectedNodes, sizes]);
  // A drag changes only positions: the edge list and the inference stay the same objects, so do the edges.
  const docEdges = doc.edges;
  const edges = useMemo(() => toFlowEdges(docEdges, inference, new Set(selectedEdges)), [docEdges, inference, selectedEdges]);

  const onNodesChange = useCallback((changes: NodeChange<LayerFlowNode>[]) => {
    const graph = useGraph.getState();
    const moved = new Map<string, Position>();
    let dragEnded = false;
    let selection: Set<string> | null = null;
    let measured: Map<string, Size> | null = null;
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        moved.set(c.id, c.position);
        if (c.dragging === false) dragEnded = true;
      } else if (c.type === 'position' && c.dragging === false) dragEnded = true;
      else if (c.type === 'select') {
        selection ??= new Set(useUi.getState().selectedNodes);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      } else if (c.type === 'dimensions' && c.dimensions) {
        measured ??= new Map();
        measured.set(c.id, c.dimensions);
      }
    }
    if (moved.size) {
      graph.beginGesture();
      graph.gesture((d) => moveNodes(d, moved));
    }
    if (dragEnded) graph.endGesture();
    if (selection) useUi.getState().select([...selection], useUi.getState().selectedEdges);
    if (measured) {
      const m = measured;
      setSizes((prev) => {
        const next = new Map(prev);
        for (const [id, size] of m) next.set(id, size);
        return next;
      });
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<Edge>[]) => {
    let selection: Set<string> | null = null;
    for (const c of changes) {
      if (c.type !== 'select') continue;
      selection ??= new Set(useUi.getState().selectedEdges);
      if (c.selected) selection.add(c.id);
      else selection.delete(c.id);
    }
    if (selection) useUi.getState().select(useUi.getState().selectedNodes, [...selection]);
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const refusal = connectionRefusal(useGraph.getState().doc, c.source, c.target);
    if (refusal) {
      useUi.getState().notify(refusal, 'error');
      return;
    }
    useGraph.getState().commit((d) => connect(d, c.source, c.target));
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(LAYER_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const className = e.dataTransfer.getData(LAYER_DRAG_TYPE);
      if (!className) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const id = newId();
      // The drop point is where the pointer is: centre the node's header on it.
      useGraph.getState().commit((d) => addNode(d, className, { x: Math.round(p.x - 100), y: Math.round(p.y - 20) }, id));
      useUi.getState().select([id]);
    },
    [screenToFlowPosition],
  );

  return (
    <div className="canvas" data-testid="canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onDragOver={onDragOver}
        onDrop={onDrop}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta', 'Shift']}
        colorMode={dark ? 'dark' : 'light'}
        minZoom={0.2}
      >
        <Background gap={20} size={1} />
        {doc.nodes.length > 0 ? <MiniMap pannable zoomable className="minimap" nodeClassName={(n) => `minimap-node group-${String((n.data as { group?: string }).group ?? '').toLowerCase()}`} /> : null}
        <Controls />
      </ReactFlow>
    </div>
  );
}
