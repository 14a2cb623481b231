/** The React Flow canvas: the document drawn, edited through the graph store, refused connections explained. */
import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useConnection,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
} from '@xyflow/react';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type RefObject,
} from 'react';
import { groupChains, newId, type ModelDocument } from '../../engine/api/graph';
import { insertOnEdge } from '../../engine/api/graph';
import { getLayer } from '../../engine/api/layers';
import { addNode, connect, moveNodes, ROW_GAP, type Position } from '../stores/edits';
import { useGraph } from '../stores/graph';
import { useCheckedInference } from '../panels/use-checked-inference';
import { fitNow } from '../actions/view';
import { resizeShift } from './fit';
import { useUi } from '../stores/ui';
import { connectionRefusal } from '../../engine/api/graph';
import { isValidConnection } from './connection';
import { LAYER_DRAG_TYPE } from './drag-type';
import { GroupNode } from './GroupNode';
import { GroupSelection } from './GroupSelection';
import { absolutePosition, type CanvasNode, collapsedMembers, routeToCollapsed, withGroups } from './groups';
import { LayerNode } from './LayerNode';
import { ShapeEdge } from './ShapeEdge';
import { outputOfHandle, toFlowEdges, toFlowNodes, type LayerFlowNode } from './to-flow';

// Module scope: React Flow re-mounts every node and edge when these objects change.
const nodeTypes = { layer: LayerNode, group: GroupNode };
/**
 * Above this many layers only what is in view is in the DOM. Measured (bench/canvas.ts): NASNetMobile's 771 layers
 * all in the DOM dropped 149 of 367 frames in a pan and 52 in a zoom, against 37 and 19 when only those in view
 * are; but a 300-layer graph drags a node better with all of them there (no dropped frame against 5% late).
 */
const BIG_CANVAS = 400;
const edgeTypes = { shape: ShapeEdge };

type Size = { width: number; height: number };
type Refusal = { x: number; y: number; text: string };

/**
 * Semantic zoom: below 100 % a node drops its detail and draws the class name (and, while it fits, the shape) larger,
 * scaled against the zoom so text stays at least 11 px on screen (a long name may then run past its box rather than
 * shrink); far out it is a coloured block with a tooltip.
 */
export function zoomLevel(zoom: number): 'full' | 'compact' | 'name' | 'blocks' {
  return zoom >= 0.98 ? 'full' : zoom >= 0.6 ? 'compact' : zoom >= 0.28 ? 'name' : 'blocks';
}

/**
 * While a connection is dragged over a handle that refuses it, why, at the pointer (React Flow marks the target
 * invalid through isValidConnection; this says what the rule is). Let go, the same text stays (onConnectEnd).
 */
function LiveRefusal() {
  const live = useConnection((c) =>
    c.inProgress && c.toNode && c.isValid === false && c.toNode.id !== c.fromNode.id
      ? {
          from: c.fromNode.id,
          to: c.toNode.id,
          fromSource: c.fromHandle.type !== 'target',
          output: c.fromHandle.type !== 'target' ? outputOfHandle(c.fromHandle.id) : 0,
          x: c.pointer.x,
          y: c.pointer.y,
        }
      : null,
  );
  const doc = useGraph((s) => s.doc);
  if (!live) return null;
  const [source, target] = live.fromSource ? [live.from, live.to] : [live.to, live.from];
  const why = connectionRefusal(doc, source, target, live.output);
  if (!why) return null;
  return (
    <div
      className="connection-refused"
      role="status"
      data-testid="connection-refused"
      data-live="true"
      style={{ left: live.x, top: live.y }}
    >
      {why}
    </div>
  );
}

function SemanticZoom({ target }: { target: RefObject<HTMLDivElement | null> }) {
  const zoom = useStore((s) => s.transform[2]);
  useLayoutEffect(() => {
    const el = target.current;
    if (!el) return;
    el.dataset.zoom = zoomLevel(zoom);
    el.style.setProperty('--zoom-inv', String(1 / zoom));
    // Edges keep a hit area of 10 screen pixels however far out: narrower than the gap between connections fanned
    // out from one handle (to-flow.ts fanOffsets), so a click picks the line under the pointer, not a neighbour.
    el.style.setProperty('--edge-hit', `${Math.min(36, 10 / zoom)}px`);
  }, [zoom, target]);
  return null;
}

/** The minimap's size for a canvas of this size, and whether it starts folded (a short canvas needs its room). */
export function minimapSize(width: number, height: number): { width: number; height: number; fold: boolean } {
  const clamp = (v: number, lo: number, hi: number) => Math.round(Math.min(hi, Math.max(lo, v)));
  return {
    width: clamp(width * 0.16, 110, 220),
    height: clamp(height * 0.2, 70, 160),
    fold: height < 380 || width < 480,
  };
}

/** The connection under a screen point (its wide, invisible hit path counts), or null. */
function edgeAt(x: number, y: number): string | null {
  for (const el of document.elementsFromPoint(x, y)) {
    const edge = el.closest('.react-flow__edge');
    if (edge) return edge.getAttribute('data-id');
    if (el.closest('.react-flow__node')) return null;
  }
  return null;
}

/** The layer under a screen point, or null. */
function nodeAt(x: number, y: number): string | null {
  for (const el of document.elementsFromPoint(x, y)) {
    const node = el.closest('.react-flow__node');
    if (node) return node.getAttribute('data-id');
  }
  return null;
}

/**
 * The selected layer a layer dropped at `p` (its top-left) should be fed by: the one selected layer when its output
 * feeds nothing yet and the drop is below it, within two rows and a column.
 */
function feederFor(doc: ModelDocument, selected: readonly string[], p: Position): string | null {
  if (selected.length !== 1) return null;
  const s = doc.nodes.find((n) => n.id === selected[0]);
  if (!s?.position || doc.edges.some((e) => e.source === s.id)) return null;
  const dy = p.y - s.position.y;
  return dy > 20 && dy < 2.5 * ROW_GAP && Math.abs(p.x - s.position.x) < 260 ? s.id : null;
}

export function Canvas({ dark }: { dark: boolean }) {
  const doc = useGraph((s) => s.doc);
  const inference = useCheckedInference();
  const selectedNodes = useUi((s) => s.selectedNodes);
  const selectedEdges = useUi((s) => s.selectedEdges);
  const { screenToFlowPosition, getViewport, setViewport, getNodes, getNodesBounds } = useReactFlow();
  // React Flow needs each node's measured size back on the controlled nodes, or it re-measures forever.
  const [sizes, setSizes] = useState<ReadonlyMap<string, Size>>(new Map());
  const cache = useRef(new Map<string, LayerFlowNode>());
  // A layer dragged over a connection lights it up: dropped there, it is inserted into it.
  const [dropEdge, setDropEdge] = useState<string | null>(null);

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
    return withGroups(doc, inference, out, sizes);
  }, [doc, inference, selectedNodes, sizes]);
  // Positions React Flow reports are relative to a node's parent (a nested model's frame): the latest nodes say where
  // each frame is, to turn them back into the document's absolute positions.
  const latest = useRef<CanvasNode[]>(nodes);
  latest.current = nodes;
  // A drag changes only positions: the edge list and the inference stay the same objects, so do the edges.
  const docEdges = doc.edges;
  const hiddenBefore = useRef<ReadonlyMap<string, string> | undefined>(undefined);
  const hiddenIn = useMemo(() => {
    const members = collapsedMembers(doc, hiddenBefore.current);
    hiddenBefore.current = members;
    return members;
  }, [doc]);
  const edges = useMemo(
    () => routeToCollapsed(toFlowEdges(docEdges, inference, new Set(selectedEdges), dropEdge), hiddenIn),
    [docEdges, inference, selectedEdges, dropEdge, hiddenIn],
  );

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    const graph = useGraph.getState();
    const moved = new Map<string, Position>();
    const byId = new Map(latest.current.map((n) => [n.id, n]));
    const absolute = (id: string, p: Position): Position => absolutePosition(byId, id, p);
    const chains = groupChains(graph.doc);
    let dragEnded = false;
    let selection: Set<string> | null = null;
    let measured: Map<string, Size> | null = null;
    for (const c of changes) {
      if (c.type === 'position' && c.position && byId.get(c.id)?.type === 'group') {
        // Dragging a nested model's frame (or its collapsed node) moves its layers with it.
        const frame = byId.get(c.id)!;
        const dx = c.position.x - frame.position.x;
        const dy = c.position.y - frame.position.y;
        for (const n of graph.doc.nodes)
          if (n.position && chains.get(n.group ?? '')?.includes(c.id))
            moved.set(n.id, { x: n.position.x + dx, y: n.position.y + dy });
        if (c.dragging === false) dragEnded = true;
      } else if (c.type === 'position' && c.position) {
        moved.set(c.id, absolute(c.id, c.position));
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
    const refusal = connectionRefusal(useGraph.getState().doc, c.source, c.target, outputOfHandle(c.sourceHandle));
    if (refusal) {
      useUi.getState().notify(refusal, 'error');
      return;
    }
    useGraph.getState().commit((d) => connect(d, c.source, c.target, undefined, outputOfHandle(c.sourceHandle)));
  }, []);

  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ width: 800, height: 500 });
  const [minimapOpen, setMinimapOpen] = useState<boolean | null>(null);
  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    let last = { width: el.clientWidth, height: el.clientHeight };
    const observer = new ResizeObserver(() => {
      const next = { width: el.clientWidth, height: el.clientHeight };
      // Keep the model in sight. React Flow pins the view's top-left corner, so a model fitted in a 4K window sat
      // out of sight, far right, once the window shrank to 1024×700; keeping the centre instead pushed the Input
      // under the top bar when the bottom panel opened. resizeShift moves the view the least that keeps it in view.
      if (last.width > 0 && last.height > 0 && next.width > 0 && next.height > 0) {
        const v = getViewport();
        const nodes = getNodes();
        const b = nodes.length > 0 ? getNodesBounds(nodes) : { x: 0, y: 0, width: 0, height: 0 };
        const left = b.x * v.zoom + v.x;
        const top = b.y * v.zoom + v.y;
        const dx = resizeShift(left, left + b.width * v.zoom, last.width, next.width);
        const dy = resizeShift(top, top + b.height * v.zoom, last.height, next.height);
        if (dx || dy) void setViewport({ x: v.x + dx, y: v.y + dy, zoom: v.zoom });
      }
      last = next;
      setBox(next);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [getViewport, setViewport, getNodes, getNodesBounds]);
  const mini = minimapSize(box.width, box.height);
  const showMinimap = minimapOpen ?? !mini.fold;
  useEffect(() => {
    if (!refusal) return;
    const t = window.setTimeout(() => setRefusal(null), 5000);
    return () => window.clearTimeout(t);
  }, [refusal]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(LAYER_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    const edge = edgeAt(e.clientX, e.clientY);
    setDropEdge((old) => (old === edge ? old : edge));
  }, []);

  const onDragLeave = useCallback((e: DragEvent) => {
    if (!(e.relatedTarget instanceof Node) || !wrap.current?.contains(e.relatedTarget)) setDropEdge(null);
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      setDropEdge(null);
      const className = e.dataTransfer.getData(LAYER_DRAG_TYPE);
      if (!className) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const id = newId();
      const edge = edgeAt(e.clientX, e.clientY);
      // The drop point is where the pointer is: centre the node's header on it.
      const at = { x: Math.round(p.x - 100), y: Math.round(p.y - 20) };
      const graph = useGraph.getState();
      const onEdge = edge ? insertOnEdge(graph.doc, edge, className, id) : null;
      if (onEdge) graph.commit(() => onEdge);
      else {
        const feeder =
          getLayer(className)?.arity === 'none' ? null : feederFor(graph.doc, useUi.getState().selectedNodes, at);
        graph.commit((d) => {
          const added = addNode(d, className, at, id);
          return feeder && connectionRefusal(added, feeder, id) === null ? connect(added, feeder, id) : added;
        });
      }
      useUi.getState().select([id]);
    },
    [screenToFlowPosition],
  );

  // A connection let go over a layer that refuses it says why, at the pointer; let go over a layer's body (not its
  // handle) it connects, as if dropped on the handle.
  const onConnectEnd = useCallback((e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid || !state.fromNode) return;
    const point = 'changedTouches' in e ? e.changedTouches[0] : e;
    if (!point) return;
    const other = state.toNode?.id ?? nodeAt(point.clientX, point.clientY);
    if (!other || other === state.fromNode.id) return;
    const fromSource = state.fromHandle?.type !== 'target';
    const [source, target] = fromSource ? [state.fromNode.id, other] : [other, state.fromNode.id];
    const doc = useGraph.getState().doc;
    const output = fromSource ? outputOfHandle(state.fromHandle?.id) : 0;
    const why = connectionRefusal(doc, source, target, output);
    if (!why) {
      useGraph.getState().commit((d) => connect(d, source, target, undefined, output));
      return;
    }
    const box = wrap.current?.getBoundingClientRect();
    setRefusal({ x: point.clientX - (box?.left ?? 0), y: point.clientY - (box?.top ?? 0), text: why });
  }, []);

  return (
    <div className="canvas" data-testid="canvas" ref={wrap} onPointerDown={() => setRefusal(null)}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onConnectEnd={onConnectEnd}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta', 'Shift']}
        colorMode={dark ? 'dark' : 'light'}
        minZoom={0.2}
        onlyRenderVisibleElements={doc.nodes.length > BIG_CANVAS}
      >
        <Background gap={20} size={1} />
        {doc.nodes.length > 0 && showMinimap ? (
          <MiniMap
            pannable
            zoomable
            className="minimap"
            style={{ width: mini.width, height: mini.height }}
            nodeClassName={(n) =>
              `minimap-node group-${String((n.data as { group?: string }).group ?? '').toLowerCase()}`
            }
          />
        ) : null}
        {doc.nodes.length > 0 ? (
          <button
            type="button"
            className="minimap-toggle"
            data-testid="minimap-toggle"
            aria-pressed={showMinimap}
            title={showMinimap ? 'Hide the minimap' : 'Show the minimap'}
            style={showMinimap ? { bottom: mini.height + 22 } : undefined}
            onClick={() => setMinimapOpen(!showMinimap)}
          >
            {showMinimap ? 'Hide map' : 'Map'}
          </button>
        ) : null}
        <SemanticZoom target={wrap} />
        <LiveRefusal />
        <GroupSelection />
        {/* Fit is the readable fit of canvas/fit.ts, not React Flow's, which would zoom a 12-layer chain to blocks. */}
        <Controls showFitView={false}>
          <ControlButton
            className="react-flow__controls-fitview"
            onClick={fitNow}
            title="Fit view"
            aria-label="Fit view"
          >
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30" aria-hidden="true">
              <path d="M0 0h10v3.7H3.7V10H0zM22 0h10v10h-3.7V3.7H22zM0 20h3.7v6.3H10V30H0zM28.3 20H32v10H22v-3.7h6.3z" />
            </svg>
          </ControlButton>
        </Controls>
      </ReactFlow>
      {refusal ? (
        <div
          className="connection-refused"
          role="alert"
          data-testid="connection-refused"
          style={{ left: refusal.x, top: refusal.y }}
        >
          {refusal.text}
        </div>
      ) : null}
    </div>
  );
}
