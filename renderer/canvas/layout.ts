/** Auto-layout: ELK's layered algorithm, top to bottom, the way a model reads from input to output. */
import type { ModelDocument } from '../../engine/graph/document';
import { getLayer } from '../../engine/layers/registry';
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

// ELK is 1.4 MB: loaded on the first layout, so the canvas is interactive before it arrives.
type Elk = InstanceType<(typeof import('elkjs/lib/elk.bundled.js'))['default']>;
let elk: Promise<Elk> | null = null;
const loadElk = () => (elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK()));

/** Starts loading ELK once the editor is up and idle, so the first template or auto-layout doesn't wait for it. */
export function preloadLayout(): void {
  const idle = (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
  if (idle) idle(() => void loadElk(), { timeout: 2000 });
  else setTimeout(() => void loadElk(), 500);
}

/** Positions for every node; sizes are the measured ones where the canvas has them. */
export async function layoutPositions(
  doc: ModelDocument,
  sizes: ReadonlyMap<string, { width: number; height: number }> = new Map(),
): Promise<Map<string, Position>> {
  const graph = await (await loadElk()).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: doc.nodes.map((n) => ({ id: n.id, ...(sizes.get(n.id) ?? estimatedSize(doc, n.id, n.className)) })),
    edges: doc.edges
      .filter((e) => e.source !== e.target)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, Position>();
  for (const c of graph.children ?? []) out.set(c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) });
  return out;
}

/** Lays out a whole document (files without positions, imports with none kept). */
export async function withLayout(doc: ModelDocument): Promise<ModelDocument> {
  if (doc.nodes.length === 0) return doc;
  const positions = await layoutPositions(doc);
  return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position ?? { x: 0, y: 0 } })) };
}
