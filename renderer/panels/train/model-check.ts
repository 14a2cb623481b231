/**
 * What the Train tab checks before a run: does the dataset fit the model's Input (with a one-click fix), and which
 * loss a Keras user would pick. The engine checks again when training starts; this is the early, fixable version.
 */
import { checkAgainstInput, checkAgainstOutput, type DataMismatch } from '../../../engine/api/data';
import type { DatasetInfo } from '../../../engine/api/data';
import { formatSampleShape } from '../../../engine/api/data';
import { appliedActivation } from '../../../engine/api/graph';
import type { ModelDocument } from '../../../engine/api/graph';
import type { Inference } from '../../../engine/api/graph';
import type { LossName } from '../../../engine/api/train';
import { hasTrait, isInputLayer } from '../../../engine/api/layers';
import type { Problem, ProblemFix } from '../../../engine/api/core';

export type InputCheck =
  | { kind: 'ok' }
  | { kind: 'mismatch'; nodeId: string; mismatch: DataMismatch; fixLabel: string }
  | { kind: 'unfixable'; message: string; hint: string };

/** The Input's shape without the batch axis: as inferred, else as configured. */
export function inputShape(doc: ModelDocument, inference: Inference, id: string): (number | null)[] | null {
  const inferred = inference.nodes.get(id)?.outputShape;
  if (inferred) return inferred.slice(1);
  const configured = doc.nodes.find((n) => n.id === id)?.config.shape;
  return Array.isArray(configured) ? (configured as (number | null)[]) : null;
}

export function checkInput(
  doc: ModelDocument,
  inference: Inference,
  dataset: Pick<DatasetInfo, 'sampleShape'>,
): InputCheck {
  const inputs = doc.nodes.filter((n) => isInputLayer(n.className));
  if (inputs.length === 0)
    return {
      kind: 'unfixable',
      message: 'The model has no Input layer.',
      hint: `Drag an Input from the palette and set its shape to ${formatSampleShape(dataset.sampleShape)}.`,
    };
  if (inputs.length > 1)
    return {
      kind: 'unfixable',
      message: `The model has ${inputs.length} Input layers; a built-in dataset feeds one.`,
      hint: 'Train a model with a single Input.',
    };
  const shape = inputShape(doc, inference, inputs[0].id);
  if (!shape)
    return {
      kind: 'unfixable',
      message: "The Input's shape can't be read.",
      hint: 'Fix the problems on the Input layer first.',
    };
  const mismatch = checkAgainstInput(dataset, shape);
  if (!mismatch) return { kind: 'ok' };
  const target = 'shape' in mismatch.fix ? mismatch.fix.shape : dataset.sampleShape;
  return { kind: 'mismatch', nodeId: inputs[0].id, mismatch, fixLabel: `Set Input to ${formatSampleShape(target)}` };
}

export type OutputCheck =
  | { kind: 'ok' }
  /**
   * `nodeId`: the layer to change (the scoring Dense, else the output); `fixes`: the one-click remedies, in the
   * shape the canvas's problems use (engine/core/problems.ts).
   */
  | { kind: 'mismatch'; code: OutputProblemCode; nodeId: string; message: string; hint: string; fixes: ProblemFix[] };

export type OutputProblemCode = 'output-rank-vs-labels' | 'output-units-vs-classes';

/** The Dense layer whose `units` is the model's output width, looking back through activations and dropout. */
function scoringDense(inference: Inference, outputId: string): string | null {
  let id: string | undefined = outputId;
  for (let guard = 0; id && guard < 1000; guard++) {
    const node = inference.topology.byId.get(id);
    if (!node) return null;
    if (hasTrait(node.className, 'unitsOnLastAxis')) return id;
    if (!hasTrait(node.className, 'keepsUnits')) return null;
    const incoming: readonly { source: string }[] = inference.topology.incoming.get(id) ?? [];
    if (incoming.length !== 1) return null;
    id = incoming[0].source;
  }
  return null;
}

const dims = (shape: readonly (number | null)[]) => `(${shape.map((d) => (d === null ? 'None' : d)).join(', ')})`;

/**
 * A classifier's output must be (None, classes): one score per class and sample. A rank-N output gets the fixes
 * that make it so: Flatten or GlobalAveragePooling2D before the scoring Dense, or, when no Dense scores, a Flatten
 * (or pooling) and a Dense(classes, softmax) after the output.
 */
function rankCheck(
  inference: Inference,
  outputId: string,
  shape: readonly (number | null)[],
  classes: number,
): OutputCheck {
  const name = (id: string) => inference.nodes.get(id)?.name ?? id;
  const dense = scoringDense(inference, outputId);
  const feeding = dense ? inference.topology.incoming.get(dense)?.[0]?.source : undefined;
  const denseInput = feeding ? inference.nodes.get(feeding)?.outputShape : null;
  const message =
    `The model's output is ${dims(shape)}, but classifying ${classes} classes needs (None, ${classes}): ` +
    'one score per class.';
  if (dense && denseInput && denseInput.length > 2) {
    const insert = (className: string): ProblemFix => ({
      label: `Insert ${className} before ${name(dense)}`,
      steps: [{ op: 'insert-before', nodeId: dense, className }],
    });
    return {
      kind: 'mismatch',
      code: 'output-rank-vs-labels',
      nodeId: dense,
      message,
      hint:
        `${name(dense)} is fed ${dims(denseInput)}; Keras applies Dense to the last axis only. ` +
        'Flatten (or pool) the features before it.',
      fixes: [insert('Flatten'), ...(denseInput.length === 4 ? [insert('GlobalAveragePooling2D')] : [])],
    };
  }
  // Inserted right after the output, the second step lands between the output and the Dense the first added.
  const head = (pool: string): ProblemFix => ({
    label: `Add ${pool} and Dense(${classes}, softmax) after ${name(outputId)}`,
    steps: [
      { op: 'insert-after', nodeId: outputId, className: 'Dense', config: { units: classes, activation: 'softmax' } },
      { op: 'insert-after', nodeId: outputId, className: pool },
    ],
  });
  return {
    kind: 'mismatch',
    code: 'output-rank-vs-labels',
    nodeId: outputId,
    message,
    hint: `End the model with Flatten (or GlobalAveragePooling2D) and a Dense layer of ${classes} units, softmax.`,
    fixes: [head('Flatten'), ...(shape.length === 4 ? [head('GlobalAveragePooling2D')] : [])],
  };
}

/**
 * Does the model's output fit the labels? Its rank (a classifier scores each sample once) and its width (one unit
 * per class). Checked before Start, the same checks the engine makes when training starts, with fixes. Quiet while
 * the output can't be inferred: the canvas shows that problem where it is.
 */
export function checkOutput(
  inference: Inference,
  dataset: Pick<DatasetInfo, 'numClasses'>,
  loss: LossName | 'auto' = 'auto',
): OutputCheck {
  const outputId = inference.outputs[0];
  const shape = outputId ? inference.nodes.get(outputId)?.outputShape : null;
  if (!outputId || !shape || !dataset.numClasses || loss === 'mean_squared_error') return { kind: 'ok' };
  if (shape.length !== 2) return rankCheck(inference, outputId, shape, dataset.numClasses);
  const mismatch = checkAgainstOutput(dataset, shape.slice(1));
  if (!mismatch || !('units' in mismatch.fix)) return { kind: 'ok' };
  const dense = scoringDense(inference, outputId);
  const units = mismatch.fix.units;
  const name = dense ? inference.nodes.get(dense)?.name : undefined;
  const setUnits = (nodeId: string, layer: string): ProblemFix => ({
    label: `Set ${layer} units to ${units}`,
    steps: [{ op: 'set-config', nodeId, key: 'units', value: units }],
  });
  const fixes: ProblemFix[] = dense && name ? [setUnits(dense, name)] : [];
  return {
    kind: 'mismatch',
    code: 'output-units-vs-classes',
    nodeId: dense ?? outputId,
    message: mismatch.message,
    hint: mismatch.hint,
    fixes,
  };
}

/**
 * The output check as a canvas problem, so the Problems list and the layer's badge say it too, with the same fixes.
 * Only when the Input fits the Train tab's dataset: a model built for other data is not wrong for MNIST's classes.
 * A Dense fed an N-D tensor already carries the canvas's own warning with these fixes, so it is not said twice.
 */
export function datasetFitProblem(
  doc: ModelDocument,
  inference: Inference,
  dataset: Pick<DatasetInfo, 'title' | 'sampleShape' | 'numClasses'>,
  loss: LossName | 'auto' = 'auto',
): Problem | null {
  if (inference.errorCount > 0 || checkInput(doc, inference, dataset).kind !== 'ok') return null;
  const output = checkOutput(inference, dataset, loss);
  if (output.kind !== 'mismatch') return null;
  if (inference.nodes.get(output.nodeId)?.problems.some((p) => p.code === 'dense-on-image')) return null;
  return {
    nodeId: output.nodeId,
    severity: 'warning',
    code: output.code,
    message: `${output.message.replace(/\.$/, '')} (the Train tab's dataset: ${dataset.title}).`,
    hint: output.hint,
    ...(output.fixes.length ? { fixes: output.fixes } : {}),
  };
}

/** The inference with one more problem on its node: in the node's list, the model's list and the counts. */
export function withProblem(inference: Inference, problem: Problem | null): Inference {
  const info = problem?.nodeId ? inference.nodes.get(problem.nodeId) : undefined;
  if (!problem || !info) return inference;
  const nodes = new Map(inference.nodes);
  nodes.set(info.id, { ...info, problems: [...info.problems, problem] });
  // Node problems come first, in topological order; model-level ones (no node) after them.
  const modelLevel = inference.problems.findIndex((p) => p.nodeId === null);
  const at = modelLevel < 0 ? inference.problems.length : modelLevel;
  const problems = [...inference.problems.slice(0, at), problem, ...inference.problems.slice(at)];
  const counts =
    problem.severity === 'error'
      ? { errorCount: inference.errorCount + 1 }
      : { warningCount: inference.warningCount + 1 };
  return { ...inference, nodes, problems, ...counts };
}

/**
 * What stands between the model and a run on this dataset, first problem first: errors on the canvas, the Input,
 * then the output. Start and the comparison refuse a model that fails it, so a failed check never becomes a run.
 */
export function trainBlocker(
  doc: ModelDocument,
  inference: Inference,
  dataset: Pick<DatasetInfo, 'sampleShape' | 'numClasses'>,
  loss: LossName | 'auto' = 'auto',
): { message: string; hint: string } | null {
  if (inference.errorCount > 0) {
    const first = inference.problems.find((p) => p.severity === 'error');
    const where = first?.nodeId ? `${inference.nodes.get(first.nodeId)?.name}: ` : '';
    const count = `${inference.errorCount} error${inference.errorCount === 1 ? '' : 's'}`;
    return {
      message: `The model has ${count}; first: ${where}${first?.message ?? ''}`,
      hint: first?.hint ?? 'Fix the errors shown on the canvas first.',
    };
  }
  if (inference.outputs.length !== 1)
    return {
      message: `The model has ${inference.outputs.length} outputs; training needs exactly one.`,
      hint: 'Connect or delete the loose branches.',
    };
  const input = checkInput(doc, inference, dataset);
  if (input.kind === 'mismatch') return { message: input.mismatch.message, hint: input.mismatch.hint };
  if (input.kind === 'unfixable') return input;
  const output = checkOutput(inference, dataset, loss);
  return output.kind === 'mismatch' ? { message: output.message, hint: output.hint } : null;
}

/** The document with one Input's shape replaced: the fix, applied through the graph store as one undo step. */
export function withInputShape(doc: ModelDocument, nodeId: string, shape: readonly number[]): ModelDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, config: { ...n.config, shape: [...shape] } } : n)),
  };
}

/**
 * Keras practice, as `layercanvas train` picks it: class labels with a sigmoid or a single unit → binary
 * crossentropy; other class labels → sparse categorical crossentropy (labels stay integers); no classes → MSE.
 */
export function suggestLoss(inference: Inference, dataset: Pick<DatasetInfo, 'numClasses'>): LossName {
  if (!dataset.numClasses) return 'mean_squared_error';
  const out = inference.outputs[0];
  const last = out ? inference.topology.byId.get(out) : undefined;
  const activation = last ? appliedActivation(last) : null;
  const units = out ? inference.nodes.get(out)?.outputShape?.at(-1) : null;
  if (activation === 'sigmoid' || units === 1) return 'binary_crossentropy';
  return 'sparse_categorical_crossentropy';
}
