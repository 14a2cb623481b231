/**
 * TF.js Layers models: `model.json` (`format: "layers-model"`, a Keras 2 style `modelTopology` and a
 * `weightsManifest`) with its binary weight shards, little-endian float32, read through SideFiles.
 */
import type { FormatError } from '../core/problems';
import { initializeWeights } from '../train/initializers';
import { sizeOf, tensor } from '../core/tensor';
import type { ModelDocument, NamedWeight } from '../graph/document';
import { infer } from '../graph/inference';
import { getLayer } from '../layers/registry';
import { bytesToFloat32, float32ToBytes } from './json/float32';
import { readKerasModel, writeKerasModel } from './json/keras-model';
import { parseVarianceScaling } from '../core/variance-scaling';
import { isObject, joinPath, type JsonObject, matchJsonText, parseJson, quote } from './json/parse';
import { assignWeights, keras2WeightName, type SavedWeight } from './json/weights-match';
import type { ImportResult, ModelFormat, SideFiles } from './types';
import { refuseErrors } from './write-refusal';

export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';
/** The seed of the weights written when the document has none (so an export is reproducible). */
export const TFJS_EXPORT_SEED = 0;

/** All weight shards together; more is either a mistake or a model far past what the engine can hold. */
export const MAX_WEIGHT_BYTES = 1024 ** 3;

export function readTfjs(text: string, side?: SideFiles): ImportResult {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const root = parsed.value;
  if (!isObject(root) || !isObject(root.modelTopology))
    return {
      ok: false,
      errors: [
        {
          message: 'not a TF.js Layers model: there is no modelTopology object',
          hint: 'open the model.json written by tf.LayersModel.save() or tensorflowjs_converter',
          path: 'modelTopology',
        },
      ],
    };
  if (root.format !== undefined && root.format !== 'layers-model')
    return {
      ok: false,
      errors: [
        {
          message: `format ${quote(root.format)} is a TF.js graph model, which has no Keras layers to draw`,
          hint: 'convert the Keras model with --output_format=tfjs_layers_model',
          path: 'format',
        },
      ],
    };
  const read = readKerasModel(root.modelTopology, 'modelTopology');
  if (!read.document) return { ok: false, errors: read.errors };
  const doc = read.document;
  const warnings = [...read.warnings];
  if (root.weightsManifest === undefined) return { ok: true, document: doc, warnings };

  const saved = readManifest(root.weightsManifest, side);
  if (!saved.ok) return { ok: false, errors: saved.errors };
  const assigned = assignWeights(doc, saved.weights);
  if (assigned.errors.length) return { ok: false, errors: assigned.errors };
  warnings.push(...assigned.warnings);
  return { ok: true, document: { ...doc, weights: assigned.weights }, warnings };
}

function readManifest(
  manifest: unknown,
  side?: SideFiles,
): { ok: true; weights: SavedWeight[] } | { ok: false; errors: FormatError[] } {
  const errors: FormatError[] = [];
  if (!Array.isArray(manifest))
    return {
      ok: false,
      errors: [
        { message: `weightsManifest must be a list of weight groups, got ${quote(manifest)}`, path: 'weightsManifest' },
      ],
    };
  const weights: SavedWeight[] = [];
  const seen = new Set<string>();
  let total = 0;
  manifest.forEach((group, g) => {
    const gpath = joinPath('weightsManifest', g);
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      errors.push({ message: `expected a weight group {"paths", "weights"}, got ${quote(group)}`, path: gpath });
      return;
    }
    // The shards of a group are one buffer cut into files: concatenate them in the listed order.
    const parts: Uint8Array[] = [];
    group.paths.forEach((p, k) => {
      const ppath = joinPath(joinPath(gpath, 'paths'), k);
      if (typeof p === 'string' && seen.has(p)) {
        const hint = 'each shard holds different weights; list it once';
        errors.push({ message: `the weight file '${p}' is listed twice`, hint, path: ppath });
        return;
      }
      if (typeof p === 'string') seen.add(p);
      const file = typeof p === 'string' ? side?.read(p) : undefined;
      if (typeof p !== 'string') errors.push({ message: `expected a shard file name, got ${quote(p)}`, path: ppath });
      else if (file && 'refused' in file) {
        errors.push({ message: file.refused, hint: `keep the weight files in model.json's folder`, path: ppath });
      } else if (file && total + file.byteLength > MAX_WEIGHT_BYTES) {
        const message = `the weight files come to more than ${MAX_WEIGHT_BYTES / 1024 ** 3} GiB by '${p}'`;
        errors.push({ message, hint: 'LayerCanvas reads models of at most 1 GiB of weights', path: ppath });
      } else if (!file)
        errors.push({
          message: `the weight file '${p}' is missing`,
          hint: `keep '${p}' in the same folder as model.json (or open both together)`,
          path: joinPath(joinPath(gpath, 'paths'), k),
        });
      else {
        total += file.byteLength;
        parts.push(file);
      }
    });
    if (errors.length) return;
    const buffer = concat(parts);
    let offset = 0;
    group.weights.forEach((w, k) => {
      const wpath = joinPath(joinPath(gpath, 'weights'), k);
      if (
        !isObject(w) ||
        typeof w.name !== 'string' ||
        !Array.isArray(w.shape) ||
        !w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)
      ) {
        errors.push({ message: `expected a weight {"name", "shape", "dtype"}, got ${quote(w)}`, path: wpath });
        return;
      }
      if (w.dtype !== undefined && w.dtype !== 'float32') {
        errors.push({
          message: `weight '${w.name}' has dtype ${quote(w.dtype)}; LayerCanvas reads float32 weights only`,
          path: joinPath(wpath, 'dtype'),
        });
        return;
      }
      if (w.quantization !== undefined) {
        errors.push({
          message: `weight '${w.name}' is quantized, which LayerCanvas cannot read`,
          hint: 'convert the model without quantization',
          path: joinPath(wpath, 'quantization'),
        });
        return;
      }
      const shape = w.shape as number[];
      const count = sizeOf(shape);
      if (offset + count * 4 > buffer.length) {
        errors.push({
          message: `weight '${w.name}' ${quote(shape)} needs bytes ${offset}–${offset + count * 4} but the weight files of group ${g} hold only ${buffer.length}`,
          hint: 'a shard is truncated or belongs to another model',
          path: wpath,
        });
        return;
      }
      weights.push({ name: w.name, tensor: tensor(shape, bytesToFloat32(buffer, offset, count)), path: wpath });
      offset += count * 4;
    });
  });
  return errors.length ? { ok: false, errors } : { ok: true, weights };
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface TfjsExport {
  modelJson: string;
  weightsBin: Uint8Array;
  weightsPath: string;
  /** The same weight file by name, for hosts that write every extra file the same way. */
  files: Record<string, Uint8Array>;
  /** What TF.js Layers 4.22 cannot load or compute as Keras does (the file is still written). */
  warnings: FormatError[];
}

/**
 * The activation strings TF.js Layers 4.22 computes as Keras 3 does (tfjs-layers/src/activations.ts); its
 * hard_sigmoid is Keras 2's 0.2·x + 0.5, so it is not here.
 */
const TFJS_ACTIVATIONS = new Set([
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'tanh',
  'softmax',
  'softplus',
  'softsign',
  'silu',
  'swish',
  'mish',
  'gelu',
]);

/** What in the document TF.js Layers would refuse, or would load but compute differently. */
export function tfjsCompatibility(doc: ModelDocument): FormatError[] {
  const names = infer(doc).nodes;
  const out: FormatError[] = [];
  for (const n of doc.nodes) {
    const name = names.get(n.id)?.name ?? n.id;
    const def = getLayer(n.className);
    if (def?.tfjs?.missing)
      out.push({
        message: `TF.js Layers has no ${n.className} layer: tf.loadLayersModel will refuse this model ('${name}')`,
        hint: def.tfjs.missing,
      });
    if (def && 'groups' in def.fields && n.config.groups !== 1)
      out.push({
        message: `TF.js ${n.className} has no groups: '${name}' with groups=${n.config.groups} will not load`,
        hint: 'use groups=1, or a Concatenate of separate convolutions',
      });
    if (def?.tfjs?.refuses)
      out.push({
        message: `TF.js ${n.className} ${def.tfjs.refuses.why}: tf.loadLayersModel will refuse '${name}'`,
        hint: def.tfjs.refuses.hint,
      });
    // A wrapper (Bidirectional) loads only if TF.js loads the layer it wraps.
    const wrapped = def?.keras.wraps ? getLayer(String(n.config[def.keras.wraps.field])) : undefined;
    if (wrapped?.tfjs?.refuses)
      out.push({
        message: `TF.js ${wrapped.className} ${wrapped.tfjs.refuses.why}: tf.loadLayersModel will refuse '${name}' (${n.className})`,
        hint: wrapped.tfjs.refuses.hint,
      });
    for (const key of ['activation', 'recurrent_activation']) {
      const activation = n.config[key];
      if (typeof activation === 'string' && !TFJS_ACTIVATIONS.has(activation))
        out.push({
          message: `TF.js has no Keras 3 ${activation} activation: '${name}' will not load or will compute another function`,
          hint: 'use an Activation TF.js knows (relu, sigmoid, tanh, swish, mish, gelu…)',
        });
    }
    // TF.js's VarianceScaling draws normal (truncated), uniform or truncated_normal only.
    for (const [key, value] of Object.entries(n.config))
      if (
        key.endsWith('_initializer') &&
        typeof value === 'string' &&
        parseVarianceScaling(value)?.distribution === 'untruncated_normal'
      )
        out.push({
          message: `TF.js's VarianceScaling has no untruncated_normal: tf.loadLayersModel will refuse '${name}' (${key})`,
          hint: "use distribution='truncated_normal' or 'uniform'",
        });
    if (n.config.activity_regularizer != null)
      out.push({
        message: `TF.js refuses to call a layer with an activity_regularizer: tf.loadLayersModel will refuse '${name}'`,
        hint: 'set activity_regularizer to None for TF.js (keep a kernel_regularizer instead)',
      });
    const lacks = def?.tfjs?.lacks;
    const lost = lacks?.fields.filter((key) => n.config[key] !== def?.fields[key].default) ?? [];
    if (def && lacks && lost.length)
      out.push({
        message: `TF.js ${n.className} has only ${Object.keys(def.fields)
          .filter((key) => !lacks.fields.includes(key))
          .join(', ')}: '${name}' would lose ${lacks.fields.map((key) => `${key}=${n.config[key]}`).join(' and ')}`,
        hint: lacks.hint,
      });
  }
  return out;
}

/** TF.js registers only L1L2 (its l1() and l2() make one): L1(l1) and L2(l2) go as L1L2 with the other at 0. */
function tfjsRegularizer(value: JsonObject): JsonObject {
  if (value.class_name !== 'L1' && value.class_name !== 'L2') return value;
  const config = isObject(value.config) ? value.config : {};
  return { class_name: 'L1L2', config: { l1: config.l1 ?? 0, l2: config.l2 ?? 0 } };
}

/**
 * model.json + one weight shard that `tf.loadLayersModel` reads: the document's weights, or fresh ones drawn with
 * Keras's default initializers (seeded, so the same model exports the same bytes).
 */
export function exportTfjs(doc: ModelDocument): TfjsExport {
  const inference = infer(doc);
  const weights: Record<string, NamedWeight[]> = doc.weights ?? initializeWeights(doc, TFJS_EXPORT_SEED);
  const entries: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  const chunks: Float32Array[] = [];
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  for (const id of inference.order) {
    const info = inference.nodes.get(id)!;
    const node = byId.get(id)!;
    if (!getLayer(node.className)) continue;
    for (const w of weights[id] ?? []) {
      entries.push({
        name: `${info.name}/${keras2WeightName(node.className, w.name, node.config)}`,
        shape: [...w.tensor.shape],
        dtype: 'float32',
      });
      chunks.push(w.tensor.data);
    }
  }
  const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  const weightsBin = float32ToBytes(all);
  // Nested models as TF.js saves them: the outer layers take a nested model's output as its node 1.
  const topology = writeKerasModel(doc, 'keras2', inference, { nestedNode: 1 });
  const adapt = (model: Record<string, unknown>) => {
    for (const layer of (model.config as { layers: { config: Record<string, unknown> }[] }).layers) {
      if (Array.isArray(layer.config.layers)) {
        adapt(layer as unknown as Record<string, unknown>);
        continue;
      }
      // TF.js knows SiLU only by its other name.
      if (layer.config.activation === 'silu') layer.config.activation = 'swish';
      for (const [key, value] of Object.entries(layer.config))
        if (key.endsWith('_regularizer') && isObject(value)) layer.config[key] = tfjsRegularizer(value);
    }
  };
  adapt(topology);
  const modelJson = JSON.stringify(
    {
      format: 'layers-model',
      generatedBy: 'LayerCanvas',
      convertedBy: null,
      modelTopology: { ...topology, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: entries }],
    },
    null,
    2,
  );
  return {
    modelJson,
    weightsBin,
    weightsPath: TFJS_WEIGHTS_FILE,
    files: { [TFJS_WEIGHTS_FILE]: weightsBin },
    warnings: tfjsCompatibility(doc),
  };
}

/** A TF.js Layers model.json says `format: "layers-model"` or holds a `modelTopology`. */
const isTfjs = (value: JsonObject): boolean => value.format === 'layers-model' || 'modelTopology' in value;

export const tfjs: ModelFormat = {
  id: 'tfjs',
  title: 'TensorFlow.js Layers model (model.json)',
  extensions: ['.json'],
  match: matchJsonText(isTfjs),
  matchJson: isTfjs,
  read: (text, side) => readTfjs(text, side),
  canWrite: (_doc, inference) => refuseErrors('tfjs', inference),
  write: (doc) => {
    const out = exportTfjs(doc);
    return [
      { name: 'model.json', data: out.modelJson },
      { name: out.weightsPath, data: out.weightsBin },
    ];
  },
};
