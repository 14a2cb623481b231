/**
 * Which weights a prediction runs on, said plainly: a run's trained weights, the model's own (all layers or some),
 * or none at all, in which case the engine initializes every layer from the seed as Keras would build it.
 */
import type { ModelDocument } from '../../../engine/graph/document';
import type { Inference } from '../../../engine/graph/inference';
import { hasTrait } from '../../../engine/layers/registry';

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

/** Below this share of their starting values (0 and 1) the moving statistics describe the data, not the start. */
const SETTLED = 0.05;

/**
 * Inference mode normalizes with BatchNormalization's moving averages, which move by (1 - momentum) per training
 * step: after s steps momentum^s of the starting mean 0 and variance 1 is still in them. A short run leaves them
 * mostly at the start, so the bars can look untrained though training accuracy was fine. Say so, with the number
 * of steps that would settle them. Null when nothing needs saying (no BN, or enough steps).
 */
export function bnWarmup(doc: ModelDocument, inference: Inference, steps: number): string | null {
  let worst: { name: string; momentum: number; left: number } | null = null;
  for (const node of doc.nodes) {
    if (!hasTrait(node.className, 'batchStatistics')) continue;
    // Keras's default momentum when the config leaves it out.
    const momentum = typeof node.config.momentum === 'number' ? node.config.momentum : 0.99;
    if (!(momentum > 0 && momentum < 1)) continue;
    const left = momentum ** steps;
    if (!worst || left > worst.left) worst = { name: inference.nodes.get(node.id)?.name ?? node.id, momentum, left };
  }
  if (!worst || worst.left <= SETTLED) return null;
  const needed = Math.ceil(Math.log(SETTLED) / Math.log(worst.momentum));
  return (
    `BatchNormalization's moving statistics have had ${steps} update${steps === 1 ? '' : 's'}: with momentum ${worst.momentum}, ` +
    `${Math.round(worst.left * 100)}% of ${worst.name}'s is still its starting mean 0 and variance 1. Inference mode (used here) ` +
    `normalizes with them, so it lags what training measured. Train about ${needed} steps or more, or lower BN's momentum; the Inside tab shows the gap.`
  );
}
