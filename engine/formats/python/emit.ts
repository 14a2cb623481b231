/**
 * Writing a document as Keras Python that runs as is: a Sequential list for a chain, otherwise functional code
 * with one variable per layer in topological order. Only non-default arguments are written, required ones
 * positionally in Keras's order. A document with errors is still written, with its problems listed on top.
 */
import { formatProblem } from '../../core/problems';
import type { DocNode, ModelDocument } from '../../graph/document';
import { subDocument, unitGraph, type UnitGraph } from '../../graph/groups';
import { infer, type Inference } from '../../graph/inference';
import { assignNames } from '../../graph/naming';
import { allFields, extraOutputCount, isDefaultValue } from '../../layers/config';
import { getLayer } from '../../layers/registry';
import type { ConfigValue } from '../../layers/types';
import type { ExportOptions } from '../types';
import { PY_KEYWORDS } from './expressions';
import { olderSpelling } from '../../layers/keras-args';
import { signatureOf } from './layer-args';
import { fieldLiteral, pythonString } from './literals';
import { weightsLoaderLines } from './weights-loader';

const INDENT = '    ';
/** Names the exported code itself uses. */
const RESERVED = new Set(['keras', 'layers', 'model', 'tf', 'tensorflow']);

export function emitPython(doc: ModelDocument, options: ExportOptions = {}): string {
  const flavor = options.flavor ?? 'keras3';
  const inference = infer(doc);
  const lines: string[] = [...problemHeader(inference)];
  lines.push(
    ...(flavor === 'tf.keras'
      ? ['from tensorflow import keras', 'from tensorflow.keras import layers']
      : ['import keras', 'from keras import layers']),
  );
  // Layers Keras keeps outside keras.layers (LayerScale, in keras.applications.convnext) are imported by name.
  const outside = new Set(
    doc.nodes
      .map((n) => getLayer(n.className))
      .filter((d) => d?.keras.module)
      .map((d) => `from ${d!.keras.module} import ${d!.className}`),
  );
  lines.push(...[...outside].sort(), '');
  const units = doc.groups?.length ? unitGraph(doc, inference) : undefined;
  // Nested models are made first, so Keras's automatic names would follow another order: every name is written.
  const names = units
    ? new Map(doc.nodes.map((n) => [n.id, inference.nodes.get(n.id)?.name]))
    : exportNames(doc, inference);
  const ctx: EmitContext = { flavor, names, units, groupVars: new Map() };
  if (units) lines.push(...nestedModels(doc, inference, ctx));
  if (inference.modelClass === 'Sequential' || doc.nodes.length === 0) lines.push(...sequential(doc, inference, ctx));
  else lines.push(...functional(doc, inference, ctx));
  if (options.weightsFile !== undefined) lines.push(...weightsLoaderLines(doc, inference, options.weightsFile));
  lines.push('', 'model.summary()', '');
  return lines.join('\n');
}

interface EmitContext {
  flavor: 'keras3' | 'tf.keras';
  /** The `name=` to write for each node: the user's, or Keras's automatic one where writing order would change it. */
  names: Map<string, string | undefined>;
  /** The nested models (groups.ts), each written as a model of its own and called as one layer. */
  units?: UnitGraph;
  /** The Python variable holding each nested model, by group id. */
  groupVars: Map<string, string>;
}

/**
 * Each nested model as Keras code builds one: `stem = keras.Sequential([keras.Input(…), …], name="stem")`, or its
 * functional code ending in `block = keras.Model(…, name="block")`, before the model that calls it.
 */
function nestedModels(
  doc: ModelDocument,
  inference: Inference,
  ctx: EmitContext,
  taken: Set<string> = new Set(variableNames(doc, inference).values()),
): string[] {
  const lines: string[] = [];
  for (const u of ctx.units!.order) {
    const view = ctx.units!.groups.get(u);
    if (!view) continue;
    const sub = subDocument(doc, inference, view);
    const subInference = infer(sub);
    const subCtx: EmitContext = {
      ...ctx,
      names: new Map(sub.nodes.map((n) => [n.id, n.name])),
      units: sub.groups?.length ? unitGraph(sub, subInference) : undefined,
      groupVars: new Map(),
    };
    // A model nested in this one is made before it, as Keras code does.
    if (subCtx.units) lines.push(...nestedModels(sub, subInference, subCtx, taken));
    const v = pythonVariable(view.group.name, taken);
    ctx.groupVars.set(u, v);
    const body =
      subInference.modelClass === 'Sequential'
        ? sequential(sub, subInference, subCtx, v)
        : functional(sub, subInference, subCtx, v);
    lines.push(...body, '');
  }
  return lines;
}

function problemHeader(inference: Inference): string[] {
  const errors = inference.problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return [];
  const label = (id: string | null) => (id ? inference.nodes.get(id)?.name : undefined);
  return [
    `# LayerCanvas: this model has ${errors.length} problem${errors.length === 1 ? '' : 's'}; Keras will refuse it until ${errors.length === 1 ? 'it is' : 'they are'} fixed:`,
    ...errors.map((p) => `# - ${formatProblem(p, label(p.nodeId)).replace(/[\r\n]+/g, ' ')}`),
    '',
  ];
}

/**
 * Keras names layers by construction order; the exported code constructs them in writing order, which may differ
 * from the document's. Where the automatic name would change, the original is written out.
 */
function exportNames(doc: ModelDocument, inference: Inference): Map<string, string | undefined> {
  const original = assignNames(doc.nodes);
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const written = writingOrder(doc, inference).map((id) => byId.get(id)!);
  const out = new Map<string, string | undefined>(written.map((n) => [n.id, n.name]));
  // Each written name also takes that name from the automatic sequence, so repeat until nothing moves; every round
  // pins at least one more name, so this ends within n rounds (one or two in practice).
  for (let round = 0; round <= written.length; round++) {
    const imported = assignNames(written.map((n) => ({ ...n, name: out.get(n.id) })));
    const moved = written.filter((n) => imported.get(n.id) !== original.get(n.id));
    if (moved.length === 0) break;
    for (const n of moved) out.set(n.id, original.get(n.id));
  }
  return out;
}

/**
 * The document's own order when every connection already runs forward in it (the order the user made the layers,
 * which Keras's names follow); otherwise a topological order. Nodes on cycles come last.
 */
function writingOrder(doc: ModelDocument, inference: Inference): string[] {
  const index = new Map(doc.nodes.map((n, i) => [n.id, i]));
  const forward =
    inference.topology.cycles.length === 0 &&
    doc.edges.every((e) => !index.has(e.source) || !index.has(e.target) || index.get(e.source)! < index.get(e.target)!);
  if (forward) return doc.nodes.map((n) => n.id);
  const ordered = new Set(inference.order);
  return [...inference.order, ...doc.nodes.map((n) => n.id).filter((id) => !ordered.has(id))];
}

function sequential(doc: ModelDocument, inference: Inference, ctx: EmitContext, target = 'model'): string[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const written = new Set<string>();
  const items = writingOrder(doc, inference).flatMap((id) => {
    const group = ctx.units?.unitOf(id);
    if (group && group !== id) {
      if (written.has(group)) return [];
      written.add(group);
      return [`${INDENT}${ctx.groupVars.get(group)},`];
    }
    const node = byId.get(id)!;
    const line = `${layerExpression(node, ctx)},`;
    return getLayer(node.className) ? `${INDENT}${line}` : `${INDENT}# ${line}  # not a layer LayerCanvas knows`;
  });
  const name = doc.name && doc.name !== 'sequential' ? `, name=${pythonString(doc.name)}` : '';
  if (items.length === 0) return [`${target} = keras.Sequential([]${name})`];
  return [`${target} = keras.Sequential([`, ...items, `]${name})`];
}

function functional(doc: ModelDocument, inference: Inference, ctx: EmitContext, target = 'model'): string[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const vars = variableNames(doc, inference);
  // A layer with several outputs (return_state) is unpacked as Keras returns them: lstm, lstm_state1, lstm_state2.
  const taken = new Set(vars.values());
  const outputVars = new Map<string, string[]>();
  const byNode = new Map(doc.nodes.map((n) => [n.id, n]));
  for (const [id, v] of vars) {
    // From the config, not inference: a layer with an error still returns its list, as the code reads back.
    const node = byNode.get(id);
    const def = node && getLayer(node.className);
    const extra = def ? extraOutputCount(def, node.config) : 0;
    if (extra === 0) continue;
    const names = [v];
    for (let k = 1; k <= extra; k++) {
      let name = `${v}_state${k}`;
      while (taken.has(name)) name = `${name}_`;
      taken.add(name);
      names.push(name);
    }
    outputVars.set(id, names);
  }
  const varOf = (e: { source: string; sourceOutput?: number }) =>
    outputVars.get(e.source)?.[e.sourceOutput ?? 0] ?? vars.get(e.source);
  const lines: string[] = [];
  const tensors = new Set<string>();
  for (const id of writingOrder(doc, inference)) {
    const node = byId.get(id)!;
    const v = vars.get(id)!;
    const view = ctx.units?.groups.get(ctx.units.unitOf(id));
    if (view) {
      // A nested model is called once, where its output is made, on the tensors that feed it.
      if (id !== view.output) continue;
      const ready = view.sources.length > 0 && view.sources.every((s) => tensors.has(s));
      const arg =
        view.sources.length === 1 ? vars.get(view.sources[0]) : `[${view.sources.map((s) => vars.get(s)).join(', ')}]`;
      const call = `${v} = ${ctx.groupVars.get(view.group.id)}(${arg})`;
      lines.push(ready ? call : `${call}  # its inputs are not connected (or form a cycle)`);
      if (ready) tensors.add(id);
      continue;
    }
    const expr = layerExpression(node, ctx);
    if (node.className === 'InputLayer') {
      lines.push(`${v} = ${expr}`);
      tensors.add(id);
      continue;
    }
    const incoming = inference.topology.incoming.get(id)!;
    const sources = incoming.map((e) => e.source);
    const def = getLayer(node.className);
    if (!def || sources.length === 0 || !sources.every((s) => tensors.has(s))) {
      const why = !def
        ? 'not a layer LayerCanvas knows'
        : sources.length === 0
          ? 'not connected to any input'
          : 'its inputs are not connected (or form a cycle)';
      lines.push(`${def ? `${v} = ${expr}` : `# ${v} = ${expr}`}  # ${why}`);
      continue;
    }
    const states = def.stateInputs && incoming.length > 1 ? incoming.slice(1) : [];
    const arg = states.length
      ? `${varOf(incoming[0])}, initial_state=[${states.map(varOf).join(', ')}]`
      : def.arity === 'many' || sources.length > 1
        ? `[${incoming.map(varOf).join(', ')}]`
        : varOf(incoming[0]);
    lines.push(`${outputVars.get(id)?.join(', ') ?? v} = ${expr}(${arg})`);
    tensors.add(id);
  }
  const list = (ids: string[]) =>
    ids.length === 1 ? vars.get(ids[0])! : `[${ids.map((i) => vars.get(i)).join(', ')}]`;
  const inputs = inference.inputs.filter((i) => tensors.has(i));
  const outputs = inference.outputs.filter((o) => tensors.has(o));
  const name = doc.name && doc.name !== 'functional' ? `, name=${pythonString(doc.name)}` : '';
  lines.push(
    `${target} = keras.Model(inputs=${list(inputs)}, outputs=${list(outputs.length ? outputs : inputs)}${name})`,
  );
  return lines;
}

/** Python variables named after the layers (`conv2d_1`), made valid identifiers and unique. */
function variableNames(doc: ModelDocument, inference: Inference): Map<string, string> {
  const taken = new Set<string>();
  const out = new Map<string, string>();
  for (const n of doc.nodes)
    out.set(n.id, pythonVariable(inference.nodes.get(n.id)?.name ?? n.className.toLowerCase(), taken));
  return out;
}

/** A valid identifier from a layer's name, unused so far (then taken). */
function pythonVariable(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!base || /^[0-9]/.test(base)) base = `_${base}`;
  if (PY_KEYWORDS.has(base) || RESERVED.has(base)) base = `${base}_`;
  let v = base;
  for (let k = 2; taken.has(v); k++) v = `${base}_${k}`;
  taken.add(v);
  return v;
}

/** `layers.Conv2D(32, (3, 3), activation="relu")`, or `keras.Input(shape=(28, 28, 3))`. */
export function layerExpression(node: DocNode, ctx: EmitContext): string {
  const def = getLayer(node.className);
  const name = ctx.names.get(node.id);
  const nameArg = name ? [`name=${pythonString(name)}`] : [];
  if (!def) return `layers.${node.className.replace(/[^A-Za-z0-9_]/g, '_')}(${nameArg.join(', ')})`;
  const fields = allFields(def);
  const args: string[] = [];
  const written = new Set<string>();
  const wraps = def.keras.wraps;
  const wrapped = wraps ? getLayer(String(node.config[wraps.field])) : undefined;
  if (wraps && wrapped) {
    // `layers.Bidirectional(layers.LSTM(…), merge_mode=…)`: the wrapped layer's fields go to its own call.
    const own = Object.fromEntries(Object.keys(wrapped.fields).map((key) => [key, node.config[key]]));
    args.push(layerExpression({ id: '', className: wrapped.className, config: own }, ctx));
    for (const key of Object.keys(def.fields))
      if (key === wraps.field || !def.keras.args.includes(key)) written.add(key);
  } else if (def.className === 'InputLayer') {
    args.push(`shape=${fieldLiteral(fields.shape, node.config.shape ?? null)}`);
    written.add('shape');
  } else {
    for (const key of signatureOf(def)) {
      const spec = def.fields[key];
      if (!spec?.required) break;
      args.push(fieldLiteral(spec, node.config[key] ?? null));
      written.add(key);
    }
  }
  for (const [key, spec] of Object.entries(fields)) {
    if (written.has(key)) continue;
    const value: ConfigValue | undefined = node.config[key];
    // A missing key means the default to Keras (and to completeConfig on the way back in).
    if (!spec.required && (value === undefined || isDefaultValue(spec, value))) continue;
    const keyword = (ctx.flavor === 'tf.keras' && olderSpelling(def, key)) || key;
    args.push(`${keyword}=${fieldLiteral(spec, value ?? null)}`);
  }
  args.push(...nameArg);
  const callee =
    def.className === 'InputLayer' ? 'keras.Input' : def.keras.module ? def.className : `layers.${def.className}`;
  return `${callee}(${args.join(', ')})`;
}
