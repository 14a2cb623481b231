/**
 * Shape inference over the whole document: for every node its input and output shapes, weights, parameter counts
 * and problems. Runs on every canvas edit, so it is linear in nodes + edges, and it never throws.
 */
import { readableBytes, thousands } from '../core/format';
import type { Problem } from '../core/problems';
import { formatShape, type Shape } from '../core/shape';
import { allFields, validateConfig } from '../layers/config';
import { getLayer, isInputLayer } from '../layers/registry';
import { isIssue, type LayerDefinition } from '../layers/types';
import { adviseNode, danglingBranchFixes } from './advice';
import { buildTopology, type Topology } from './dag';
import type { DocNode, ModelDocument } from './document';
import { assignNames, checkLayerName } from './naming';

import type { NodeInfo } from './node-info';
export type { NodeInfo };

export interface Inference {
  nodes: Map<string, NodeInfo>;
  /** Topological order of the nodes that are not on a cycle. */
  order: string[];
  topology: Topology;
  /** The shape each edge carries (its source's output), null when unknown. */
  edgeShapes: Map<string, Shape | null>;
  /** Edges drawn red: into a node whose inputs are wrong, or closing a cycle. */
  badEdges: Set<string>;
  /** All problems, node problems first in topological order, then model-level ones. */
  problems: Problem[];
  inputs: string[];
  outputs: string[];
  /** How Keras code builds this model. */
  modelClass: 'Sequential' | 'Functional';
  totals: { total: number; trainable: number; nonTrainable: number };
  errorCount: number;
  warningCount: number;
}

/** Above this many weights in one layer the canvas warns; above the hard limit the layer is an error. */
export const LARGE_LAYER_PARAMS = 50_000_000;
export const MAX_LAYER_PARAMS = 500_000_000;

export function infer(doc: ModelDocument): Inference {
  const topology = buildTopology(doc);
  const names = assignNames(doc.nodes);
  const nodes = new Map<string, NodeInfo>();
  const badEdges = new Set<string>();
  const modelProblems: Problem[] = [];
  const nameOf = (id: string) => names.get(id) ?? id;

  for (const n of doc.nodes) {
    nodes.set(n.id, {
      id: n.id,
      className: n.className,
      name: nameOf(n.id),
      inputShapes: [],
      outputShape: null,
      extraOutputShapes: [],
      weights: [],
      trainableParams: 0,
      nonTrainableParams: 0,
      problems: [],
    });
  }
  const err = (nodeId: string | null, code: string, message: string, hint?: string, edgeId?: string): Problem => ({
    nodeId,
    severity: 'error',
    code,
    message,
    hint,
    edgeId,
  });

  for (const e of topology.danglingEdges)
    modelProblems.push(
      err(
        null,
        'dangling-edge',
        `a connection refers to a missing layer (${e.source} → ${e.target})`,
        'delete the connection',
      ),
    );

  for (const cycle of topology.cycles) {
    const path = [...cycle, cycle[0]].map(nameOf).join(' → ');
    for (const id of cycle) {
      nodes
        .get(id)!
        .problems.push(
          err(id, 'cycle', `is part of a cycle: ${path}`, 'a model must flow one way: remove one of these connections'),
        );
      for (const e of topology.outgoing.get(id)!) if (cycle.includes(e.target)) badEdges.add(e.id);
    }
  }

  checkNames(doc.nodes, names, nodes);

  for (const id of topology.order) inferNode(topology.byId.get(id)!, topology, nodes, badEdges);

  const inputs = doc.nodes.filter((n) => isInputLayer(n.className)).map((n) => n.id);
  const outputs = topology.order.filter(
    (id) => topology.outgoing.get(id)!.length === 0 && topology.incoming.get(id)!.length > 0,
  );
  if (doc.nodes.length === 0)
    modelProblems.push(
      err(null, 'empty-model', 'the model is empty', 'drag an Input from the palette, or start from a template'),
    );
  else if (inputs.length === 0)
    modelProblems.push(
      err(null, 'no-input', 'the model has no InputLayer', 'add an Input and connect it to the first layer'),
    );

  for (const id of inputs)
    if (topology.outgoing.get(id)!.length === 0 && doc.nodes.length > 1)
      nodes.get(id)!.problems.push({
        nodeId: id,
        severity: 'warning',
        code: 'unused-input',
        message: 'this input is not connected to any layer',
        hint: 'connect it, or delete it',
      });
  if (outputs.length > 1)
    for (const id of outputs) {
      const fixes = danglingBranchFixes(id, outputs, topology, nameOf);
      nodes.get(id)!.problems.push({
        nodeId: id,
        severity: 'warning',
        code: 'dangling-branch',
        message: `this branch ends here without reaching the rest of the model: the model has ${outputs.length} outputs (${outputs.map(nameOf).join(', ')})`,
        hint: 'connect it onward (e.g. into an Add or Concatenate), delete it, or keep it if you want several outputs',
        ...(fixes.length ? { fixes } : {}),
      });
    }

  for (const id of topology.order) adviseNode(topology.byId.get(id)!, topology, nodes);

  const edgeShapes = new Map<string, Shape | null>();
  for (const e of doc.edges) {
    const source = nodes.get(e.source);
    edgeShapes.set(e.id, source ? outputOf(source, e.sourceOutput) : null);
  }

  const problems: Problem[] = [];
  const totals = { total: 0, trainable: 0, nonTrainable: 0 };
  const ordered = new Set(topology.order);
  for (const id of [...topology.order, ...doc.nodes.map((n) => n.id).filter((id) => !ordered.has(id))]) {
    const info = nodes.get(id)!;
    problems.push(...info.problems);
    totals.trainable += info.trainableParams;
    totals.nonTrainable += info.nonTrainableParams;
  }
  totals.total = totals.trainable + totals.nonTrainable;
  problems.push(...modelProblems);

  const errorCount = problems.filter((p) => p.severity === 'error').length;
  return {
    nodes,
    order: topology.order,
    topology,
    edgeShapes,
    badEdges,
    problems,
    inputs,
    outputs,
    modelClass: chooseModelClass(doc, topology, inputs),
    totals,
    errorCount,
    warningCount: problems.length - errorCount,
  };
}

function checkNames(docNodes: readonly DocNode[], names: Map<string, string>, nodes: Map<string, NodeInfo>): void {
  const seen = new Map<string, string>();
  for (const n of docNodes) {
    const name = names.get(n.id)!;
    if (n.name) {
      const bad = checkLayerName(n.name);
      if (bad)
        nodes
          .get(n.id)!
          .problems.push({ nodeId: n.id, severity: 'error', code: 'bad-name', message: bad, hint: 'rename the layer' });
    }
    if (seen.has(name))
      nodes.get(n.id)!.problems.push({
        nodeId: n.id,
        severity: 'error',
        code: 'duplicate-name',
        message: `the name '${name}' is already used by another layer`,
        hint: 'Keras needs unique layer names: rename one of them',
      });
    else seen.set(name, n.id);
  }
}

function inferNode(node: DocNode, topology: Topology, nodes: Map<string, NodeInfo>, badEdges: Set<string>): void {
  const info = nodes.get(node.id)!;
  const problem = (code: string, message: string, hint?: string, edgeId?: string) =>
    info.problems.push({ nodeId: node.id, severity: 'error', code, message, hint, edgeId });
  const def = getLayer(node.className);
  if (!def) {
    problem(
      'unknown-layer',
      `'${node.className}' is not a layer LayerCanvas knows`,
      'replace it with a supported layer from the palette',
    );
    return;
  }
  const configIssues = validateConfig(def, node.config);
  for (const i of configIssues) problem(i.code, i.message, i.hint);

  const incoming = topology.incoming.get(node.id)!;
  info.inputShapes = incoming.map((e) => outputOf(nodes.get(e.source)!, e.sourceOutput));
  for (const e of incoming) {
    const source = nodes.get(e.source)!;
    const k = e.sourceOutput ?? 0;
    if (k > 0 && source.outputShape && k > source.extraOutputShapes.length) {
      const count = source.extraOutputShapes.length + 1;
      problem(
        'missing-output',
        `${source.name} has ${count === 1 ? 'one output' : `${count} outputs`}, so it has no output ${k} to connect`,
        getLayer(source.className)?.fields.return_state
          ? `turn on ${source.name}'s return_state, or connect its first output`
          : `connect ${source.name}'s first output`,
        e.id,
      );
      badEdges.add(e.id);
    }
  }
  if (!checkArity(def, incoming.length, (code, message, hint) => problem(code, message, hint))) {
    for (const e of incoming) badEdges.add(e.id);
    return;
  }
  if (def.arity === 'many' && incoming.length === 1 && def.exactInputs === undefined)
    // Keras accepts a one-input merge (it passes the tensor through), but on a canvas it is a branch not yet wired.
    info.problems.push({
      nodeId: node.id,
      severity: 'warning',
      code: 'merge-one-input',
      message: `${def.className} has only one input, so it passes it through unchanged`,
      hint: 'connect the other branch to merge, or delete this layer',
    });
  if (configIssues.length > 0 || info.problems.some((p) => p.severity === 'error')) return;
  if (info.inputShapes.some((s) => s === null)) return; // an error upstream already says why

  const inputs = info.inputShapes as Shape[];
  const out = def.outputShape(node.config, inputs);
  if (isIssue(out)) {
    problem(out.code, out.message, out.hint);
    for (const e of incoming) badEdges.add(e.id);
    return;
  }
  if (out.some((d, i) => i > 0 && d !== null && d <= 0)) {
    problem(
      'empty-output',
      `the output shape ${formatShape(out)} has an axis of size 0 or less`,
      "use padding='same' or fewer shrinking layers before this one",
    );
    for (const e of incoming) badEdges.add(e.id);
    return;
  }
  info.outputShape = out;
  info.extraOutputShapes = def.extraOutputs?.(node.config, inputs) ?? [];
  countWeights(def, node, inputs, info, problem);
}

/** The shape of one of a node's outputs (Keras's tensor index), null while unknown or when it has no such output. */
export function outputOf(info: NodeInfo, index = 0): Shape | null {
  return index === 0 ? info.outputShape : (info.extraOutputShapes[index - 1] ?? null);
}

function checkArity(
  def: LayerDefinition,
  count: number,
  problem: (code: string, message: string, hint?: string) => void,
): boolean {
  if (def.arity === 'none' && count > 0) {
    problem(
      'input-has-inputs',
      `an InputLayer takes no inputs, but ${count} ${count === 1 ? 'is' : 'are'} connected`,
      'remove the connections into it',
    );
    return false;
  }
  if (def.arity === 'one' && count === 0) {
    problem(
      'missing-input',
      `${def.className} has no input`,
      'connect the output of another layer (or an Input) to it',
    );
    return false;
  }
  if (def.arity === 'one' && count > 1 && count !== 1 + (def.stateInputs ?? -1)) {
    if (def.stateInputs) {
      problem(
        'wrong-state-count',
        `${def.className} takes its sequence and, as initial_state, ${def.stateInputs} state${def.stateInputs > 1 ? 's' : ''}: ${count} inputs are connected`,
        `connect the sequence first, then ${def.stateInputs === 2 ? 'h and c' : 'h'}; or only the sequence to start from zero state`,
      );
      return false;
    }
    problem(
      'too-many-inputs',
      `${def.className} takes one input, but ${count} are connected`,
      'merge the branches first with Add or Concatenate, or remove a connection',
    );
    return false;
  }
  if (def.arity === 'many' && count === 0) {
    problem(
      'merge-needs-inputs',
      `${def.className} merges two or more inputs, but none is connected`,
      'connect the branches to merge, or delete it',
    );
    return false;
  }
  return true;
}

function countWeights(
  def: LayerDefinition,
  node: DocNode,
  inputs: Shape[],
  info: NodeInfo,
  problem: (code: string, message: string, hint?: string) => void,
): void {
  const specs = def.weights?.(node.config, inputs) ?? [];
  const frozen = allFields(def).trainable && node.config.trainable === false;
  info.weights = specs.map((w) => (frozen ? { ...w, trainable: false } : w));
  for (const w of info.weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (w.trainable) info.trainableParams += n;
    else info.nonTrainableParams += n;
  }
  const params = info.trainableParams + info.nonTrainableParams;
  if (params <= LARGE_LAYER_PARAMS) return;
  const size = readableBytes(params * 4);
  if (params > MAX_LAYER_PARAMS)
    problem(
      'layer-too-large',
      `this layer would have ${thousands(params)} parameters (${size} of float32), more than the ${thousands(MAX_LAYER_PARAMS)} LayerCanvas allows in one layer`,
      def.traits?.unitsOnLastAxis
        ? 'a Dense after Flatten on a large image is the usual cause: add pooling or a GlobalAveragePooling2D first'
        : 'reduce the filters, units or input size',
    );
  else if (params > LARGE_LAYER_PARAMS)
    info.problems.push({
      nodeId: node.id,
      severity: 'warning',
      code: 'large-layer',
      message: `this layer has ${thousands(params)} parameters (${size} of float32)`,
      hint: 'training it on this machine will be slow; pooling before it shrinks it',
    });
}

function chooseModelClass(doc: ModelDocument, topology: Topology, inputs: string[]): 'Sequential' | 'Functional' {
  if (doc.modelClass === 'Functional') return 'Functional';
  if (inputs.length !== 1 || topology.cycles.length > 0) return 'Functional';
  // Keras's Sequential passes one tensor from layer to layer: a layer's second output needs the functional API.
  if (doc.edges.some((e) => (e.sourceOutput ?? 0) > 0)) return 'Functional';
  for (const n of doc.nodes) {
    const def = getLayer(n.className);
    if (def?.arity === 'many') return 'Functional';
    if (topology.incoming.get(n.id)!.length > 1 || topology.outgoing.get(n.id)!.length > 1) return 'Functional';
  }
  // A chain: every node reachable from the single input along one path.
  let count = 0;
  let id: string | undefined = inputs[0];
  while (id) {
    count++;
    id = topology.outgoing.get(id)![0]?.target;
  }
  return count === doc.nodes.length ? 'Sequential' : 'Functional';
}
