/** Auto-layout: ELK's layered algorithm, top to bottom, the way a model reads from input to output. */
import type { ModelDocument } from '../../engine/api/graph';
import { getLayer } from '../../engine/api/layers';
import type { Position } from '../stores/edits';

export const DEFAULT_NODE_SIZE = { width: 232, height: 76 };
/** A merge layer lists its inputs, one line each. */
const INPUT_LINE_HEIGHT = 16;

/** The size a node will have before the canvas has measured it (a file just opened, a template). */
function estimatedSize(doc: ModelDocument, id: string, className: string): { width: number; height: number } {
  if (getLayer(className)?.arity !== 'many') return DEFAULT_NODE_SIZE;
  const inputs = doc.edges.filter((e) => e.target === id).length;
  return { width: DEFAULT_NODE_SIZE.width, height: DEFAULT_NODE_SIZE.height + inputs * INPUT_LINE_HEIGHT };
}

// ELK is 1.4 MB: loaded on the first layout, so the canvas is interactive before it arrives. In a page it runs in a
// worker (a 771-layer model takes seconds to lay out, which would freeze the page); in Node (bench, tools) in-thread.
type ElkGraph = Parameters<InstanceType<typeof import('elkjs/lib/elk.bundled.js')['default']>['layout']>[0];
type Layout = (graph: ElkGraph) => Promise<ElkGraph>;
type ElkNode = NonNullable<ElkGraph['children']>[number];
let elk: Promise<Layout> | null = null;
const loadElk = () => (elk ??= typeof Worker === 'undefined' ? inThread() : inWorker());

async function inThread(): Promise<Layout> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const instance = new ELK();
  return (graph) => instance.layout(graph);
}

async function inWorker(): Promise<Layout> {
  const { default: LayoutWorker } = await import('./elk.worker?worker');
  const worker = new LayoutWorker();
  const pending = new Map<number, { resolve: (g: ElkGraph) => void; reject: (e: Error) => void }>();
  let next = 0;
  worker.onmessage = (event: MessageEvent<{ id: number; graph?: ElkGraph; error?: string }>) => {
    const { id, graph, error } = event.data;
    const p = pending.get(id);
    pending.delete(id);
    if (graph) p?.resolve(graph);
    else p?.reject(new Error(error ?? 'layout failed'));
  };
  // A worker that cannot start (or dies) hands its work, and all later layouts, to the in-thread ELK.
  worker.onerror = () => {
    elk = inThread();
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(new Error('the layout worker stopped'));
    }
  };
  return (graph) =>
    new Promise<ElkGraph>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, graph });
    }).catch(async () => (await loadElk())(graph));
}

/**
 * Above this many layers ELK spends its effort on speed: one crossing-minimisation pass, no greedy switching, simple
 * node placement and polyline routes (the canvas draws its own edges; ELK's routes are unused). Measured on
 * NASNetMobile in fresh Node processes, 3 rounds alternating: 1.0-1.08 s against 1.18-1.22 s, and 2,174 px wide
 * against Brandes-Köpf's 9,910 (which spreads its cells' branches over a width no fitted view can read).
 */
const BIG_GRAPH = 250;
const BIG_GRAPH_OPTIONS = {
  'elk.layered.thoroughness': '1',
  'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
  'elk.edgeRouting': 'POLYLINE',
};

/** Starts loading ELK once the editor is up and idle, so the first template or auto-layout doesn't wait for it. */
export function preloadLayout(): void {
  const idle = (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => void })
    .requestIdleCallback;
  if (idle) idle(() => void loadElk(), { timeout: 2000 });
  else setTimeout(() => void loadElk(), 500);
}

/** The room a nested model's frame leaves around its layers (canvas/groups.ts draws it there). */
export const GROUP_PADDING = { top: 44, left: 20, bottom: 20, right: 20 };

/**
 * Positions for every node; sizes are the measured ones where the canvas has them. A nested model's layers are laid
 * out inside a compound node of their own, padded for the frame, so no other layer lands in its frame.
 */
export async function layoutPositions(
  doc: ModelDocument,
  sizes: ReadonlyMap<string, { width: number; height: number }> = new Map(),
): Promise<Map<string, Position>> {
  const big = doc.nodes.length > BIG_GRAPH;
  const groups = new Set((doc.groups ?? []).map((g) => g.id));
  const leaf = (n: ModelDocument['nodes'][number]) => ({
    id: n.id,
    ...(sizes.get(n.id) ?? estimatedSize(doc, n.id, n.className)),
  });
  const { top, left, bottom, right } = GROUP_PADDING;
  // A model nested in a nested model is a compound inside its parent's compound.
  const parentOf = new Map((doc.groups ?? []).map((g) => [g.id, g.parent && groups.has(g.parent) ? g.parent : null]));
  const compound = (id: string): ElkNode | null => {
    const inner = [...parentOf].filter(([, p]) => p === id).map(([g]) => compound(g));
    const children = [
      ...inner.filter((c): c is ElkNode => c !== null),
      ...doc.nodes.filter((n) => n.group === id).map(leaf),
    ];
    if (children.length === 0) return null;
    return {
      id,
      layoutOptions: { 'elk.padding': `[top=${top},left=${left},bottom=${bottom},right=${right}]` },
      children,
    };
  };
  const compounds = [...parentOf]
    .filter(([, p]) => p === null)
    .map(([g]) => compound(g))
    .filter((c): c is ElkNode => c !== null);
  const graph = await (await loadElk())({
    id: 'root',
    layoutOptions: {
      ...(compounds.length ? { 'elk.hierarchyHandling': 'INCLUDE_CHILDREN' } : {}),
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      ...(big ? BIG_GRAPH_OPTIONS : {}),
    },
    children: [...compounds, ...doc.nodes.filter((n) => !n.group || !groups.has(n.group)).map(leaf)],
    edges: doc.edges
      .filter((e) => e.source !== e.target)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, Position>();
  // A compound's children are placed relative to it.
  const place = (nodes: ElkGraph['children'], dx: number, dy: number) => {
    for (const c of nodes ?? []) {
      const x = dx + (c.x ?? 0);
      const y = dy + (c.y ?? 0);
      if (groups.has(c.id)) place(c.children, x, y);
      else out.set(c.id, { x: Math.round(x), y: Math.round(y) });
    }
  };
  place(graph.children, 0, 0);
  return out;
}

/** Lays out a whole document (files without positions, imports with none kept). */
export async function withLayout(doc: ModelDocument): Promise<ModelDocument> {
  if (doc.nodes.length === 0) return doc;
  const positions = await layoutPositions(doc);
  return {
    ...doc,
    nodes: doc.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position ?? { x: 0, y: 0 } })),
  };
}
