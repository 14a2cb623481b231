/**
 * Keras 3's weights file (`model.weights.h5` in a `.keras`, or a `.weights.h5`) ↔ a document's weights: each
 * layer's variables at `layers/<slot>/vars/<i>` in the layer's weight order (variable-paths.ts says which slot).
 */
import { getLayer } from '../../layers/registry';
import type { FormatError } from '../../core/problems';
import { formatShape } from '../../core/shape';
import { sizeOf, tensor } from '../../core/tensor';
import type { ModelDocument, NamedWeight } from '../../graph/document';
import { infer } from '../../graph/inference';
import { initializeWeights } from '../../train/initializers';
import { type H5Dataset, type H5Group, type H5Writable, withHdf5, writeHdf5 } from './hdf5';
import { kerasVariablePaths } from './variable-paths';

/** All weights together; more is a model far past what the engine can hold, or a forged shape. */
export const MAX_WEIGHT_VALUES = 256 * 1024 ** 2;
/** The seed of the weights written for a model that has none yet (the same model writes the same weights). */
export const KERAS_EXPORT_SEED = 0;

export type WeightsRead =
  | { ok: true; weights: Record<string, NamedWeight[]>; warnings: FormatError[] }
  | { ok: false; errors: FormatError[] };

interface SavedLayer {
  /** `layers/dense_1`. */
  path: string;
  /** The layer name the `vars` group's attribute gives, when it has one. */
  name?: string;
  vars: Map<string, H5Dataset>;
  /** The `vars` of the layer's sub-objects by path (an RNN's `cell`, a Bidirectional's `forward_layer/cell`). */
  inner: Map<string, Map<string, H5Dataset>>;
}

const datasetsOf = (vars: H5Group) =>
  new Map([...vars.children].filter((e): e is [string, H5Dataset] => e[1].kind === 'dataset'));

/** Every `…/vars` group under `layers/`, nested ones (a nested model's layers) included. */
function savedLayers(root: H5Group): SavedLayer[] {
  const out: SavedLayer[] = [];
  const walk = (group: H5Group, path: string) => {
    for (const [key, child] of group.children) {
      if (child.kind !== 'group') continue;
      const vars = child.children.get('vars');
      if (vars?.kind === 'group') {
        const name = typeof vars.attrs.name === 'string' ? vars.attrs.name : undefined;
        const inner = new Map<string, Map<string, H5Dataset>>();
        const subObjects = (g: H5Group, prefix: string, depth: number) => {
          for (const [k, sub] of g.children) {
            if (k === 'layers' || k === 'vars' || sub.kind !== 'group' || depth > 2) continue;
            const v = sub.children.get('vars');
            if (v?.kind === 'group') inner.set(`${prefix}${k}`, datasetsOf(v));
            subObjects(sub, `${prefix}${k}/`, depth + 1);
          }
        };
        subObjects(child, '', 0);
        out.push({ path: `${path}/${key}`, ...(name ? { name } : {}), vars: datasetsOf(vars), inner });
      }
      const layers = child.children.get('layers');
      if (layers?.kind === 'group') walk(layers, `${path}/${key}/layers`);
    }
  };
  const layers = root.children.get('layers');
  if (layers?.kind === 'group') walk(layers, 'layers');
  return out;
}

/**
 * The document's weights from a Keras 3 weights file: every layer that has weights must find them, by the layer
 * name its `vars` group records or else by Keras's slot path, with the count and shapes the layer needs.
 * `file` names the HDF5 file in messages (`model.weights.h5`).
 */
export function readKeras3Weights(h5: Uint8Array, doc: ModelDocument, file: string): WeightsRead {
  const inference = infer(doc);
  const paths = kerasVariablePaths(doc, inference);
  let budget = MAX_WEIGHT_VALUES;
  return withHdf5(h5, (root): WeightsRead => {
    const saved = savedLayers(root);
    if (!root.children.has('layers'))
      return {
        ok: false,
        errors: [
          {
            message: `${file} has no 'layers' group: it is not a Keras 3 weights file`,
            hint: 'save it with model.save() or model.save_weights() in Keras 3',
          },
        ],
      };
    const byName = new Map(saved.filter((s) => s.name).map((s) => [s.name!, s]));
    const byPath = new Map(saved.map((s) => [s.path, s]));
    const used = new Set<SavedLayer>();
    const errors: FormatError[] = [];
    const weights: Record<string, NamedWeight[]> = {};
    for (const node of doc.nodes) {
      const info = inference.nodes.get(node.id);
      if (!info || info.weights.length === 0) continue;
      const path = paths.get(node.id)?.path;
      const found = byName.get(info.name) ?? (path ? byPath.get(path) : undefined);
      if (!found) {
        const hint = path
          ? `Keras keeps its weights at ${path}/vars, by the layer's class and place in the model`
          : undefined;
        errors.push({
          message: `layer '${info.name}' (${node.className}) has no weights in ${file}`,
          hint,
          path: path ?? info.name,
        });
        continue;
      }
      used.add(found);
      const groups = weightGroups(getLayer(node.className)?.keras.weightsIn, info.weights.length);
      const sizes = groups.map((g) => (g.at ? found.inner.get(g.at) : found.vars)?.size ?? 0);
      const bad = groups.findIndex((g, k) => sizes[k] !== g.count);
      if (bad >= 0) {
        const names = info.weights.map((w) => w.name).join(', ');
        const where = groups.map((g) => varsPath(found.path, g.at)).join(' and ');
        errors.push({
          message: `layer '${info.name}' (${node.className}) needs ${info.weights.length} weights (${names}), ${file} has ${sizes.join(' and ')} at ${where}`,
          hint: 'the weights were saved from a different model (another layer configuration)',
          path: varsPath(found.path, groups[bad].at),
        });
        continue;
      }
      const out: NamedWeight[] = [];
      info.weights.forEach((spec, i) => {
        const group = groups.find((g) => i < g.first + g.count)!;
        const vars = (group.at ? found.inner.get(group.at) : found.vars)!;
        const ds = vars.get(String(i - group.first));
        const at = `${varsPath(found.path, group.at)}/${i - group.first}`;
        if (!ds) {
          errors.push({
            message: `layer '${info.name}' weight '${spec.name}' is missing: ${file} has no ${at}`,
            path: at,
          });
          return;
        }
        if (ds.shape.length !== spec.shape.length || ds.shape.some((d, k) => d !== spec.shape[k])) {
          errors.push({
            message: `layer '${info.name}' weight '${spec.name}' has shape ${formatShape(ds.shape)} in ${file} (${at}), but the model needs ${formatShape(spec.shape)}`,
            hint: 'the weights were saved from a different model (another input shape or layer size)',
            path: at,
          });
          return;
        }
        if (!isNumeric(ds.dtype)) {
          errors.push({
            message: `layer '${info.name}' weight '${spec.name}' is ${ds.dtype}, not numbers (${at})`,
            path: at,
          });
          return;
        }
        budget -= sizeOf(spec.shape);
        if (budget < 0) {
          errors.push({
            message: `${file} holds more than ${MAX_WEIGHT_VALUES} weight values`,
            hint: 'LayerCanvas reads models of at most 1 GiB of weights',
            path: at,
          });
          return;
        }
        out.push({ name: spec.name, tensor: tensor(spec.shape, ds.read()) });
      });
      weights[node.id] = out;
    }
    if (errors.length) return { ok: false, errors };
    const warnings: FormatError[] = saved
      .filter((s) => !used.has(s) && s.vars.size > 0)
      .map((s) => ({
        message: `${file} has weights at ${s.path}/vars${s.name ? ` ('${s.name}')` : ''} that match no layer of the model; they are ignored`,
        path: s.path,
      }));
    return { ok: true, weights, warnings };
  });
}

/**
 * Where a layer's weights sit under its slot: its own `vars`, one sub-object's (`cell`), or an even split among
 * several sub-objects in order; `first` is the index of the group's first weight in the layer's list.
 */
function weightGroups(weightsIn: string | readonly string[] | undefined, count: number) {
  if (weightsIn === undefined) return [{ at: undefined, first: 0, count }];
  const subs = typeof weightsIn === 'string' ? [weightsIn] : weightsIn;
  const each = count / subs.length;
  return subs.map((at, k) => ({ at, first: k * each, count: each }));
}

const varsPath = (slot: string, at: string | undefined) => (at ? `${slot}/${at}/vars` : `${slot}/vars`);

export const isNumeric = (dtype: string): boolean => /^(float|int|uint)\d+$/.test(dtype);

/**
 * Keras 3's weights file for the document: its weights, or for a model without any, fresh ones drawn with Keras's
 * initializers (seeded). Every layer gets its `vars` group, empty when it has no weights, named as Keras names it.
 */
export function writeKeras3Weights(doc: ModelDocument): Uint8Array {
  const inference = infer(doc);
  // Layers the document has no weights for yet (added since training) get fresh ones, as Keras's build() would.
  const missing = doc.nodes.some(
    (n) => (inference.nodes.get(n.id)?.weights.length ?? 0) > 0 && !doc.weights?.[n.id]?.length,
  );
  const fresh = missing ? initializeWeights(doc, KERAS_EXPORT_SEED) : {};
  const weightsOf = (id: string) => (doc.weights?.[id]?.length ? doc.weights[id] : (fresh[id] ?? []));
  const paths = kerasVariablePaths(doc, inference);
  return writeHdf5((out: H5Writable) => {
    out.group('layers');
    // Nested models' own slots and their inputs' are in `paths` too, without weights.
    for (const [id, { path, name }] of paths) {
      const node = doc.nodes.find((n) => n.id === id);
      const weights = weightsOf(id);
      out.group(`${path}/vars`, { name });
      const groups = weightGroups(node ? getLayer(node.className)?.keras.weightsIn : undefined, weights.length);
      for (const g of groups) {
        const at = varsPath(path, g.at);
        // Keras gives every object on the way its own `vars` (`forward_layer/vars`, empty) and names it.
        const parts = g.at?.split('/') ?? [];
        parts.forEach((_, k) => {
          const sub = parts.slice(0, k + 1).join('/');
          out.group(`${path}/${sub}/vars`, { name: `${name}_${sub.replaceAll('/', '_')}` });
        });
        weights
          .slice(g.first, g.first + g.count)
          .forEach((w, i) => out.dataset(`${at}/${i}`, w.tensor.shape, w.tensor.data));
      }
    }
    out.group('vars', { name: doc.name });
  });
}
