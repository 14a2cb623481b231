/**
 * Trained weights back into the document: a run trains a snapshot, so the canvas may have changed since. Weights go
 * only to layers that still exist with the same class and weight shapes; the rest are named in the notice.
 */
import type { ModelDocument, NamedWeight } from '../../../engine/api/graph';
import { infer } from '../../../engine/api/graph';

export interface AppliedWeights {
  doc: ModelDocument;
  applied: string[];
  skipped: string[];
}

export function applyTrainedWeights(doc: ModelDocument, weights: Record<string, NamedWeight[]>): AppliedWeights {
  const inference = infer(doc);
  const next: Record<string, NamedWeight[]> = { ...(doc.weights ?? {}) };
  const applied: string[] = [];
  const skipped: string[] = [];
  for (const [id, list] of Object.entries(weights)) {
    const info = inference.nodes.get(id);
    const fits =
      info &&
      info.weights.length === list.length &&
      info.weights.every((spec) => {
        const w = list.find((x) => x.name === spec.name);
        return w !== undefined && w.tensor.shape.join() === spec.shape.join();
      });
    if (!info || !fits) {
      skipped.push(info?.name ?? id);
      continue;
    }
    next[id] = list;
    applied.push(info.name);
  }
  return { doc: { ...doc, weights: next }, applied, skipped };
}
