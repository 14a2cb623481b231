/**
 * Regularizers and weight constraints in the fit loop, as Keras 3.15 computes them:
 * - a weight's regularizer adds `l1·Σ|w| + l2·Σw²` (no ½) to the loss, for trainable weights only
 *   (Layer._get_regularization_losses), with its gradient `l1·sign(w) + 2·l2·w`;
 * - an activity regularizer adds the same of the layer's output divided by the batch size (Layer.__call__), and its
 *   gradient joins the one flowing back into that output;
 * - a constraint replaces the weight after every optimizer step (BaseOptimizer.apply: variable.assign(constraint(v))),
 *   with norms over `axis` kept as dims and Keras's epsilon 1e-7 (keras/src/constraints/constraints.py).
 * A weight's rules are the fields named after its initializer (`kernel_initializer` → `kernel_regularizer`,
 * `kernel_constraint`), Keras's own naming in every layer's build().
 */
import type { Tensor } from '../core/tensor';
import { parseRule, type WeightRule } from '../core/weight-rules';
import type { RunnableModel, RunnableNode } from './executor';

const EPSILON = 1e-7;

export interface WeightRules {
  node: RunnableNode;
  name: string;
  regularizer: WeightRule | null;
  constraint: WeightRule | null;
}

export interface ModelRules {
  weights: WeightRules[];
  /** Activity regularizers by node id. */
  activity: Map<string, WeightRule>;
}

const ruleOf = (kind: 'regularizer' | 'constraint', value: unknown) =>
  typeof value === 'string' ? parseRule(kind, value) : null;

/** The regularizers and constraints a model's trainable weights and outputs carry, or why one can't be trained. */
export function modelRules(model: RunnableModel): ModelRules | { message: string; hint: string } {
  const weights: WeightRules[] = [];
  const activity = new Map<string, WeightRule>();
  for (const node of model.nodes) {
    const specs = model.inference.nodes.get(node.id)?.weights ?? [];
    for (const spec of specs) {
      if (!node.trainable.includes(spec.name)) continue;
      const prefix = spec.initializer.replace(/_initializer$/, '');
      const regularizer = ruleOf('regularizer', node.config[`${prefix}_regularizer`]);
      const constraint = ruleOf('constraint', node.config[`${prefix}_constraint`]);
      const axis = constraint?.args.axis;
      const rank = spec.shape.length;
      const outside = (Array.isArray(axis) ? axis : axis === undefined ? [] : [axis]).find(
        (a) => a < -rank || a >= rank,
      );
      if (outside !== undefined)
        return {
          message: `${node.name}: ${prefix}_constraint ${constraint!.cls} has axis ${outside}, but ${spec.name} has ${rank} axes (${spec.shape.join(', ')})`,
          hint: `use an axis from ${-rank} to ${rank - 1}`,
        };
      if (regularizer || constraint) weights.push({ node, name: spec.name, regularizer, constraint });
    }
    const act = ruleOf('regularizer', node.config.activity_regularizer);
    if (!act) continue;
    // Keras regularizes each direction's output; that sums to the merged output's penalty only when concatenated.
    if (node.def.className === 'Bidirectional' && node.config.merge_mode !== 'concat')
      return {
        message: `${node.name}: an activity_regularizer on a Bidirectional with merge_mode='${node.config.merge_mode}' is not computed`,
        hint: "use merge_mode='concat', or put the regularizer on a layer after it",
      };
    activity.set(node.id, act);
  }
  return { weights, activity };
}

const factors = (rule: WeightRule) => ({ l1: (rule.args.l1 as number) ?? 0, l2: (rule.args.l2 as number) ?? 0 });

/** `l1·Σ|x| + l2·Σx²`. */
export function penalty(rule: WeightRule, x: Float32Array): number {
  const { l1, l2 } = factors(rule);
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < x.length; i++) {
    abs += Math.abs(x[i]);
    sq += x[i] * x[i];
  }
  return l1 * abs + l2 * sq;
}

/** grad += scale · (l1·sign(x) + 2·l2·x). */
export function addPenaltyGrad(rule: WeightRule, x: Float32Array, grad: Float32Array, scale = 1): void {
  const { l1, l2 } = factors(rule);
  const a = scale * l1;
  const b = scale * 2 * l2;
  for (let i = 0; i < x.length; i++) grad[i] += a * Math.sign(x[i]) + b * x[i];
}

const batchOf = (t: Tensor) => (t.shape.length > 0 ? t.shape[0] : 1);

/** The regularization loss of the weights as they are and of the outputs of one forward pass. */
export function regularizationLoss(rules: ModelRules, outputs: Map<string, Tensor>): number {
  let total = 0;
  for (const w of rules.weights) if (w.regularizer) total += penalty(w.regularizer, w.node.weights[w.name].data);
  for (const [id, rule] of rules.activity) {
    const y = outputs.get(id);
    if (y) total += penalty(rule, y.data) / batchOf(y);
  }
  return total;
}

/** The activity regularizers' gradients with respect to each regularized output, by node id. */
export function activityGrads(rules: ModelRules, outputs: Map<string, Tensor>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [id, rule] of rules.activity) {
    const y = outputs.get(id);
    if (!y) continue;
    const g = new Float32Array(y.data.length);
    addPenaltyGrad(rule, y.data, g, 1 / batchOf(y));
    out.set(id, g);
  }
  return out;
}

/** Adds the weight regularizers' gradients to the weights' gradients. */
export function addRegularizerGrads(rules: ModelRules, grads: Map<string, Record<string, Float32Array>>): void {
  for (const w of rules.weights) {
    const g = grads.get(w.node.id)?.[w.name];
    if (w.regularizer && g) addPenaltyGrad(w.regularizer, w.node.weights[w.name].data, g);
  }
}

/** Every constrained weight replaced by its constraint's value, after the optimizer step. */
export function applyConstraints(rules: ModelRules): void {
  for (const w of rules.weights) if (w.constraint) constrain(w.constraint, w.node.weights[w.name]);
}

/** Keras's constraint applied to `w` in place. */
export function constrain(rule: WeightRule, w: Tensor): void {
  const data = w.data;
  if (rule.cls === 'NonNeg') {
    for (let i = 0; i < data.length; i++) if (data[i] < 0) data[i] = 0;
    return;
  }
  const { group, groups } = normGroups(w.shape, rule.args.axis as number | number[]);
  const sq = new Float64Array(groups);
  for (let i = 0; i < data.length; i++) sq[group[i]] += data[i] * data[i];
  const scale = new Float64Array(groups);
  for (let k = 0; k < groups; k++) {
    const norm = Math.sqrt(sq[k]);
    let desired: number;
    if (rule.cls === 'UnitNorm') desired = 1;
    else if (rule.cls === 'MaxNorm') desired = Math.min(Math.max(norm, 0), rule.args.max_value as number);
    else {
      const { min_value, max_value, rate } = rule.args as Record<string, number>;
      desired = rate * Math.min(Math.max(norm, min_value), max_value) + (1 - rate) * norm;
    }
    scale[k] = desired / (EPSILON + norm);
  }
  for (let i = 0; i < data.length; i++) data[i] = data[i] * scale[group[i]];
}

/**
 * For every element, the index of its norm group: its position with the `axis` dims taken out (keepdims=True, so one
 * group per combination of the other axes).
 */
function normGroups(shape: readonly number[], axis: number | number[]): { group: Int32Array; groups: number } {
  const rank = shape.length;
  const reduced = new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)));
  const size = shape.reduce((a, b) => a * b, 1);
  const group = new Int32Array(size);
  let groups = 1;
  for (let d = 0; d < rank; d++) if (!reduced.has(d)) groups *= shape[d];
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    let g = 0;
    for (let d = 0; d < rank; d++) if (!reduced.has(d)) g = g * shape[d] + index[d];
    group[i] = g;
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return { group, groups };
}
