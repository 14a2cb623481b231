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
import { type H5Dataset, type H5Group, loadHdf5, withHdf5 } from './keras-files/hdf5';
import { isNumeric, MAX_WEIGHT_VALUES, readKeras3Weights } from './keras-files/keras3-weights';
import { hdf5Reason } from './keras-file';
import { readKerasModel } from './json/keras-model';
import { parseJson } from './json/parse';
import { assignWeights, type SavedWeight } from './json/weights-match';
import type { ImportResult, ModelFormat } from './types';

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
      const base = name.replace(/:\d+$/, '').split('/').pop()!;
      weights.push({ name: `${layer}/${base}`, tensor: tensor(ds.shape, ds.read()), path: at });
    }
  }
  return { ok: true, weights };
}

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
      const saved = legacyWeights(group, 'model_weights', fileName);
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
      const saved = legacyWeights(group, layout === 'model' ? 'model_weights' : '', fileName);
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
};
