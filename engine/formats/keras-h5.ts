/**
 * Keras's HDF5 files. A whole-model `.h5` (tf.keras 2's `model.save("m.h5")`, which Keras 3 still writes as its
 * legacy format): the model's JSON in the root attribute `model_config`, weights in `model_weights/<layer>/…`
 * named by each layer group's `weight_names` attribute. And weights without a model, loaded onto the document
 * on the canvas: Keras 3's `.weights.h5` (`layers/<slot>/vars/<i>`) or tf.keras 2's `save_weights("w.h5")`.
 */
import type { FormatError } from '../core/problems';
import { formatShape } from '../core/shape';
import { sizeOf, tensor } from '../core/tensor';
import type { ModelDocument } from '../graph/document';
import { subDocument, unitGraph } from '../graph/groups';
import { infer } from '../graph/inference';
import { initializeWeights } from '../train/initializers';
import { type H5Dataset, type H5Group, loadHdf5, withHdf5, writeHdf5 } from './keras-files/hdf5';
import { isNumeric, KERAS_EXPORT_SEED, MAX_WEIGHT_VALUES, readKeras3Weights } from './keras-files/keras3-weights';
import { kerasLayerOrder } from './keras-files/variable-paths';
import { hdf5Reason } from './keras-file';
import { readKerasModel, writeKerasModel } from './json/keras-model';
import { KERAS3_VERSION } from './keras-json';
import { getLayer } from '../layers/registry';
import { parseJson } from './json/parse';
import { assignWeights, keras2WeightName, splitName, type SavedWeight } from './json/weights-match';
import type { ImportResult, ModelFormat } from './types';
import { refuseErrors } from './write-refusal';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
export const isHdf5 = (head: Uint8Array): boolean => HDF5_SIGNATURE.every((b, i) => head[i] === b);

const fail = (message: string, hint?: string, path?: string): { ok: false; errors: FormatError[] } => ({
  ok: false,
  errors: [{ message, ...(hint ? { hint } : {}), ...(path ? { path } : {}) }],
});

function child(group: H5Group, path: string): H5Group | H5Dataset | undefined {
  let node: H5Group | H5Dataset | undefined = group;
  for (const part of path.split('/').filter(Boolean))
    node = node?.kind === 'group' ? node.children.get(part) : undefined;
  return node;
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined;

/**
 * The weights of tf.keras 2's layout under `group` (`model_weights`, or the root of a save_weights file): each
 * layer in `layer_names`, each of its weights in `weight_names`, as `layer/weight` for weights-match.ts.
 */
function legacyWeights(
  group: H5Group,
  where: string,
  file: string,
  nested: ReadonlySet<string>,
): { ok: true; weights: SavedWeight[] } | { ok: false; errors: FormatError[] } {
  const layerNames = strings(group.attrs.layer_names);
  if (!layerNames)
    return fail(
      `${file}: ${where || 'the root'} has no layer_names attribute, so its weights can't be told apart`,
      'save the model with model.save() in Keras',
      where,
    );
  const weights: SavedWeight[] = [];
  let budget = MAX_WEIGHT_VALUES;
  for (const layer of layerNames) {
    const lgroup = group.children.get(layer);
    const lpath = `${where ? `${where}/` : ''}${layer}`;
    if (lgroup?.kind !== 'group')
      return fail(
        `${file}: layer '${layer}' is listed in layer_names but ${lpath} is missing`,
        'the file is damaged',
        lpath,
      );
    const names = strings(lgroup.attrs.weight_names) ?? [];
    for (const name of names) {
      const ds = child(lgroup, name);
      const at = `${lpath}/${name}`;
      if (ds?.kind !== 'dataset')
        return fail(
          `${file}: weight '${name}' of layer '${layer}' is listed but ${at} is missing`,
          'the file is damaged',
          at,
        );
      if (!isNumeric(ds.dtype)) return fail(`${file}: weight ${at} is ${ds.dtype}, not numbers`, undefined, at);
      budget -= sizeOf(ds.shape);
      if (budget < 0 || ds.shape.some((d) => !Number.isSafeInteger(d)))
        return fail(
          `${file}: weight ${at} of shape ${formatShape(ds.shape)} passes the ${MAX_WEIGHT_VALUES} values LayerCanvas reads`,
          'LayerCanvas reads models of at most 1 GiB of weights',
          at,
        );
      // `sequential/conv2d/kernel:0` → `conv2d/kernel` under this layer's name (the prefix is the outer model's).
      // A nested model's group holds its layers' weights, each named by its own layer (`stem_conv/kernel`).
      const split = splitName(name);
      const owner = nested.has(layer) ? (split.layers[split.layers.length - 1] ?? layer) : layer;
      weights.push({ name: `${owner}/${split.weight}`, tensor: tensor(ds.shape, ds.read()), path: at });
    }
  }
  return { ok: true, weights };
}

const nestedNames = (doc: ModelDocument) => new Set((doc.groups ?? []).map((g) => g.name));

/** Reads a whole-model `.h5`: its model_config and its weights. */
export async function readKerasH5(bytes: Uint8Array, fileName = 'model.h5'): Promise<ImportResult> {
  await loadHdf5();
  try {
    return withHdf5(bytes, (root): ImportResult => {
      const config = root.attrs.model_config;
      if (typeof config !== 'string') {
        if (root.children.has('layers') || root.attrs.layer_names !== undefined)
          return fail(
            `${fileName} holds weights only, no model`,
            'open or build the model first, then load these weights onto it (Export ▸ Load weights…, or --weights)',
          );
        return fail(
          `${fileName} is an HDF5 file without a Keras model (no model_config attribute)`,
          'save the model with model.save("model.h5") or as .keras',
        );
      }
      const parsed = parseJson(config);
      if (!parsed.ok) return { ok: false, errors: [{ ...parsed.error, path: 'model_config' }] };
      const model = readKerasModel(parsed.value, '');
      if (!model.document)
        return {
          ok: false,
          errors: model.errors.map((e) => ({ ...e, path: `model_config${e.path ? `:${e.path}` : ''}` })),
        };
      const group = root.children.get('model_weights');
      if (group?.kind !== 'group')
        return {
          ok: true,
          document: model.document,
          warnings: [
            ...model.warnings,
            { message: `${fileName} has no model_weights: the model opens without weights` },
          ],
        };
      const saved = legacyWeights(group, 'model_weights', fileName, nestedNames(model.document));
      if (!saved.ok) return saved;
      const assigned = assignWeights(model.document, saved.weights);
      if (assigned.errors.length) return { ok: false, errors: assigned.errors };
      return {
        ok: true,
        document: { ...model.document, weights: assigned.weights },
        warnings: [...model.warnings, ...assigned.warnings],
      };
    });
  } catch (e) {
    return fail(
      `${fileName} is not a readable HDF5 file (${hdf5Reason(e)})`,
      'the file is damaged or truncated; save the model again',
    );
  }
}

/**
 * Loads a weights file onto the document: Keras 3's `.weights.h5`, tf.keras 2's `save_weights` `.h5`, or the
 * weights of a whole-model `.h5`. The document comes back with them, or errors naming layer, weight and shape.
 */
export async function loadWeightsH5(
  bytes: Uint8Array,
  doc: ModelDocument,
  fileName = 'model.weights.h5',
): Promise<ImportResult> {
  if (!isHdf5(bytes))
    return fail(`${fileName} is not an HDF5 file`, 'give the .weights.h5 that model.save_weights() wrote');
  await loadHdf5();
  try {
    const layout = withHdf5(bytes, (root) =>
      root.children.has('layers')
        ? 'keras3'
        : root.children.get('model_weights')?.kind === 'group'
          ? 'model'
          : 'legacy',
    );
    if (layout === 'keras3') {
      const read = readKeras3Weights(bytes, doc, fileName);
      return read.ok ? { ok: true, document: { ...doc, weights: read.weights }, warnings: read.warnings } : read;
    }
    return withHdf5(bytes, (root): ImportResult => {
      const group = layout === 'model' ? (root.children.get('model_weights') as H5Group) : root;
      const saved = legacyWeights(group, layout === 'model' ? 'model_weights' : '', fileName, nestedNames(doc));
      if (!saved.ok) return saved;
      const assigned = assignWeights(doc, saved.weights);
      if (assigned.errors.length) return { ok: false, errors: assigned.errors };
      return { ok: true, document: { ...doc, weights: assigned.weights }, warnings: assigned.warnings };
    });
  } catch (e) {
    return fail(
      `${fileName} is not a readable HDF5 file (${hdf5Reason(e)})`,
      'the file is damaged or truncated; save the weights again',
    );
  }
}

/** The tf.keras version a legacy .h5 says wrote it: its model_config is tf.keras 2's JSON. */
const LEGACY_KERAS_VERSION = '2.15.0';

/**
 * A whole-model `.h5` in tf.keras 2's layout, as `model.save("model.h5")` writes it and Keras 3's
 * `keras.models.load_model` reads it: `model_config` (tf.keras 2's JSON) on the root, and under `model_weights`
 * each weighted layer's group in the order of Keras's `model.layers` (Keras loads them by position), listing its
 * weights (trainable first, as Keras loads them) as `<layer>/<weight>:0` datasets. Weights the document has no
 * values for yet are drawn as Keras would.
 */
export function writeKerasH5(doc: ModelDocument): Uint8Array {
  const inference = infer(doc);
  // tf.keras 2 writes an RNN's initial_state as call kwargs that Keras 3's loader of tf.keras 2 configs drops (the
  // states' layers vanish and the model predicts from zero state). Keras 3.15's own `model.save("m.h5")` writes its
  // own config in the same layout, which it reads back whole: such a model is written that way.
  const keras3 = callsWithInitialState(doc);
  const config = writeKerasModel(doc, keras3 ? 'keras3' : 'keras2', inference);
  const missing = doc.nodes.some(
    (n) => (inference.nodes.get(n.id)?.weights.length ?? 0) > 0 && !doc.weights?.[n.id]?.length,
  );
  const fresh = missing ? initializeWeights(doc, KERAS_EXPORT_SEED) : {};
  const valuesOf = (id: string) => (doc.weights?.[id]?.length ? doc.weights[id] : (fresh[id] ?? []));
  const trainable = (id: string, name: string) =>
    inference.nodes.get(id)!.weights.find((w) => w.name === name)?.trainable !== false;
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  // One weight as `<layers of the nested models inside this one>/<layer>/<weight>:0`.
  const named = (id: string, prefix: string) =>
    valuesOf(id).map((w) => {
      const node = byId.get(id)!;
      const name = `${prefix}${inference.nodes.get(id)!.name}/${keras2WeightName(node.className, w.name, node.config)}:0`;
      return { name, w, trainable: trainable(id, w.name) };
    });
  // A nested model's group holds all its weights, its own nested models' under their names (`inner/inner_a/…`), in
  // its layers' order: every trainable weight, then the rest, as Keras's trainable_weights + non_trainable_weights.
  const nestedWeights = (sub: ModelDocument, prefix: string): ReturnType<typeof named> => {
    const subInference = infer(sub);
    const units = unitGraph(sub, subInference);
    return kerasLayerOrder(sub, subInference).flatMap((id) => {
      const view = units.groups.get(id);
      if (!view) return named(id, prefix);
      return nestedWeights(subDocument(sub, subInference, view), `${prefix}${view.group.name}/`);
    });
  };
  const units = unitGraph(doc, inference);
  const layers = kerasLayerOrder(doc, inference).flatMap((id) => {
    const view = units.groups.get(id);
    const all = view ? nestedWeights(subDocument(doc, inference, view), '') : named(id, '');
    if (!all.length) return [];
    const weights = [...all.filter((w) => w.trainable), ...all.filter((w) => !w.trainable)];
    return [{ name: view ? view.group.name : inference.nodes.get(id)!.name, weights }];
  });
  const version = { keras_version: keras3 ? KERAS3_VERSION : LEGACY_KERAS_VERSION, backend: 'tensorflow' };
  return writeHdf5(
    (out) => {
      out.group('model_weights', { ...version, layer_names: layers.map((l) => l.name) });
      for (const layer of layers) {
        const names = layer.weights.map((w) => w.name);
        out.group(`model_weights/${layer.name}`, { weight_names: names });
        layer.weights.forEach((w, i) =>
          out.dataset(`model_weights/${layer.name}/${names[i]}`, w.w.tensor.shape, w.w.tensor.data),
        );
      }
    },
    { ...version, model_config: JSON.stringify(config) },
  );
}

/** Whether an LSTM or GRU of the model (nested ones included) is called with its states after the sequence. */
function callsWithInitialState(doc: ModelDocument): boolean {
  const incoming = new Map<string, number>();
  for (const e of doc.edges) incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
  return doc.nodes.some((n) => (getLayer(n.className)?.stateInputs ?? 0) > 0 && (incoming.get(n.id) ?? 0) > 1);
}

export const kerasH5: ModelFormat = {
  id: 'keras-h5',
  title: 'Keras HDF5 model (.h5)',
  extensions: ['.h5', '.hdf5'],
  match: () => false,
  read: () => fail('an .h5 file is read from its bytes', 'open the file itself, not its text'),
  matchBytes: (head) => isHdf5(head),
  readBytes: (bytes, fileName) => readKerasH5(bytes, fileName),
  readWeights: (bytes, doc, fileName) => loadWeightsH5(bytes, doc, fileName),
  prepare: loadHdf5,
  canWrite: (_doc, inference) => refuseErrors('h5', inference),
  write: (doc, { baseName }) => [{ name: `${baseName}.h5`, data: writeKerasH5(doc) }],
};
