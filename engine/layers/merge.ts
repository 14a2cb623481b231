/** The element-wise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum) share Keras's shape rule. */
import type { LayerIssue } from '../core/problems';
import { formatShape, type Shape } from '../core/shape';
import type { BackwardResult, ForwardResult, LayerDefinition } from './types';
import type { Tensor } from '../core/tensor';
import { gather, reduceTo } from './elementwise';

export type MergeOp = 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';

export function mergeForward(op: MergeOp, inputs: Tensor[]): ForwardResult {
  const g = gather(inputs);
  const out = new Float32Array(g.size);
  const n = inputs.length;
  for (let k = 0; k < g.size; k++) {
    let v = g.at(0, k);
    for (let i = 1; i < n; i++) {
      const u = g.at(i, k);
      if (op === 'add' || op === 'average') v += u;
      else if (op === 'subtract') v -= u;
      else if (op === 'multiply') v *= u;
      else if (op === 'maximum') v = u > v ? u : v;
      else v = u < v ? u : v;
    }
    out[k] = op === 'average' ? v / n : v;
  }
  return { output: { shape: g.shape, data: out } };
}

export function mergeBackward(op: MergeOp, dy: Tensor, inputs: Tensor[]): BackwardResult {
  const g = gather(inputs);
  const n = inputs.length;
  const grads = inputs.map(() => new Float32Array(g.size));
  for (let k = 0; k < g.size; k++) {
    const d = dy.data[k];
    if (op === 'add') for (let i = 0; i < n; i++) grads[i][k] = d;
    else if (op === 'average') for (let i = 0; i < n; i++) grads[i][k] = d / n;
    else if (op === 'subtract') {
      grads[0][k] = d;
      grads[1][k] = -d;
    } else if (op === 'multiply') {
      for (let i = 0; i < n; i++) {
        let p = d;
        for (let j = 0; j < n; j++) if (j !== i) p *= g.at(j, k);
        grads[i][k] = p;
      }
    } else {
      // The gradient goes to the first input holding the extreme value, as TensorFlow's maximum/minimum grads do.
      let best = 0;
      for (let i = 1; i < n; i++) {
        const u = g.at(i, k);
        if (op === 'maximum' ? u > g.at(best, k) : u < g.at(best, k)) best = i;
      }
      grads[best][k] = d;
    }
  }
  return { inputs: inputs.map((t, i) => reduceTo(grads[i], g.indices[i], t.shape)) };
}

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

export function elementwiseMerge(className: string, op: MergeOp, description: string): LayerDefinition {
  return {
    className,
    group: 'Merge',
    description,
    arity: 'many',
    fields: {},
    outputShape: (_c, inputs) => elementwiseShape(className, inputs),
    forward: (_ctx, _config, inputs) => mergeForward(op, inputs),
    backward: (_ctx, _config, dy, { inputs }) => mergeBackward(op, dy, inputs),
  };
}
