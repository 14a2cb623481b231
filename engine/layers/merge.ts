/** The element-wise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum) share Keras's shape rule. */
import type { LayerIssue } from '../core/problems';
import { formatShape, type Shape } from '../core/shape';
import type { BackwardResult, ForwardResult, LayerDefinition } from './types';
import type { Tensor } from '../core/tensor';
import type { Backend } from '../kernels/types';
import { gather, reduceTo } from './elementwise';
import { defineLayer } from './define';

export type MergeOp = 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';

export function mergeForward(op: MergeOp, given: Tensor[]): ForwardResult {
  const inputs = expandRanks(given);
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

export function mergeBackward(op: MergeOp, dy: Tensor, given: Tensor[]): BackwardResult {
  const inputs = expandRanks(given);
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
  return {
    inputs: inputs.map((t, i) => ({ shape: given[i].shape, data: reduceTo(grads[i], g.indices[i], t.shape).data })),
  };
}

/**
 * Keras's element-wise rule (`Merge._compute_elemwise_op_output_shape`): the shapes without the batch axis are
 * right-aligned; per axis, equal sizes, or a size of 1 that broadcasts; an unknown size on either side gives an
 * unknown size. A lower-rank input is expanded at axis 1, as Keras's `Merge.call` does.
 */
export function elementwiseShape(className: string, inputs: readonly Shape[]): Shape | LayerIssue {
  const clash = (): LayerIssue => ({
    code: 'merge-shape-mismatch',
    message: `${className} needs inputs of the same shape, got ${inputs.map(formatShape).join(' and ')}`,
    hint:
      className === 'Add'
        ? 'a residual shortcut needs a 1×1 Conv2D (or matching strides) so both branches have the same shape'
        : 'make the branches end in the same shape',
  });
  let out: (number | null)[] = inputs[0].slice(1);
  for (let k = 1; k < inputs.length; k++) {
    let a = out;
    let b: (number | null)[] = inputs[k].slice(1);
    if (a.length < b.length) [a, b] = [b, a];
    const next = a.slice(0, a.length - b.length);
    for (let i = 0; i < b.length; i++) {
      const x = a[a.length - b.length + i];
      const y = b[i];
      if (x === null || y === null) next.push(null);
      else if (x === 1) next.push(y);
      else if (y === 1 || x === y) next.push(x);
      else return clash();
    }
    out = next;
  }
  const batches = new Set(inputs.map((s) => s[0]).filter((d) => d !== null));
  return [batches.size === 1 ? [...batches][0] : null, ...out];
}

/** A merge layer's forward pass: on the backend's kernels where they apply (below), else here. */
export function mergeOn(backend: Backend, op: MergeOp, inputs: Tensor[]): ForwardResult {
  const gate = op === 'multiply' ? channelGate(inputs) : null;
  if (gate) return { output: backend.scaleChannels(inputs[gate.x], inputs[1 - gate.x]) };
  if (!sameShapes(inputs)) return mergeForward(op, inputs);
  if (op === 'add') return addForward(backend, inputs);
  if (inputs.length === 2) return { output: backend.merge(op, inputs[0], inputs[1]) };
  return mergeForward(op, inputs);
}

export function mergeGradOn(backend: Backend, op: MergeOp, dy: Tensor, inputs: Tensor[]): BackwardResult {
  const gate = op === 'multiply' ? channelGate(inputs) : null;
  if (gate) {
    const [dx, ds] = backend.scaleChannelsGrad(dy, inputs[gate.x], inputs[1 - gate.x]);
    const scale = inputs[1 - gate.x];
    const grads: Tensor[] = [];
    grads[gate.x] = dx;
    grads[1 - gate.x] = { shape: scale.shape, data: ds.data };
    return { inputs: grads };
  }
  if (!sameShapes(inputs)) return mergeBackward(op, dy, inputs);
  if (op === 'add') return addBackward(backend, dy, inputs);
  if (inputs.length === 2) return { inputs: backend.mergeGrad(op, dy, inputs[0], inputs[1]) };
  return mergeBackward(op, dy, inputs);
}

/**
 * Multiply of a feature map [batch, …, channels] by a gate [batch, 1, …, 1, channels] (squeeze-and-excitation, in
 * either order): which input is the map, or null for any other pair.
 */
function channelGate(inputs: readonly Tensor[]): { x: 0 | 1 } | null {
  if (inputs.length !== 2) return null;
  for (const x of [0, 1] as const) {
    const map = inputs[x].shape,
      gate = inputs[1 - x].shape;
    if (map.length < 3 || gate.length !== map.length) continue;
    const ones = gate.slice(1, -1).every((d) => d === 1) && map.slice(1, -1).some((d) => d !== 1);
    if (ones && gate[0] === map[0] && gate[gate.length - 1] === map[map.length - 1]) return { x };
  }
  return null;
}

function sameShapes(inputs: readonly Tensor[]): boolean {
  const [first] = inputs;
  return inputs.every((t) => t.shape.length === first.shape.length && t.shape.every((d, i) => d === first.shape[i]));
}

/**
 * Two inputs of one shape merge on the backend's kernels (wasm, threaded on the fast backend; in JavaScript through
 * gather, 28–48 ms a layer on 32×26×26×32); other cases here.
 *
 * Add of inputs of one shape (a residual block's shortcut and branch) on the backend's kernel, which the fast backend
 * runs in wasm on its threads (in JavaScript, 60 ms a layer on 32×28×28×64): summed pairwise in float32, as Keras
 * sums its inputs (`output += x`).
 */
function addForward(backend: Backend, inputs: Tensor[]): ForwardResult {
  let out = backend.add(inputs[0], inputs[1]);
  for (let i = 2; i < inputs.length; i++) out = backend.add(out, inputs[i]);
  return { output: out };
}

/** Each input's gradient is dy itself (a copy each, on the backend). */
function addBackward(backend: Backend, dy: Tensor, inputs: Tensor[]): BackwardResult {
  const grads: Tensor[] = [];
  for (let i = 0; i < inputs.length; i += 2) grads.push(...backend.addGrad(dy, dy.shape, dy.shape));
  return { inputs: grads.slice(0, inputs.length) };
}

/** Lower-rank inputs get size-1 axes after the batch axis, so every input has the output's rank. */
function expandRanks(inputs: Tensor[]): Tensor[] {
  const rank = Math.max(...inputs.map((t) => t.shape.length));
  return inputs.map((t) =>
    t.shape.length === rank
      ? t
      : { shape: [t.shape[0], ...new Array(rank - t.shape.length).fill(1), ...t.shape.slice(1)], data: t.data },
  );
}

export function elementwiseMerge(className: string, op: MergeOp, description: string): LayerDefinition {
  return defineLayer({
    className,
    group: 'Merge',
    description,
    arity: 'many',
    // Keras's functional helpers are named after the op: layers.add([a, b]) builds an Add.
    keras: { args: [], functional: op },
    fields: {},
    outputShape: (_c, inputs) => elementwiseShape(className, inputs),
    forward: (ctx, _config, inputs) => mergeOn(ctx.backend, op, inputs),
    backward: (ctx, _config, dy, { inputs }) => mergeGradOn(ctx.backend, op, dy, inputs),
  });
}
