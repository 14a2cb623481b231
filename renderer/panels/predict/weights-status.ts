/**
 * Which weights a prediction runs on, said plainly: a run's trained weights, the model's own (all layers or some),
 * or none at all, in which case the engine initializes every layer from the seed as Keras would build it.
 */
import type { ModelDocument } from '../../../engine/graph/document';
import type { Inference } from '../../../engine/graph/inference';

export function weightsStatus(doc: ModelDocument, inference: Inference, runNumber?: number): { trained: boolean; text: string } {
  const withWeights = [...inference.nodes.values()].filter((n) => n.weights.length > 0);
  const carried = withWeights.filter((n) => (doc.weights?.[n.id]?.length ?? 0) > 0);
  if (runNumber !== undefined) return { trained: true, text: `Trained weights of run #${runNumber}.` };
  if (withWeights.length === 0) return { trained: true, text: 'The model has no weights to train.' };
  if (carried.length === 0) return { trained: false, text: 'Untrained (random weights): train in the Train tab, then press "Use these weights" or pick a run here.' };
  if (carried.length < withWeights.length) {
    const missing = withWeights.filter((n) => !carried.includes(n)).map((n) => n.name);
    return { trained: true, text: `Trained weights on ${carried.length} of ${withWeights.length} layers; ${missing.join(', ')} random.` };
  }
  return { trained: true, text: `The model's trained weights (${carried.length} layer${carried.length === 1 ? '' : 's'}).` };
}
