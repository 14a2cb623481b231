/**
 * Which weights a prediction runs on, said plainly: a run's trained weights, the model's own (all layers or some),
 * or none at all, in which case the engine initializes every layer from the seed as Keras would build it.
 */
import type { ModelDocument } from '../../../engine/api/graph';
import type { Inference } from '../../../engine/api/graph';
import { movingStatistics } from '../train/bn-report';

export function weightsStatus(
  doc: ModelDocument,
  inference: Inference,
  runNumber?: number,
): { trained: boolean; text: string } {
  const withWeights = [...inference.nodes.values()].filter((n) => n.weights.length > 0);
  const carried = withWeights.filter((n) => (doc.weights?.[n.id]?.length ?? 0) > 0);
  if (runNumber !== undefined) return { trained: true, text: `Trained weights of run #${runNumber}.` };
  if (withWeights.length === 0) return { trained: true, text: 'The model has no weights to train.' };
  if (carried.length === 0)
    return {
      trained: false,
      text: 'Untrained (random weights): train in the Train tab, then press "Use these weights" or pick a run here.',
    };
  if (carried.length < withWeights.length) {
    const missing = withWeights.filter((n) => !carried.includes(n)).map((n) => n.name);
    return {
      trained: true,
      text: `Trained weights on ${carried.length} of ${withWeights.length} layers; ${missing.join(', ')} random.`,
    };
  }
  return {
    trained: true,
    text: `The model's trained weights (${carried.length} layer${carried.length === 1 ? '' : 's'}).`,
  };
}

/**
 * Inference mode normalizes with BatchNormalization's moving averages, which move by (1 - momentum) per training
 * step: after s steps momentum^s of the starting mean 0 and variance 1 is still in them. A short run leaves them
 * mostly at the start, so the bars can look untrained though training accuracy was fine. Say so, with the number
 * of steps that would settle them. Null when nothing needs saying (no BN, or enough steps).
 */
export function bnWarmup(doc: ModelDocument, inference: Inference, steps: number): string | null {
  const names = new Map([...inference.nodes].map(([id, info]) => [id, info.name]));
  const worst = movingStatistics(doc, steps, names);
  if (!worst || worst.settled) return null;
  return (
    `BatchNormalization's moving statistics have had ${steps} update${steps === 1 ? '' : 's'}: with momentum ${worst.momentum}, ` +
    `${Math.round(worst.startShare * 100)}% of ${worst.layer}'s is still its starting mean 0 and variance 1. ` +
    'Inference mode (used here) normalizes with them, so it lags what training measured. ' +
    `Train about ${worst.stepsToSettle} steps or more, or lower BN's momentum; the Inside tab shows the gap.`
  );
}
