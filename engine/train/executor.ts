/**
 * Runs a document: forward through every layer in topological order, backward in reverse, with the weights held as
 * tensors by node. The layer files do the math; this file only routes tensors and gradients along the edges.
 */
import type { Tensor } from '../core/tensor';
import type { ModelDocument, NamedWeight } from '../graph/document';
import { infer, type Inference } from '../graph/inference';
import { checkResources, estimateResources, type MemoryBudget, type ResourceOptions } from '../graph/resources';
import { getLayer } from '../layers/registry';
import { EPILOGUE, type ForwardCache, type LayerDefinition, type RunContext } from '../layers/types';
import type { Backend, BatchNormEpilogue } from '../kernels/types';
import { initializeWeights } from './initializers';
import { Random } from '../core/random';
import type { StepProfiler } from './profile';

export interface RunnableNode {
  id: string;
  name: string;
  def: LayerDefinition;
  config: ModelDocument['nodes'][number]['config'];
  /** What feeds each input, in edge order: the source node's id, or tensorKey's key for its other outputs. */
  sources: string[];
  /** How many outputs it has beyond the first (an RNN's return_state states). */
  extraOutputs: number;
  /** Weights by name, in Keras order. */
  weights: Record<string, Tensor>;
  /** Names of the weights training updates. */
  trainable: string[];
}

export interface RunnableModel {
  doc: ModelDocument;
  inference: Inference;
  nodes: RunnableNode[];
  inputIds: string[];
  outputId: string;
}

export type CompileResult = { ok: true; model: RunnableModel } | { ok: false; message: string; hint?: string };

/**
 * Checks the document can run (no errors, one output, every layer computable) and gathers its weights: the
 * document's own, or Keras's initializers drawn with `seed`.
 */
export interface ResourceGuard {
  budget: MemoryBudget;
  run: ResourceOptions;
}

/**
 * `guard`: refuse, before any weight is allocated, a run whose estimate (graph/resources.ts) passes the budget.
 * Every predict and train path passes one; only tests and small internal runs leave it out.
 */
export function compileModel(doc: ModelDocument, seed = 0, guard?: ResourceGuard): CompileResult {
  const inference = infer(doc);
  if (inference.errorCount > 0) {
    const first = inference.problems.find((p) => p.severity === 'error')!;
    const where = first.nodeId ? `${inference.nodes.get(first.nodeId)?.name}: ` : '';
    return {
      ok: false,
      message: `the model has ${inference.errorCount} error(s); first: ${where}${first.message}`,
      hint: first.hint ?? 'fix the errors shown on the canvas first',
    };
  }
  if (inference.outputs.length !== 1)
    return {
      ok: false,
      message: `the model has ${inference.outputs.length} outputs; training needs exactly one`,
      hint: 'connect or delete the loose branches',
    };
  if (guard) {
    const refused = checkResources(estimateResources(inference, guard.run), guard.budget);
    if (refused) return { ok: false, ...refused };
  }
  const fresh = initializeWeights(doc, seed);
  const nodes: RunnableNode[] = [];
  for (const id of inference.order) {
    const docNode = inference.topology.byId.get(id)!;
    const def = getLayer(docNode.className)!;
    const info = inference.nodes.get(id)!;
    if (def.arity !== 'none' && !def.forward)
      return {
        ok: false,
        message: `${info.name}: ${def.className} cannot be run by the engine`,
        hint: 'replace it with a supported layer',
      };
    const given = doc.weights?.[id];
    const weights: Record<string, Tensor> = {};
    for (const spec of info.weights) {
      const w = findWeight(given, spec.name) ?? findWeight(fresh[id], spec.name)!;
      if (w.tensor.shape.join() !== spec.shape.join())
        return {
          ok: false,
          message: `${info.name}/${spec.name} has shape [${w.tensor.shape}] but the layer needs [${spec.shape}]`,
          hint: 'the weights belong to another model: re-initialize them',
        };
      weights[spec.name] = { shape: [...w.tensor.shape], data: Float32Array.from(w.tensor.data) };
    }
    nodes.push({
      id,
      name: info.name,
      def,
      config: docNode.config,
      sources: inference.topology.incoming.get(id)!.map((e) => tensorKey(e.source, e.sourceOutput)),
      extraOutputs: info.extraOutputShapes.length,
      weights,
      trainable: info.weights.filter((w) => w.trainable).map((w) => w.name),
    });
  }
  return { ok: true, model: { doc, inference, nodes, inputIds: inference.inputs, outputId: inference.outputs[0] } };
}

/** Where a pass keeps a node's output k: its id for the first, `id#k` for the others. */
export function tensorKey(id: string, output = 0): string {
  return output === 0 ? id : `${id}#${output}`;
}

function findWeight(list: NamedWeight[] | undefined, name: string): NamedWeight | undefined {
  return list?.find((w) => w.name === name);
}

export interface ForwardPass {
  /** Output of every node by id. */
  values: Map<string, Tensor>;
  caches: Map<string, ForwardCache>;
  /** Non-trainable weight updates (BN moving statistics) by node id. */
  updates: Map<string, Record<string, Float32Array>>;
  output: Tensor;
  /** Activation nodes run as their producer's epilogue (FuseOptions): activation id → producer id. */
  fused: Map<string, string>;
  /** The epilogue each of those producers ran: producer id → activation. */
  epilogues: Map<string, BatchNormEpilogue>;
}

/**
 * Whether a forward pass may run a relu / relu6 layer as the epilogue of the layer before it (a training
 * BatchNormalization: Conv → BN → ReLU, the placement the article recommends), saving a pass over the tensor each way
 * with the same bits. `keep`: nodes whose own output must stay as computed (an activity regularizer reads it). Off
 * where every layer's output is looked at (the trainer's layer statistics, the Inside tab).
 */
export interface FuseOptions {
  keep: ReadonlySet<string>;
}

type EpiloguePairs = Map<string, { activationId: string; activation: BatchNormEpilogue }>;

/** epiloguePairs by the FuseOptions a trainer passes every step: worked out once a model and mode, not once a step. */
const pairsByOptions = new WeakMap<FuseOptions, { model: RunnableModel; training: boolean; pairs: EpiloguePairs }>();

function pairsFor(model: RunnableModel, training: boolean, fuse: FuseOptions): EpiloguePairs {
  const known = pairsByOptions.get(fuse);
  if (known?.model === model && known.training === training) return known.pairs;
  const pairs = epiloguePairs(model, training, fuse.keep);
  pairsByOptions.set(fuse, { model, training, pairs });
  return pairs;
}

/**
 * The (producer, activation) pairs a pass may fuse: the activation reads that node alone and is its only reader,
 * neither is the model's output, the producer isn't kept, and both agree (epilogue, acceptsEpilogue).
 */
function epiloguePairs(model: RunnableModel, training: boolean, keep: ReadonlySet<string>): EpiloguePairs {
  const readers = new Map<string, RunnableNode[]>();
  for (const node of model.nodes)
    for (const s of node.sources) {
      const list = readers.get(s);
      if (list) list.push(node);
      else readers.set(s, [node]);
    }
  const pairs: EpiloguePairs = new Map();
  for (const node of model.nodes) {
    const next = readers.get(node.id);
    if (next?.length !== 1 || node.id === model.outputId || keep.has(node.id)) continue;
    if (node.extraOutputs > 0 || !node.def.acceptsEpilogue?.(node.config, training)) continue;
    // The model's output keeps its own pass: the loss reads its cache (the logits before its activation).
    const reader = next[0];
    if (reader.id === model.outputId || reader.sources.length !== 1) continue;
    const activation = reader.def.epilogue?.(reader.config);
    if (activation) pairs.set(node.id, { activationId: reader.id, activation });
  }
  return pairs;
}

export function makeContext(backend: Backend, training: boolean, seed: number): RunContext {
  const rng = new Random(seed);
  return { backend, training, nextSeed: () => rng.nextUint32() };
}

export function forward(
  model: RunnableModel,
  inputs: Tensor[],
  ctx: RunContext,
  profiler?: StepProfiler,
  fuse?: FuseOptions,
): ForwardPass {
  const values = new Map<string, Tensor>();
  const caches = new Map<string, ForwardCache>();
  const updates = new Map<string, Record<string, Float32Array>>();
  const fused = new Map<string, string>();
  const epilogues = new Map<string, BatchNormEpilogue>();
  const pairs = fuse ? pairsFor(model, ctx.training, fuse) : null;
  const producerNames = new Map<string, string>();
  model.inputIds.forEach((id, i) => values.set(id, inputs[i]));
  // Tensors whose gradient nothing needs: the inputs, and outputs of layers without trainable weights fed only by such
  // tensors (Flatten, Rescaling, a frozen layer before the first trained one). A layer fed only by them skips its
  // input gradient: for the MLP Flatten → Dense, the 784-wide dx of every step.
  const gradientFree = new Set(model.inputIds);
  for (const node of model.nodes) {
    if (node.def.arity === 'none') continue;
    const into = fused.get(node.id);
    if (into) {
      // Its producer applied it: the producer's output is this layer's.
      profiler?.fused(node.name, node.def.className, producerNames.get(node.id)!);
      values.set(node.id, values.get(into)!);
      if (gradientFree.has(into)) gradientFree.add(node.id);
      continue;
    }
    const xs = node.sources.map((s) => values.get(s)!);
    const pair = pairs?.get(node.id);
    if (pair) {
      fused.set(pair.activationId, node.id);
      producerNames.set(pair.activationId, node.name);
      epilogues.set(node.id, pair.activation);
    }
    const config = pair ? { ...node.config, [EPILOGUE]: pair.activation } : node.config;
    const run = () => node.def.forward!(ctx, config, xs, node.weights);
    const r = profiler ? profiler.inLayer(node.name, node.def.className, run) : run();
    values.set(node.id, r.output);
    r.extraOutputs?.forEach((t, k) => values.set(tensorKey(node.id, k + 1), t));
    const inputGradsNeeded = !node.sources.every((s) => gradientFree.has(s));
    if (!inputGradsNeeded && node.trainable.length === 0)
      for (let k = 0; k <= node.extraOutputs; k++) gradientFree.add(tensorKey(node.id, k));
    caches.set(node.id, { inputs: xs, weights: node.weights, output: r.output, saved: r.saved, inputGradsNeeded });
    if (r.updates) updates.set(node.id, r.updates);
  }
  return { values, caches, updates, output: values.get(model.outputId)!, fused, epilogues };
}

/**
 * Gradients of every trainable weight, by node id and weight name, from the gradient of the output.
 * With `dOutputIsLogits`, `dOutput` is the gradient before the output layer's activation (softmax or sigmoid fused
 * with cross-entropy, as Keras's TensorFlow backend computes it), so that activation's own gradient is skipped.
 */
export function backward(
  model: RunnableModel,
  pass: ForwardPass,
  dOutput: Tensor,
  ctx: RunContext,
  dOutputIsLogits = false,
  profiler?: StepProfiler,
  outputGrads?: Map<string, Float32Array>,
): Map<string, Record<string, Float32Array>> {
  const grads = new Map<string, Tensor>([[model.outputId, dOutput]]);
  const weightGrads = new Map<string, Record<string, Float32Array>>();
  for (let k = model.nodes.length - 1; k >= 0; k--) {
    const node = model.nodes[k];
    if (node.def.arity === 'none') continue;
    const dExtra = Array.from({ length: node.extraOutputs }, (_, i) => grads.get(tensorKey(node.id, i + 1)));
    // A gradient of the loss with respect to this output from elsewhere (an activity regularizer) joins the one
    // flowing back from the layers it feeds.
    const extra = outputGrads?.get(node.id);
    const flowing = grads.get(node.id);
    const given = extra ? addTo(flowing, extra, pass.values.get(node.id)!.shape) : flowing;
    const into = pass.fused.get(node.id);
    if (into) {
      // Run as its producer's epilogue: the producer takes this gradient back through it.
      if (given) grads.set(into, given);
      continue;
    }
    if (!given && !dExtra.some((g) => g)) continue;
    const cache = pass.caches.get(node.id)!;
    // Only its other outputs are used: the first one's gradient is zero.
    const dy = given ?? { shape: cache.output.shape, data: new Float32Array(cache.output.data.length) };
    const fused = dOutputIsLogits && node.id === model.outputId;
    const epilogue = pass.epilogues.get(node.id);
    const config = fused
      ? { ...node.config, activation: 'linear' }
      : epilogue
        ? { ...node.config, [EPILOGUE]: epilogue }
        : node.config;
    const run = () =>
      fused && node.def.activationOf
        ? { inputs: [dy], weights: undefined }
        : node.def.backward!(ctx, config, dy, cache, dExtra);
    const r = profiler ? profiler.inLayer(node.name, node.def.className, run) : run();
    if (r.weights) weightGrads.set(node.id, r.weights);
    node.sources.forEach((source, i) => {
      const g = r.inputs[i];
      if (!g) return; // not computed: nothing upstream needs it
      const prev = grads.get(source);
      if (!prev) grads.set(source, g);
      else {
        // A tensor feeding several layers (a residual shortcut) receives the sum of their gradients: on the
        // backend's add (wasm, threaded; a JavaScript loop here took 29 ms a step of a 3-block residual model).
        const sum = ctx.backend.add({ shape: prev.shape, data: prev.data }, { shape: prev.shape, data: g.data });
        grads.set(source, { shape: prev.shape, data: sum.data });
      }
    });
  }
  return weightGrads;
}

function addTo(t: Tensor | undefined, g: Float32Array, shape: number[]): Tensor {
  if (!t) return { shape, data: g };
  const sum = new Float32Array(g.length);
  for (let j = 0; j < sum.length; j++) sum[j] = t.data[j] + g[j];
  return { shape: t.shape, data: sum };
}

/** The model's current weights as a document would hold them. */
export function exportWeights(model: RunnableModel): Record<string, NamedWeight[]> {
  const out: Record<string, NamedWeight[]> = {};
  for (const n of model.nodes) {
    const names = Object.keys(n.weights);
    if (names.length)
      out[n.id] = names.map((name) => ({
        name,
        tensor: { shape: [...n.weights[name].shape], data: n.weights[name].data.slice() },
      }));
  }
  return out;
}
