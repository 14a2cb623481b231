/**
 * From parsed code to a model document: run it, pick the model it builds, and lay out that model's layers as
 * nodes (in Keras's construction order, so automatic names match) and its connections as edges.
 */
import type { FormatError, SourceLocation } from '../../core/problems';
import { makeNode } from '../../graph/build';
import { foldByCause } from '../error-causes';
import type { DocEdge, DocGroup, DocNode, ModelDocument } from '../../graph/document';
import type { ConfigValue } from '../../layers/types';
import type { ImportResult } from '../types';
import type { Module } from './ast';
import { Interpreter } from './interpreter';
import type { FunctionalBuild, PendingLayer, SequentialBuild } from './values';

export function toDocument(module: Module, text: string): ImportResult {
  const run = new Interpreter(text);
  run.run(module.body);
  // One error per cause: twelve layers with data_format='channels_first' are one line naming them.
  if (run.errors.length) return { ok: false, errors: foldByCause(run.errors, (e) => run.errorLayers.get(e)) };
  const warnings = [...run.warnings];
  const model = run.models[run.models.length - 1];
  if (!model) {
    const first = run.layers[0];
    if (first)
      return {
        ok: false,
        errors: [
          {
            message: 'the code makes layers but never builds a model',
            hint: 'wrap them: model = keras.Sequential([...]) or model = keras.Model(inputs=..., outputs=...)',
            location: first.loc,
          },
        ],
      };
    return {
      ok: false,
      errors: [
        {
          message: 'no Keras model found in this code',
          hint: 'build one with keras.Sequential([...]) or keras.Model(inputs=..., outputs=...)',
          location: { line: 1, column: 1 },
        },
      ],
    };
  }
  const outer = run.models.filter((m) => !run.nestedModels.some((n) => n.model === m));
  if (outer.length > 1)
    warnings.push({
      message: `this code builds ${outer.length} models; LayerCanvas reads the last one`,
      hint: 'keep only the model you want in the file',
      location: model.loc,
    });

  const built = model.kind === 'sequential' ? sequentialGraph(model, warnings) : functionalGraph(model, run);
  if ('errors' in built) return { ok: false, errors: built.errors };
  const used = new Set(built.layers.map((l) => l.id));
  for (const l of run.layers) {
    if (used.has(l.id) || run.replacedInputs.has(l.id)) continue;
    if (!l.usedAt)
      warnings.push({
        message: `the layer ${l.label} is made but never used; it is left out`,
        hint: 'add it to the model, or delete it',
        location: l.loc,
      });
    else if (model.kind === 'functional')
      warnings.push({
        message: `the layer ${l.label} does not lead to the model's outputs; it is left out`,
        hint: 'connect it onward, or list its output in outputs=',
        location: l.loc,
      });
    else
      warnings.push({
        message: `the layer ${l.label} is not part of the model; it is left out`,
        hint: 'add it to the model, or delete it',
        location: l.loc,
      });
  }

  warnings.sort((a, b) => a.location!.line - b.location!.line || a.location!.column - b.location!.column);
  const ids = new Map(built.layers.map((l, i) => [l.id, `n${i}`]));
  const nodes: DocNode[] = built.layers.map((l) =>
    makeNode(ids.get(l.id)!, { className: l.className, config: l.given, name: l.name }),
  );
  const edges: DocEdge[] = built.edges.map((e, i) => ({
    id: `e${i}`,
    source: ids.get(e.source)!,
    target: ids.get(e.target)!,
    ...(e.sourceOutput ? { sourceOutput: e.sourceOutput } : {}),
  }));
  const doc: ModelDocument = {
    name: model.name ?? (model.kind === 'sequential' ? 'sequential' : 'functional'),
    modelClass: model.kind === 'sequential' ? 'Sequential' : 'Functional',
    nodes,
    edges,
  };
  // Nested models that are part of the model read: their layers name them as a group (graph/groups.ts).
  // A model nested in a nested model brings its layers to both: it is in the smallest other use that holds all of
  // them (on a tie, the one used later: a model is used after the models nested in it are).
  const uses = run.nestedModels
    .map((use, k) => ({ k, use, members: new Set(use.layerIds.filter((id) => ids.has(id))) }))
    .filter((u) => u.members.size > 0);
  const holds = (a: (typeof uses)[number], b: (typeof uses)[number]) =>
    a !== b && (a.members.size > b.members.size || a.k > b.k) && [...b.members].every((id) => a.members.has(id));
  const groups: DocGroup[] = [];
  for (const u of uses) {
    const className = u.use.model.kind === 'sequential' ? 'Sequential' : 'Functional';
    const around = uses.filter((a) => holds(a, u)).sort((a, b) => a.members.size - b.members.size || a.k - b.k)[0];
    groups.push({
      id: `g${u.k}`,
      className,
      name: u.use.model.name ?? className.toLowerCase(),
      ...(around ? { parent: `g${around.k}` } : {}),
    });
  }
  // Outermost first, so each layer ends up in its innermost group.
  for (const u of [...uses].sort((a, b) => b.members.size - a.members.size || b.k - a.k))
    for (const id of u.members) nodes.find((n) => n.id === ids.get(id))!.group = `g${u.k}`;
  if (groups.length) doc.groups = groups;
  return { ok: true, document: doc, warnings };
}

interface Graph {
  layers: PendingLayer[];
  edges: { source: string; target: string; sourceOutput?: number }[];
}

function inputLayer(
  id: string,
  spec: { shape: ConfigValue; batchSize: ConfigValue; loc: SourceLocation },
): PendingLayer {
  return {
    id,
    className: 'InputLayer',
    given: { shape: spec.shape, batch_size: spec.batchSize },
    loc: spec.loc,
    label: 'the input',
  };
}

/** Keras's Sequential: an Input first (listed, or made from the first layer's input_shape), then a chain. */
function sequentialGraph(model: SequentialBuild, warnings: FormatError[]): Graph | { errors: FormatError[] } {
  const layers: PendingLayer[] = [];
  const errors: FormatError[] = [];
  model.items.forEach(({ layer, loc }, i) => {
    if (layer.className === 'InputLayer') {
      if (i > 0)
        errors.push({
          message: 'an Input can only be the first layer of a Sequential model',
          hint: 'move it to the front of the list',
          location: loc,
        });
      layers.push(layer);
      return;
    }
    if (i === 0) {
      const spec = layer.inputSpec ?? model.builtShape;
      if (spec) layers.push(inputLayer(`${layer.id}_input`, spec));
      if (layer.inputSpec && model.builtShape)
        warnings.push({
          message: 'model.build() is ignored: the first layer already sets the input shape',
          hint: 'keep one of the two',
          location: model.builtShape.loc,
        });
    } else if (layer.inputSpec) {
      warnings.push({
        message: `input_shape on ${layer.label} is ignored: only the first layer of a Sequential model sets its input`,
        hint: 'remove it',
        location: layer.inputSpec.loc,
      });
    }
    layers.push(layer);
  });
  if (errors.length) return { errors };
  if (layers.length > 0 && layers[0].className !== 'InputLayer')
    warnings.push({
      message: 'the model has no input shape',
      hint: 'give the first layer input_shape=(…), or start the list with keras.Input(shape=(…))',
      location: model.loc,
    });
  const edges = layers.slice(1).map((l, i) => ({ source: layers[i].id, target: l.id }));
  return { layers, edges };
}

/** Keras's functional Model: the layers between the inputs and the outputs; anything else is left out, with a warning. */
function functionalGraph(model: FunctionalBuild, run: Interpreter): Graph | { errors: FormatError[] } {
  const incoming = new Map<string, string[]>();
  for (const e of run.edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  const reached = new Set<string>();
  const stack = [...model.outputs];
  while (stack.length) {
    const id = stack.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    stack.push(...(incoming.get(id) ?? []));
  }
  const inputs = new Set(model.inputs);
  const errors: FormatError[] = [];
  for (const id of reached) {
    const layer = run.layer(id)!;
    if (layer.className === 'InputLayer' && !inputs.has(id))
      errors.push({
        message: `the outputs depend on ${layer.label === 'InputLayer' ? 'an Input' : `the input ${layer.label}`} that is not in inputs=`,
        hint: 'add it to the inputs list',
        location: model.loc,
      });
  }
  if (errors.length) return { errors };
  for (const id of inputs) reached.add(id);
  const layers = run.layers.filter((l) => reached.has(l.id));
  const edges = run.edges.filter((e) => reached.has(e.source) && reached.has(e.target));
  return { layers, edges };
}
