/**
 * Inference of the current document, memoised. A drag changes only positions, so the previous result is reused
 * whenever classes, names, configs and edges are the same objects as last time.
 */
import type { ModelDocument } from '../../engine/api/graph';
import { infer, type Inference } from '../../engine/api/graph';
import { useGraph } from './graph';

let lastDoc: ModelDocument | null = null;
let lastResult: Inference | null = null;

function sameStructure(a: ModelDocument, b: ModelDocument): boolean {
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length || a.modelClass !== b.modelClass) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i];
    return n.id === m.id && n.className === m.className && n.name === m.name && n.config === m.config;
  });
}

export function inferMemo(doc: ModelDocument): Inference {
  if (lastDoc && lastResult && (lastDoc === doc || sameStructure(lastDoc, doc))) {
    lastDoc = doc;
    return lastResult;
  }
  lastResult = infer(doc);
  lastDoc = doc;
  return lastResult;
}

export function useInference(): Inference {
  return useGraph((s) => inferMemo(s.doc));
}
