/** The refusal every format that needs a model that builds gives: Keras JSON, TF.js and weights can't carry errors. */
import type { Inference } from '../graph/inference';
import type { WriteRefusal } from './types';

export function refuseErrors(format: string, inference: Inference): WriteRefusal | null {
  if (inference.errorCount === 0) return null;
  const first = inference.problems.find((p) => p.severity === 'error');
  return {
    code: 'invalid-model',
    message: `The model has ${inference.errorCount} error(s), so it can't be exported as ${format}${first ? `: ${first.message}` : ''}.`,
    hint: first?.hint ?? 'Fix the errors shown on the canvas first.',
  };
}
