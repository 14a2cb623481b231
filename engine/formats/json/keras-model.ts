/**
 * A Keras model's JSON (`model.to_json()`, or a TF.js `modelTopology`) ↔ a document. Sequential and functional,
 * tf.keras 2 (`inbound_nodes: [[["conv2d", 0, 0, {}]]]`, `batch_input_shape`) and Keras 3 (`__keras_tensor__`
 * args, `batch_shape`, DTypePolicy), checked against keras/src/models/{sequential,functional}.py.
 */
import { foldByCause } from '../error-causes';
import type { FormatError } from '../../core/problems';
import type { DocEdge, DocGroup, DocNode, ModelDocument } from '../../graph/document';
import { type GroupView, subDocument, unitGraph } from '../../graph/groups';
import { infer, outputOf, type Inference } from '../../graph/inference';
import { getLayer } from '../../layers/registry';
import type { LayerConfig } from '../../layers/types';
import { readLayerConfig, writeLayerConfig, type Flavor } from './keras-layers';
import { OPS_MODULE, readKerasOp } from './keras-ops';
import { isObject, joinPath, quote, type JsonObject } from './parse';

export interface ModelRead {
  document: ModelDocument | null;
  errors: FormatError[];
  warnings: FormatError[];
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Reads the model object at `path` (`''` for a to_json() file, `modelTopology` inside TF.js). */
export function readKerasModel(root: unknown, path: string): ModelRead {
  const errors: FormatError[] = [];
  const warnings: FormatError[] = [];
  const fail = (message: string, at: string, hint?: string): ModelRead => ({
    document: null,
    errors: [{ message, hint, path: at || undefined }],
    warnings,
  });
  if (isObject(root) && isObject(root.model_config)) {
    root = root.model_config;
    path = joinPath(path, 'model_config');
  }
  if (!isObject(root)) return fail(`expected a Keras model object, got ${quote(root)}`, path);
  const cls = root.class_name;
  if (typeof cls !== 'string' || !MODEL_CLASSES.has(cls))
    return fail(
      `class_name ${quote(cls)} is not a Keras model class`,
      joinPath(path, 'class_name'),
      "expected 'Sequential', 'Functional' or 'Model' (the JSON of model.to_json())",
    );
  const config = root.config;
  const cpath = joinPath(path, 'config');
  if (!isObject(config)) return fail(`expected the model's config object, got ${quote(config)}`, cpath);
  const layers = config.layers;
  if (!Array.isArray(layers)) return fail(`expected a list of layers, got ${quote(layers)}`, joinPath(cpath, 'layers'));
  const lpath = joinPath(cpath, 'layers');

  const parsed = layers.map((entry, i) => parseLayer(entry, joinPath(lpath, i), errors, warnings));
  const name = typeof config.name === 'string' ? config.name : cls === 'Sequential' ? 'sequential' : 'functional';
  const sequential = cls === 'Sequential';
  const built = sequential
    ? buildSequential(parsed, config, lpath, errors)
    : buildFunctional(parsed, config, cpath, errors, warnings);
  checkNames(parsed, errors);
  if (errors.length > 0 || !built)
    return { document: null, errors: foldErrors(errors, layers, parsed, lpath), warnings };
  const flat = spliceStandIns(built.nodes, built.edges, built.standIns);
  const clash = firstNameClash(flat.nodes, built.groups);
  if (clash)
    return fail(
      `the layer name ${quote(clash)} is used twice (in the model and in a model nested in it)`,
      lpath,
      'LayerCanvas draws nested models in one graph, which needs unique layer names: rename one of them',
    );
  const doc: ModelDocument = {
    name,
    modelClass: sequential ? 'Sequential' : 'Functional',
    nodes: flat.nodes,
    edges: flat.edges,
  };
  if (built.groups.length) doc.groups = built.groups;
  return { document: doc, errors, warnings };
}

/** The errors one per cause, each naming its layers (../error-causes.ts). */
function foldErrors(
  errors: FormatError[],
  layers: unknown[],
  parsed: (ParsedLayer | null)[],
  lpath: string,
): FormatError[] {
  const nameAt = (i: number): string | undefined => {
    const entry = layers[i];
    if (!isObject(entry)) return undefined;
    const name = isObject(entry.config) ? entry.config.name : entry.name;
    return typeof name === 'string' ? name : `#${i}`;
  };
  const prefix = `${lpath}[`;
  const layerOf = ({ path }: FormatError) => {
    if (!path?.startsWith(prefix)) return undefined;
    const i = Number.parseInt(path.slice(prefix.length), 10);
    return Number.isNaN(i) ? undefined : nameAt(i);
  };
  const unread = new Set<string>();
  parsed.forEach((l, i) => {
    const name = nameAt(i);
    if ((!l || !l.config) && name) unread.add(name);
  });
  return foldByCause(errors, layerOf, unread);
}

interface ParsedLayer {
  path: string;
  className: string;
  name: string | undefined;
  config: LayerConfig | null;
  raw: JsonObject;
  entry: JsonObject;
  /** A keras.src.ops.numpy op (keras-ops.ts): its tensors are in every call argument, not just the first. */
  op?: boolean;
  /** A nested Sequential or Functional model, read as a document of its own (flattened in by makeNodes). */
  sub?: ModelDocument;
}

/**
 * A nested model read as a document (its own nested models already groups of it, at any depth); makeNodes flattens
 * it into the outer one as a group. Its input layers stay in
 * the document as stand-ins until spliceStandIns connects what fed the sub-model straight to its first layers.
 */
function parseSubModel(
  entry: JsonObject,
  name: string | undefined,
  path: string,
  errors: FormatError[],
  warnings: FormatError[],
): ParsedLayer | null {
  const read = readKerasModel(entry, path);
  warnings.push(...read.warnings);
  if (!read.document) {
    errors.push(...read.errors);
    return null;
  }
  const sub = read.document;
  const outputs = infer(sub).outputs;
  if (outputs.length !== 1) {
    errors.push({
      message: `the nested model ${quote(name)} has ${outputs.length} outputs; LayerCanvas nests models with one`,
      path: joinPath(path, 'config'),
    });
    return null;
  }
  const className = sub.modelClass === 'Sequential' ? 'Sequential' : 'Functional';
  return { path, className, name: name ?? sub.name, config: {}, raw: {}, entry, sub };
}

function parseLayer(entry: unknown, path: string, errors: FormatError[], warnings: FormatError[]): ParsedLayer | null {
  if (!isObject(entry) || typeof entry.class_name !== 'string') {
    errors.push({ message: `expected a layer {"class_name", "config"}, got ${quote(entry)}`, path });
    return null;
  }
  let className = entry.class_name;
  let raw = isObject(entry.config) ? entry.config : {};
  const name = typeof raw.name === 'string' ? raw.name : typeof entry.name === 'string' ? entry.name : undefined;
  const op = entry.module === OPS_MODULE;
  if (op) {
    const read = readKerasOp(entry, name, path);
    if (!read.ok) {
      errors.push({ message: read.message, hint: read.hint, path: read.path });
      return null;
    }
    className = read.className;
    raw = read.config;
  }
  if (MODEL_CLASSES.has(className)) return parseSubModel(entry, name, path, errors, warnings);
  const def = getLayer(className);
  if (!def) {
    errors.push({
      message: `'${className}' is not a layer LayerCanvas knows`,
      hint: 'replace it with a supported layer, or remove it',
      path: joinPath(path, 'class_name'),
    });
    return null;
  }
  const cpath = joinPath(path, 'config');
  let given = raw;
  if (className === 'InputLayer') {
    const shaped = inputShapeOf(raw, cpath, errors);
    if (!shaped) return null;
    given = { ...raw, shape: shaped.shape, batch_size: shaped.batchSize };
  }
  const read = readLayerConfig(def, given, cpath);
  errors.push(...read.errors);
  warnings.push(...read.warnings);
  return { path, className, name, config: read.errors.length ? null : read.config, raw, entry, op };
}

/** The input shape a layer config carries: `batch_shape` (Keras 3), `batch_input_shape` (tf.keras 2), `input_shape`. */
function inputShapeOf(
  raw: JsonObject,
  path: string,
  errors: FormatError[],
): { shape: unknown[]; batchSize: unknown } | null {
  for (const key of ['batch_shape', 'batch_input_shape']) {
    const v = raw[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.length < 2) {
      errors.push({
        message: `${key} must list the batch size and at least one dimension, got ${quote(v)}`,
        path: joinPath(path, key),
      });
      return null;
    }
    return { shape: v.slice(1), batchSize: v[0] };
  }
  if (Array.isArray(raw.input_shape)) return { shape: raw.input_shape, batchSize: null };
  if (typeof raw.input_dim === 'number') return { shape: [raw.input_dim], batchSize: null };
  return null;
}

function hasInputShape(raw: JsonObject): boolean {
  return ['batch_shape', 'batch_input_shape', 'input_shape', 'input_dim'].some(
    (k) => raw[k] !== undefined && raw[k] !== null,
  );
}

function makeNode(i: number, l: ParsedLayer): DocNode {
  const node: DocNode = { id: `n${i}`, className: l.className, config: l.config as LayerConfig };
  if (l.name) node.name = l.name;
  return node;
}

/** What one layer entry adds to the outer model: its node, or a nested model's nodes, edges and groups. */
interface Made {
  nodes: DocNode[];
  edges: DocEdge[];
  /** The nested model's group, then the groups nested in it (their parents renamed with them). */
  groups?: DocGroup[];
  /** The nodes standing for the sub-model's inputs, in its input order: the outer call's tensors feed them. */
  inputs: string[];
  /** The node whose output is the entry's output. */
  output: string;
}

function makeNodes(i: number, l: ParsedLayer): Made {
  if (!l.sub) {
    const node = makeNode(i, l);
    return { nodes: [node], edges: [], inputs: [node.id], output: node.id };
  }
  const sub = l.sub;
  const id = (inner: string) => `n${i}_${inner}`;
  const group: DocGroup = { id: `g${i}`, className: l.className as DocGroup['className'], name: l.name as string };
  const inference = infer(sub);
  const inputs = inference.inputs.map(id);
  const inner = (sub.groups ?? []).map((g) => ({ ...g, id: id(g.id), parent: g.parent ? id(g.parent) : group.id }));
  const nodes = sub.nodes.map((n) => {
    const node: DocNode = { ...n, id: id(n.id) };
    if (!inputs.includes(node.id)) node.group = n.group ? id(n.group) : group.id;
    return node;
  });
  const edges = sub.edges.map((e) => ({ ...e, id: id(e.id), source: id(e.source), target: id(e.target) }));
  return { nodes, edges, groups: [group, ...inner], inputs, output: id(inference.outputs[0]) };
}

/**
 * Removes the stand-ins of the nested models' inputs: each edge out of one now starts where the stand-in's one input
 * came from, in place, so a merge layer keeps the order of its inputs. A stand-in nothing feeds (a nested model
 * first in a Sequential) stays as the model's input.
 */
function spliceStandIns(
  nodes: DocNode[],
  edges: DocEdge[],
  standIns: Set<string>,
): { nodes: DocNode[]; edges: DocEdge[] } {
  const feeder = new Map<string, string>();
  for (const e of edges) if (standIns.has(e.target)) feeder.set(e.target, e.source);
  const resolve = (id: string): string => {
    let at = id;
    while (feeder.has(at)) at = feeder.get(at)!;
    return at;
  };
  return {
    nodes: nodes.filter((n) => !feeder.has(n.id)),
    edges: edges.filter((e) => !feeder.has(e.target)).map((e) => ({ ...e, source: resolve(e.source) })),
  };
}

function buildSequential(
  parsed: (ParsedLayer | null)[],
  config: JsonObject,
  lpath: string,
  errors: FormatError[],
): ({ nodes: DocNode[]; edges: DocEdge[] } & Nested) | null {
  if (parsed.some((p) => !p || !p.config)) return null;
  const layers = parsed as ParsedLayer[];
  const nodes: DocNode[] = [];
  if (layers.length === 0 || layers[0].className !== 'InputLayer') {
    // tf.keras 2 puts the input shape on the first layer; Keras 3 without an Input keeps build_input_shape.
    const first = layers[0];
    const source =
      first && hasInputShape(first.raw)
        ? first.raw
        : Array.isArray(config.build_input_shape)
          ? { batch_shape: config.build_input_shape }
          : null;
    const shaped = source ? inputShapeOf(source, first ? joinPath(lpath, 0) : lpath, errors) : null;
    if (!shaped) {
      errors.push({
        message: 'the Sequential model has no input shape',
        hint: 'give the first layer an input shape (keras.Input(shape=...)) before saving',
        path: first ? joinPath(joinPath(lpath, 0), 'config') : lpath,
      });
      return null;
    }
    const def = getLayer('InputLayer')!;
    const read = readLayerConfig(
      def,
      { shape: shaped.shape, batch_size: shaped.batchSize },
      joinPath(joinPath(lpath, 0), 'config'),
    );
    if (read.errors.length) {
      errors.push(...read.errors);
      return null;
    }
    nodes.push({ id: 'n_input', className: 'InputLayer', config: read.config });
  }
  const edges: DocEdge[] = [];
  const nested: Nested = { groups: [], standIns: new Set() };
  let last: string | null = nodes[0]?.id ?? null;
  layers.forEach((l, i) => {
    if (l.className === 'InputLayer' && i > 0)
      errors.push({ message: 'a Sequential model can only start with an InputLayer', path: joinPath(lpath, i) });
    const made = makeNodes(i, l);
    if (made.inputs.length !== 1)
      errors.push({
        message: `the nested model ${quote(l.name)} takes ${made.inputs.length} inputs, but a Sequential model passes one`,
        path: joinPath(lpath, i),
      });
    if (last) edges.push({ id: `e${edges.length}`, source: last, target: made.inputs[0] });
    nodes.push(...made.nodes);
    edges.push(...made.edges);
    noteNested(made, nested);
    last = made.output;
  });
  return { nodes, edges, ...nested };
}

/** The nested models met while building: their groups, and their inputs' stand-ins (spliceStandIns). */
interface Nested {
  groups: DocGroup[];
  standIns: Set<string>;
}

function noteNested(made: Made, nested: Nested): void {
  if (!made.groups) return;
  nested.groups.push(...made.groups);
  for (const id of made.inputs) nested.standIns.add(id);
}

interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
  path: string;
}

function buildFunctional(
  parsed: (ParsedLayer | null)[],
  config: JsonObject,
  cpath: string,
  errors: FormatError[],
  warnings: FormatError[],
): ({ nodes: DocNode[]; edges: DocEdge[] } & Nested) | null {
  const byName = new Map<string, string>();
  const nodes: DocNode[] = [];
  const inner: DocEdge[] = [];
  const nested: Nested = { groups: [], standIns: new Set() };
  const inbound: { ids: string[]; refs: TensorRef[]; path: string }[] = [];
  parsed.forEach((l, i) => {
    if (!l) return;
    const made = makeNodes(i, l);
    if (l.name) byName.set(l.name, made.output);
    else
      errors.push({
        message: 'a layer of a functional model needs a name (its inputs are given by name)',
        path: joinPath(l.path, 'config'),
      });
    nodes.push(...made.nodes);
    inner.push(...made.edges);
    noteNested(made, nested);
    inbound.push({
      ids: made.groups ? made.inputs : [made.output],
      refs: inboundRefs(l, errors, warnings),
      path: l.path,
    });
  });
  const subModels = new Set(parsed.flatMap((l) => (l?.sub && l.name ? [l.name] : [])));
  const edges: DocEdge[] = [];
  for (const { ids, refs, path } of inbound) {
    // A nested model's k-th input tensor feeds the stand-in of its k-th input; a layer takes all of them.
    if (ids.length > 1 && refs.length !== ids.length)
      errors.push({
        message: `the nested model is called on ${refs.length} tensors but takes ${ids.length} inputs`,
        path: joinPath(path, 'inbound_nodes'),
      });
    for (const [k, r] of refs.entries()) {
      const id = ids[Math.min(k, ids.length - 1)];
      const source = byName.get(r.layer);
      if (!source) errors.push({ message: `the input ${quote(r.layer)} is not a layer of this model`, path: r.path });
      // TF.js names a nested model's one call node 1 (its node 0 is the model's own graph).
      else if (r.node !== 0 && !(r.node === 1 && subModels.has(r.layer)))
        errors.push({
          message: `the input ${quote([r.layer, r.node, r.tensor])} uses call ${r.node} of a shared layer, which LayerCanvas cannot draw`,
          path: r.path,
        });
      // Output r.tensor of a layer with several (an RNN's return_state states); inference checks it has that many.
      else edges.push({ id: `e${edges.length}`, source, target: id, ...(r.tensor ? { sourceOutput: r.tensor } : {}) });
    }
  }
  const ends = (key: string, mustBeInput: boolean) => {
    const list = config[key];
    const path = joinPath(cpath, key);
    if (list === undefined) return;
    const refs = tensorList(list, path);
    if (!refs) {
      errors.push({
        message: `${key} must list [layer name, node index, tensor index] entries, got ${quote(list)}`,
        path,
      });
      return;
    }
    for (const r of refs) {
      const id = byName.get(r.layer);
      if (!id)
        errors.push({ message: `${key} names ${quote(r.layer)}, which is not a layer of this model`, path: r.path });
      else if (!mustBeInput && r.tensor !== 0)
        errors.push({
          message: `${key} names output ${r.tensor} of ${quote(r.layer)}: LayerCanvas takes a layer's first output as a model output`,
          hint: 'make the model output a layer fed by that output (e.g. an Activation("linear"))',
          path: r.path,
        });
      else if (mustBeInput && nodes.find((n) => n.id === id)?.className !== 'InputLayer')
        errors.push({ message: `${key} names ${quote(r.layer)}, which is not an InputLayer`, path: r.path });
      else if (!mustBeInput && edges.some((e) => e.source === id))
        warnings.push({
          message: `the output ${quote(r.layer)} also feeds other layers; LayerCanvas takes the layers nothing consumes as the outputs`,
          path: r.path,
        });
    }
  };
  ends('input_layers', true);
  ends('output_layers', false);
  for (const e of inner) edges.push({ ...e, id: `e${edges.length}` });
  return errors.length ? null : { nodes, edges, ...nested };
}

/** The tensors a functional layer is called on: tf.keras 2 `[[["a", 0, 0, {}], …]]` or Keras 3 `[{"args", "kwargs"}]`. */
function inboundRefs(l: ParsedLayer, errors: FormatError[], warnings: FormatError[]): TensorRef[] {
  const path = joinPath(l.path, 'inbound_nodes');
  const nodesData = l.entry.inbound_nodes;
  if (nodesData === undefined || (Array.isArray(nodesData) && nodesData.length === 0)) return [];
  if (!Array.isArray(nodesData)) {
    errors.push({ message: `inbound_nodes must be a list, got ${quote(nodesData)}`, path });
    return [];
  }
  if (nodesData.length > 1) {
    errors.push(
      l.sub
        ? {
            message: `the nested model ${quote(l.name)} is called ${nodesData.length} times (its weights shared), which LayerCanvas cannot draw`,
            hint: 'use a separate copy of the model for each call',
            path,
          }
        : {
            message: `layer ${quote(l.name)} is called ${nodesData.length} times (a shared layer), which LayerCanvas cannot draw`,
            hint: 'use a separate layer for each call',
            path,
          },
    );
    return [];
  }
  const call = nodesData[0];
  const cpath = joinPath(path, 0);
  if (Array.isArray(call)) {
    const refs: TensorRef[] = [];
    call.forEach((t, i) => {
      const r = keras2Ref(t, joinPath(cpath, i));
      if (r) refs.push(r);
      else
        errors.push({
          message: `expected an input [layer name, node index, tensor index, kwargs], got ${quote(t)}`,
          path: joinPath(cpath, i),
        });
      const given = Array.isArray(t) && isObject(t[3]) ? t[3].initial_state : undefined;
      if (given !== undefined && given !== null) {
        const at = joinPath(joinPath(joinPath(cpath, i), 3), 'initial_state');
        if (!takesStates(l, errors, at)) return;
        if (Array.isArray(given))
          given.forEach((s, k) => {
            const r = keras2Ref(s, joinPath(at, k));
            if (r) refs.push(r);
            else
              errors.push({
                message: `expected a state tensor [layer name, node index, tensor index], got ${quote(s)}`,
                path: joinPath(at, k),
              });
          });
        else errors.push({ message: `initial_state must be a list of tensors, got ${quote(given)}`, path: at });
      } else if (Array.isArray(t) && isObject(t[3]) && Object.values(t[3]).some((v) => v !== null))
        warnings.push({ message: `call arguments ${quote(t[3])} are ignored`, path: joinPath(joinPath(cpath, i), 3) });
    });
    return refs;
  }
  if (isObject(call) && Array.isArray(call.args)) {
    const refs: TensorRef[] = [];
    (l.op ? call.args : call.args.slice(0, 1)).forEach((a, i) =>
      collectKeras3Refs(a, joinPath(joinPath(cpath, 'args'), i), refs),
    );
    if (refs.length === 0)
      errors.push({
        message: `expected the layer's input tensors, got ${quote(call.args)}`,
        path: joinPath(cpath, 'args'),
      });
    const given = isObject(call.kwargs) ? call.kwargs.initial_state : undefined;
    if (given !== undefined && given !== null) {
      // Keras 3's RNN call: initial_state=[h, c] as a kwarg, its tensors following the sequence as our inputs 1, 2.
      const at = joinPath(joinPath(cpath, 'kwargs'), 'initial_state');
      if (takesStates(l, errors, at)) {
        const states: TensorRef[] = [];
        collectKeras3Refs(given, at, states);
        if (states.length === 0)
          errors.push({ message: `initial_state must be a list of tensors, got ${quote(given)}`, path: at });
        refs.push(...states);
      }
    }
    const rest = isObject(call.kwargs) ? Object.entries(call.kwargs).filter(([k]) => k !== 'initial_state') : [];
    if (rest.some(([, v]) => v !== null && v !== false))
      warnings.push({ message: `call arguments ${quote(call.kwargs)} are ignored`, path: joinPath(cpath, 'kwargs') });
    return refs;
  }
  errors.push({ message: `expected an inbound node, got ${quote(call)}`, path: cpath });
  return [];
}

/** Whether the layer takes initial_state (LSTM, GRU); else the error, at the initial_state given. */
function takesStates(l: ParsedLayer, errors: FormatError[], path: string): boolean {
  if (getLayer(l.className)?.stateInputs) return true;
  errors.push({
    message: `layer ${quote(l.name)} (${l.className}) is called with an initial_state, which LayerCanvas computes for LSTM and GRU only`,
    hint: 'drop initial_state, or call an LSTM or GRU with it',
    path,
  });
  return false;
}

function keras2Ref(t: unknown, path: string): TensorRef | null {
  if (Array.isArray(t) && t.length >= 3 && typeof t[0] === 'string' && Number.isInteger(t[1]) && Number.isInteger(t[2]))
    return { layer: t[0], node: t[1] as number, tensor: t[2] as number, path };
  return null;
}

function collectKeras3Refs(v: unknown, path: string, out: TensorRef[]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => collectKeras3Refs(x, joinPath(path, i), out));
    return;
  }
  if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config)) {
    const r = keras2Ref(v.config.keras_history, joinPath(joinPath(path, 'config'), 'keras_history'));
    if (r) out.push(r);
  }
}

/** `input_layers`/`output_layers`: a list of [name, node, tensor], or (one tensor) the triple itself. */
function tensorList(list: unknown, path: string): TensorRef[] | null {
  if (!Array.isArray(list)) return null;
  const single = keras2Ref(list, path);
  if (single) return [single];
  const refs = list.map((t, i) => keras2Ref(t, joinPath(path, i)));
  return refs.every((r) => r) ? (refs as TensorRef[]) : null;
}

/** A name two layers share once the nested models are flattened in (groups' names included), or null. */
function firstNameClash(nodes: DocNode[], groups: DocGroup[]): string | null {
  const seen = new Set<string>();
  for (const name of [...groups.map((g) => g.name), ...nodes.map((n) => n.name)]) {
    if (!name) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return null;
}

function checkNames(parsed: (ParsedLayer | null)[], errors: FormatError[]): void {
  const seen = new Map<string, string>();
  for (const l of parsed) {
    if (!l?.name) continue;
    const first = seen.get(l.name);
    if (first)
      errors.push({
        message: `the layer name ${quote(l.name)} is used twice (first at ${first})`,
        hint: 'Keras needs unique layer names',
        path: joinPath(joinPath(l.path, 'config'), 'name'),
      });
    else seen.set(l.name, l.path);
  }
}

// ---------- writing ----------

/** The layers in the order Keras lists them: a Sequential chain from its input, or the topological order. */
function orderedIds(doc: ModelDocument, inference: Inference): string[] {
  const ordered = new Set(inference.order);
  return [...inference.order, ...doc.nodes.map((n) => n.id).filter((id) => !ordered.has(id))];
}

/** `model.to_json()` of the document as an object: Keras 3's form, or tf.keras 2's (what TF.js reads). */
export function writeKerasModel(
  doc: ModelDocument,
  flavor: Flavor,
  inference: Inference = infer(doc),
  options: {
    /** Shared with the models nested in this one (Keras numbers their Inputs depth first). */
    inputNumbers?: { next: number };
    /**
     * The node of a nested model that the outer model's layers take: 0 as tf.keras 2 writes it, 1 as TF.js does
     * (its node 0 is the nested model's own graph, and tf.loadLayersModel fails on 0).
     */
    nestedNode?: number;
  } = {},
): Record<string, unknown> {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const keras3 = flavor === 'keras3';
  // Nested models go back as sub-models (groups.ts), a model's config in place of a layer's, as Keras 3 and tf.keras
  // 2 (so TF.js) write them.
  const units = doc.groups?.length ? unitGraph(doc, inference) : null;
  const groupOf = (id: string) => units?.groups.get(units.unitOf(id));
  // A tensor is named by the layer Keras sees make it: a nested model's output by the nested model.
  const nameOf = (id: string) => groupOf(id)?.group.name ?? inference.nodes.get(id)?.name ?? id;
  const ids = [...new Set(orderedIds(doc, inference).map((id) => units?.unitOf(id) ?? id))];
  // Each input as [layer, tensor index]: a layer fed by another's state output (return_state) names that output.
  const incomingOf = (id: string): { source: string; output: number }[] =>
    units?.groups.get(id)?.sources.map((source) => ({ source, output: 0 })) ??
    (inference.topology.incoming.get(id) ?? []).map((e) => ({ source: e.source, output: e.sourceOutput ?? 0 }));
  const sequential = inference.modelClass === 'Sequential';
  // Keras numbers Input layers model-wide as they are made: the outer model's first, then each nested model's.
  // A model nested deeper is made (and its Input numbered) while the model around it is: depth first.
  const numbers = options.inputNumbers ?? { next: inference.inputs.length };
  const nodeOf = (id: string) => (groupOf(id) ? (options.nestedNode ?? 0) : 0);
  const inputNames = (view: GroupView) => view.sources.map(() => `input_layer_${numbers.next++}`);
  const entry = (id: string): Record<string, unknown> => {
    const view = units?.groups.get(id);
    // Keras writes a nested model's (empty) compile_config too, after its build_config.
    if (view) {
      const sub = subDocument(doc, inference, view, inputNames(view));
      const model = writeKerasModel(sub, flavor, infer(sub), { ...options, inputNumbers: numbers });
      return keras3 ? { ...model, compile_config: {} } : model;
    }
    const node = byId.get(id)!;
    const def = getLayer(node.className);
    const info = inference.nodes.get(id);
    const shapes = info?.inputShapes.map((s) => (s ? [...s] : null)) ?? [];
    const buildInput = shapes.length === 1 ? shapes[0] : shapes;
    const config = def
      ? writeLayerConfig(def, node.config, nameOf(id), flavor, keras3 ? buildInput : undefined)
      : { name: nameOf(id), ...node.config };
    const module = def?.keras.module;
    const out: Record<string, unknown> = keras3
      ? {
          module: module ?? 'keras.layers',
          class_name: node.className,
          config,
          registered_name: module ? node.className : null,
        }
      : { class_name: node.className, config };
    if (keras3 && node.className !== 'InputLayer' && !def?.keras.noBuild && info)
      // An RNN called with initial_state is built, as Keras builds it, from its call's shapes by argument name.
      out.build_config =
        def?.stateInputs && shapes.length > 1
          ? { shapes_dict: { sequences_shape: shapes[0], initial_state_shape: shapes.slice(1) } }
          : { input_shape: buildInput };
    return out;
  };
  const inputShape = (id: string | undefined, output = 0) => {
    const info = id ? inference.nodes.get(id) : undefined;
    const s = info ? outputOf(info, output) : null;
    return s ? [...s] : null;
  };

  if (sequential) {
    const layers = ids.map(entry);
    if (!keras3) {
      // tf.keras 2 also repeats the input shape on the first real layer, as TF.js expects.
      const first = layers[1]?.config as Record<string, unknown> | undefined;
      // (Not on a nested model: its own InputLayer carries the shape.)
      if (first && !Array.isArray(first.layers)) first.batch_input_shape = inputShape(inference.inputs[0]);
      return { class_name: 'Sequential', config: { name: doc.name, layers } };
    }
    const shape = inputShape(inference.inputs[0]);
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    // A Sequential with no layer after its Input (or no Input) is not built: Keras writes neither shape.
    if (!shape || layers.length < 2)
      return {
        module: 'keras',
        class_name: 'Sequential',
        config: { name: doc.name, trainable: true, dtype, layers },
        registered_name: null,
      };
    return {
      module: 'keras',
      class_name: 'Sequential',
      config: { name: doc.name, trainable: true, dtype, layers, build_input_shape: shape },
      registered_name: null,
      build_config: { input_shape: shape },
    };
  }

  // Keras 3 writes a model built on one tensor (keras.Model(inputs=x, …), as the keras-py export does) as that
  // tensor's triple, a list of tensors as a list; tf.keras 2 always as a list.
  const ends = (list: string[]) => {
    const triples = list.map((id) => [nameOf(id), nodeOf(id), 0]);
    return keras3 && triples.length === 1 ? triples[0] : triples;
  };
  // A tensor is float32 unless its layer says otherwise (an Input of int32 token ids).
  const dtypeOf = (id: string) => {
    const dtype = byId.get(id)?.config.dtype;
    return typeof dtype === 'string' ? dtype : 'float32';
  };
  const layers = ids.map((id) => {
    const e = entry(id);
    const incoming = incomingOf(id);
    const view = units?.groups.get(id);
    e.name = view ? view.group.name : nameOf(id);
    if (incoming.length === 0) e.inbound_nodes = [];
    else if (keras3) {
      const tensors = incoming.map((ref) => ({
        class_name: '__keras_tensor__',
        config: {
          shape: inputShape(ref.source, ref.output),
          dtype: dtypeOf(ref.source),
          keras_history: [nameOf(ref.source), 0, ref.output],
        },
      }));
      // A model is called on its one tensor, or on the list of them; Keras records its mask argument.
      const def = view ? undefined : getLayer(byId.get(id)!.className);
      const many = view ? tensors.length > 1 : def?.arity === 'many';
      // An RNN's states after its sequence: Keras's `layer(x, initial_state=[h, c])`, whose node to_json writes
      // with that kwarg alone (no training or mask).
      const states = def?.stateInputs && tensors.length > 1 ? tensors.splice(1) : null;
      const kwargs = view ? { mask: null } : states ? { initial_state: states } : { ...def?.keras.callKwargs };
      e.inbound_nodes = [{ args: many ? [tensors] : tensors, kwargs }];
    } else {
      // tf.keras 2 writes an RNN's initial_state in the call kwargs of its sequence's entry.
      const def = view ? undefined : getLayer(byId.get(id)!.className);
      const refs = incoming.map((ref): unknown[] => [nameOf(ref.source), nodeOf(ref.source), ref.output, {}]);
      if (def?.stateInputs && refs.length > 1)
        refs.splice(0, refs.length, [
          ...refs[0].slice(0, 3),
          { initial_state: refs.slice(1).map((r) => r.slice(0, 3)) },
        ]);
      e.inbound_nodes = [refs];
    }
    return e;
  });
  const config = {
    name: doc.name,
    trainable: true,
    layers,
    input_layers: ends(inference.inputs),
    output_layers: ends(inference.outputs),
  };
  if (!keras3) return { class_name: 'Functional', config };
  // Keras 3.15 refuses a Functional whose module is 'keras' ("not a KerasSaveable subclass"): this is its own form.
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config,
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}
