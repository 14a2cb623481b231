/**
 * What the Train tab checks before a run: does the dataset fit the model's Input (with a one-click fix), and which
 * loss a Keras user would pick. The engine checks again when training starts; this is the early, fixable version.
 */
import { checkAgainstInput, checkAgainstOutput, type DataMismatch } from '../../../engine/data/check';
import type { DatasetInfo } from '../../../engine/data/types';
import { formatSampleShape } from '../../../engine/data/types';
import { appliedActivation } from '../../../engine/graph/advice';
import type { ModelDocument } from '../../../engine/graph/document';
import type { Inference } from '../../../engine/graph/inference';
import type { LossName } from '../../../engine/train/losses';
import { hasTrait, isInputLayer } from '../../../engine/layers/registry';

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

export function checkInput(doc: ModelDocument, inference: Inference, dataset: Pick<DatasetInfo, 'sampleShape'>): InputCheck {
  const inputs = doc.nodes.filter((n) => isInputLayer(n.className));
  if (inputs.length === 0)
    return { kind: 'unfixable', message: 'The model has no Input layer.', hint: `Drag an Input from the palette and set its shape to ${formatSampleShape(dataset.sampleShape)}.` };
  if (inputs.length > 1)
    return { kind: 'unfixable', message: `The model has ${inputs.length} Input layers; a built-in dataset feeds one.`, hint: 'Train a model with a single Input.' };
  const shape = inputShape(doc, inference, inputs[0].id);
  if (!shape) return { kind: 'unfixable', message: "The Input's shape can't be read.", hint: 'Fix the problems on the Input layer first.' };
  const mismatch = checkAgainstInput(dataset, shape);
  if (!mismatch) return { kind: 'ok' };
  const target = 'shape' in mismatch.fix ? mismatch.fix.shape : dataset.sampleShape;
  return { kind: 'mismatch', nodeId: inputs[0].id, mismatch, fixLabel: `Set Input to ${formatSampleShape(target)}` };
}

export type OutputCheck =
  | { kind: 'ok' }
  | { kind: 'mismatch'; message: string; hint: string; fix: { nodeId: string; units: number; label: string } | null };

/** The Dense layer whose `units` is the model's output width, looking back through activations and dropout. */
function scoringDense(inference: Inference, outputId: string): string | null {
  let id: string | undefined = outputId;
  for (let guard = 0; id && guard < 1000; guard++) {
    const node = inference.topology.byId.get(id);
    if (!node) return null;
    if (node.className === 'Dense') return id;
    if (!hasTrait(node.className, 'keepsUnits')) return null;
    const incoming: readonly { source: string }[] = inference.topology.incoming.get(id) ?? [];
    if (incoming.length !== 1) return null;
    id = incoming[0].source;
  }
  return null;
}

/**
 * Does the model score as many classes as the dataset has? Checked before Start (the engine would refuse the run),
 * with a fix that sets the scoring Dense's units. Quiet while the model's output can't be inferred: the canvas
 * shows that problem where it is.
 */
export function checkOutput(inference: Inference, dataset: Pick<DatasetInfo, 'numClasses'>): OutputCheck {
  const outputId = inference.outputs[0];
  const shape = outputId ? inference.nodes.get(outputId)?.outputShape : null;
  if (!outputId || !shape) return { kind: 'ok' };
  const mismatch = checkAgainstOutput(dataset, shape.slice(1));
  if (!mismatch || !('units' in mismatch.fix)) return { kind: 'ok' };
  const dense = scoringDense(inference, outputId);
  const units = mismatch.fix.units;
  const name = dense ? inference.nodes.get(dense)?.name : undefined;
  return { kind: 'mismatch', message: mismatch.message, hint: mismatch.hint, fix: dense && name ? { nodeId: dense, units, label: `Set ${name} units to ${units}` } : null };
}

/** The document with one layer's `units` replaced: the output fix, one undo step. */
export function withUnits(doc: ModelDocument, nodeId: string, units: number): ModelDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, config: { ...n.config, units } } : n)) };
}

/** The document with one Input's shape replaced: the fix, applied through the graph store as one undo step. */
export function withInputShape(doc: ModelDocument, nodeId: string, shape: readonly number[]): ModelDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, config: { ...n.config, shape: [...shape] } } : n)) };
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
