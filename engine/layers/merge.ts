/** The element-wise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum) share Keras's shape rule. */
import type { LayerIssue } from '../core/problems';
import { formatShape, type Shape } from '../core/shape';
import type { LayerDefinition } from './types';

/**
 * Keras's element-wise rule: equal ranks; per axis, equal sizes, or a size of 1 that broadcasts.
 * The issue names both shapes.
 */
export function elementwiseShape(className: string, inputs: readonly Shape[]): Shape | LayerIssue {
  let out: (number | null)[] = [...inputs[0]];
  for (let k = 1; k < inputs.length; k++) {
    const s = inputs[k];
    const clash = (): LayerIssue => ({
      code: 'merge-shape-mismatch',
      message: `${className} needs inputs of the same shape, got ${inputs.map(formatShape).join(' and ')}`,
      hint: className === 'Add' ? 'a residual shortcut needs a 1×1 Conv2D (or matching strides) so both branches have the same shape' : 'make the branches end in the same shape',
    });
    if (s.length !== out.length) return clash();
    const next: (number | null)[] = [];
    for (let i = 0; i < s.length; i++) {
      const a = out[i];
      const b = s[i];
      if (a === null || b === null) next.push(a === 1 ? b : b === 1 ? a : a ?? b);
      else if (a === b || b === 1) next.push(a);
      else if (a === 1) next.push(b);
      else return clash();
    }
    out = next;
  }
  return out;
}

export function elementwiseMerge(className: string, description: string): LayerDefinition {
  return { className, group: 'Merge', description, arity: 'many', fields: {}, outputShape: (_c, inputs) => elementwiseShape(className, inputs) };
}
