/**
 * The Python that puts trained weights into the exported model: it reads the weights JSON written beside the .py
 * (engine/formats/weights-json.ts: layer → weight → {shape, data}) with json and numpy, checks each weight's shape
 * against what the layer needs, and calls `model.get_layer(name).set_weights([...])` once per layer with weights,
 * in Keras's weight order (kernel, bias; gamma, beta, moving_mean, moving_variance).
 */
import type { ModelDocument } from '../../graph/document';
import { groupChains } from '../../graph/groups';
import type { Inference } from '../../graph/inference';
import { hasTrait } from '../../layers/registry';
import { pythonString } from './literals';

const INDENT = '    ';

const tuple = (shape: readonly number[]) => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);

/** Layers that have weights in the document, in the model's order, each with its weights' names and shapes. */
export function layersWithWeights(
  doc: ModelDocument,
  inference: Inference,
): { name: string; className: string; groups: string[]; weights: { name: string; shape: number[] }[] }[] {
  const classOf = new Map(doc.nodes.map((n) => [n.id, n.className]));
  const groupName = new Map((doc.groups ?? []).map((g) => [g.id, g.name]));
  const chains = groupChains(doc);
  // The nested models a layer is in, outermost first.
  const groupsOf = new Map(
    doc.nodes.map((n) => [n.id, [...(chains.get(n.group ?? '') ?? [])].reverse().map((g) => groupName.get(g)!)]),
  );
  return inference.order
    .filter((id) => (doc.weights?.[id]?.length ?? 0) > 0)
    .map((id) => ({
      name: inference.nodes.get(id)!.name,
      className: classOf.get(id)!,
      groups: groupsOf.get(id) ?? [],
      weights: doc.weights![id].map((w) => ({ name: w.name, shape: [...w.tensor.shape] })),
    }));
}

/**
 * Lines to append after the model is built. The shapes are the ones the weights were trained with, which are
 * the layer's own (LayerCanvas infers them as Keras does); Keras's set_weights checks them again against the
 * built layer.
 */
export function weightsLoaderLines(doc: ModelDocument, inference: Inference, weightsFile: string): string[] {
  const layers = layersWithWeights(doc, inference);
  if (layers.length === 0) return ['# LayerCanvas: this model has no trained weights to load.'];
  const lines = [
    '',
    '# Trained weights from LayerCanvas, in the weights JSON saved beside this file.',
    'import json',
    'import os',
    '',
    'import numpy as np',
    '',
    `WEIGHTS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.getcwd(), ${pythonString(weightsFile)})`,
    'with open(WEIGHTS_FILE, encoding="utf-8") as f:',
    `${INDENT}trained = json.load(f)`,
    '',
    '',
    'def weight(layer, name, shape):',
    `${INDENT}"""One weight from the file as a float32 array, after checking it has the shape the layer needs."""`,
    `${INDENT}entry = trained[layer][name]`,
    `${INDENT}if tuple(entry["shape"]) != shape or len(entry["data"]) != int(np.prod(shape)):`,
    `${INDENT}${INDENT}raise ValueError(f"{layer}/{name} is {tuple(entry['shape'])} with {len(entry['data'])} values in {WEIGHTS_FILE}, but the model needs {shape}")`,
    `${INDENT}return np.asarray(entry["data"], dtype="float32").reshape(shape)`,
    '',
    '',
  ];
  for (const layer of layers) {
    const name = pythonString(layer.name);
    const args = layer.weights.map((w) => `weight(${name}, ${pythonString(w.name)}, ${tuple(w.shape)})`);
    // A nested model's layer is found through it: Keras's get_layer looks at the model's own layers only.
    const target = `model${[...layer.groups, layer.name].map((n) => `.get_layer(${pythonString(n)})`).join('')}`;
    const one = `${target}.set_weights([${args.join(', ')}])`;
    if (one.length <= 120) lines.push(one);
    else lines.push(`${target}.set_weights([`, ...args.map((a) => `${INDENT}${a},`), '])');
    if (hasTrait(layer.className, 'finalizesState')) lines.push(`${target}.finalize_state()`);
  }
  return lines;
}
