/** Turning nodes and edges into a DAG: incoming edges in order, consumers, topological order, cycles. */
import type { DocEdge, DocNode, ModelDocument } from './document';

export interface Topology {
  byId: Map<string, DocNode>;
  /** Edges into each node, in document order (merge inputs keep it). */
  incoming: Map<string, DocEdge[]>;
  /** Edges out of each node. */
  outgoing: Map<string, DocEdge[]>;
  /** Nodes not on a cycle, sources before consumers; ties keep document order. */
  order: string[];
  /** Each cycle found, as node ids in the order they connect. */
  cycles: string[][];
  /** Edges whose source or target is not a node of the document. */
  danglingEdges: DocEdge[];
}

export function buildTopology(doc: ModelDocument): Topology {
  const byId = new Map<string, DocNode>();
  const incoming = new Map<string, DocEdge[]>();
  const outgoing = new Map<string, DocEdge[]>();
  for (const n of doc.nodes) {
    byId.set(n.id, n);
    incoming.set(n.id, []);
    outgoing.set(n.id, []);
  }
  const danglingEdges: DocEdge[] = [];
  for (const e of doc.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) {
      danglingEdges.push(e);
      continue;
    }
    incoming.get(e.target)!.push(e);
    outgoing.get(e.source)!.push(e);
  }

  // Kahn's algorithm; a min-heap on document index would keep strict document order, but a FIFO seeded in
  // document order is enough for names and costs O(V + E).
  const indegree = new Map<string, number>();
  for (const n of doc.nodes) indegree.set(n.id, incoming.get(n.id)!.length);
  const queue: string[] = doc.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    order.push(id);
    for (const e of outgoing.get(id)!) {
      const left = indegree.get(e.target)! - 1;
      indegree.set(e.target, left);
      if (left === 0) queue.push(e.target);
    }
  }
  const cycles = order.length === doc.nodes.length ? [] : findCycles(doc, outgoing, new Set(order));
  return { byId, incoming, outgoing, order, cycles, danglingEdges };
}

/** Cycles among the nodes Kahn's algorithm could not order (iterative DFS, one cycle per back edge found). */
function findCycles(doc: ModelDocument, outgoing: Map<string, DocEdge[]>, ordered: Set<string>): string[][] {
  const state = new Map<string, 0 | 1 | 2>();
  const cycles: string[][] = [];
  for (const start of doc.nodes) {
    if (ordered.has(start.id) || state.get(start.id)) continue;
    const stack: { id: string; next: number }[] = [{ id: start.id, next: 0 }];
    const path: string[] = [start.id];
    state.set(start.id, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const edges = outgoing.get(top.id)!;
      if (top.next >= edges.length) {
        state.set(top.id, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const to = edges[top.next++].target;
      if (ordered.has(to)) continue;
      const s = state.get(to) ?? 0;
      if (s === 1) cycles.push(path.slice(path.indexOf(to)));
      else if (s === 0) {
        state.set(to, 1);
        stack.push({ id: to, next: 0 });
        path.push(to);
      }
    }
  }
  return cycles;
}

/** Whether adding source → target would close a cycle (the canvas refuses such a connection). */
export function wouldCreateCycle(doc: ModelDocument, source: string, target: string): boolean {
  if (source === target) return true;
  const outgoing = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = outgoing.get(e.source);
    if (list) list.push(e.target);
    else outgoing.set(e.source, [e.target]);
  }
  const seen = new Set<string>([target]);
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return true;
    for (const next of outgoing.get(id) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}
