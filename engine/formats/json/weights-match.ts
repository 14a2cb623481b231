/**
 * Matching saved weights to layers by name, as TF.js and Keras name them: `conv2d/kernel` (TF.js, tf.keras 2 with
 * `:0`), `sequential/conv2d/kernel` (Keras 3 paths), with Keras 3's `kernel` for what tf.keras 2 calls
 * DepthwiseConv2D's `depthwise_kernel`.
 */
import { formatShape } from '../../core/shape';
import type { FormatError } from '../../core/problems';
import type { Tensor } from '../../core/tensor';
import type { ModelDocument, NamedWeight } from '../../graph/document';
import { infer } from '../../graph/inference';
import { getLayer, layerDefinitions, namePrefix } from '../../layers/registry';
import type { LayerConfig } from '../../layers/types';

/** A weight's other names in other Keras versions, by layer class and LayerCanvas weight name. */
const ALIASES: Record<string, Record<string, string[]>> = {
  DepthwiseConv2D: { kernel: ['depthwise_kernel'] },
};

export function weightAliases(className: string, weight: string): string[] {
  return [weight, ...(ALIASES[className]?.[weight] ?? [])];
}

/**
 * The name TF.js and tf.keras 2 give a weight (DepthwiseConv2D's kernel is `depthwise_kernel` there); a wrapper's
 * `forward_kernel` is its wrapped layer's, under that layer's name: `forward_lstm/kernel`.
 */
export function keras2WeightName(className: string, weight: string, config?: LayerConfig): string {
  const wraps = getLayer(className)?.keras.wraps;
  const inner = wraps && config ? getLayer(String(config[wraps.field])) : undefined;
  const direction = /^(forward|backward)_(.+)$/.exec(weight);
  if (inner && direction)
    return `${direction[1]}_${namePrefix(inner)}/${keras2WeightName(inner.className, direction[2])}`;
  return ALIASES[className]?.[weight]?.[0] ?? weight;
}

let wrappedNames: RegExp | undefined;
/** A wrapper's sub-layer in a weight's path (`forward_lstm`, `backward_gru_1`), as Keras and TF.js name them. */
function isWrappedLayer(segment: string): RegExpExecArray | null {
  if (!wrappedNames) {
    const prefixes = layerDefinitions()
      .flatMap((d) => d.keras.wraps?.classes ?? [])
      .map((c) => namePrefix(getLayer(c)!));
    wrappedNames = new RegExp(`^(forward|backward)_(${prefixes.join('|')})(_\\d+)?$`);
  }
  return wrappedNames.exec(segment);
}

/**
 * `prefix/conv2d/kernel:0` → layer path segments and the weight name. A wrapper's weight
 * (`bidirectional/forward_lstm/lstm_cell/kernel`) is the wrapper's `forward_kernel`.
 */
export function splitName(full: string): { layers: string[]; weight: string } {
  const parts = full.replace(/:\d+$/, '').split('/');
  const at = parts.findIndex((p, i) => i > 0 && i < parts.length - 1 && isWrappedLayer(p));
  if (at > 0)
    return { weight: `${isWrappedLayer(parts[at])![1]}_${parts[parts.length - 1]}`, layers: parts.slice(0, at) };
  return { weight: parts[parts.length - 1], layers: parts.slice(0, -1) };
}

export interface SavedWeight {
  name: string;
  tensor: Tensor;
  /** Where the weight was found, for messages: a manifest entry's JSON path. */
  path?: string;
}

/**
 * Puts saved weights on the document's layers: every weight of every layer must be found with the shape the layer
 * needs; weights left over are reported as warnings. Returns the weights by node id, or errors.
 */
export function assignWeights(
  doc: ModelDocument,
  saved: SavedWeight[],
): { weights: Record<string, NamedWeight[]>; errors: FormatError[]; warnings: FormatError[] } {
  const inference = infer(doc);
  const errors: FormatError[] = [];
  const warnings: FormatError[] = [];
  const used = new Set<SavedWeight>();
  const byLayer = new Map<string, SavedWeight[]>();
  for (const w of saved) {
    const { layers } = splitName(w.name);
    // The segment right before the weight name is the layer; a prefix (the model's name) may come before it.
    const layer = layers[layers.length - 1] ?? '';
    const list = byLayer.get(layer);
    if (list) list.push(w);
    else byLayer.set(layer, [w]);
  }
  const weights: Record<string, NamedWeight[]> = {};
  for (const node of doc.nodes) {
    const info = inference.nodes.get(node.id);
    if (!info || info.weights.length === 0) continue;
    const candidates = byLayer.get(info.name) ?? [];
    const out: NamedWeight[] = [];
    for (const spec of info.weights) {
      const names = weightAliases(node.className, spec.name);
      const found = candidates.find((w) => !used.has(w) && names.includes(splitName(w.name).weight));
      if (!found) {
        errors.push({
          message: `layer '${info.name}' (${node.className}) has no saved weight '${spec.name}' of shape ${formatShape(spec.shape)}`,
          hint: candidates.length
            ? `the file has ${candidates.map((w) => w.name).join(', ')} for this layer`
            : `no weights in the file are named '${info.name}/…'; were the layers renamed?`,
        });
        continue;
      }
      used.add(found);
      if (found.tensor.shape.length !== spec.shape.length || found.tensor.shape.some((d, i) => d !== spec.shape[i])) {
        errors.push({
          message: `layer '${info.name}' weight '${spec.name}' has shape ${formatShape(found.tensor.shape)} in the file, but the model needs ${formatShape(spec.shape)}`,
          hint: 'the weights were saved from a different model (another input shape or layer size)',
          path: found.path,
        });
        continue;
      }
      out.push({ name: spec.name, tensor: found.tensor });
    }
    weights[node.id] = out;
  }
  for (const w of saved)
    if (!used.has(w))
      warnings.push({
        message: `the saved weight '${w.name}' matches no layer of the model and is ignored`,
        path: w.path,
      });
  return { weights, errors, warnings };
}
