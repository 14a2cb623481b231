/** `layercanvas predict <model> --input in.json [--training] [--weights w.json] --out out.json` */
import { writeFileDurable } from '../engine/node/durable-write';
import type { Tensor } from '../engine/core/tensor';
import type { ModelDocument } from '../engine/graph/document';
import type { MemoryBudget } from '../engine/graph/resources';
import { readWeightsFile } from '../engine/formats/detect';
import { formatFormatError } from '../engine/core/problems';
import { compileModel, forward, makeContext } from '../engine/train/executor';
import type { Backend } from '../engine/kernels/types';
import { basename } from 'node:path';
import { readModelBytes, readTextFile, UsageError } from './io';

export interface TensorJson {
  shape: number[];
  data: number[];
}

/** Reads `{"shape": [...], "data": [...]}`; the message says what is wrong with it. */
export function parseTensorJson(text: string, what: string): Tensor | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `${what} is not JSON: ${(e as Error).message}`;
  }
  const v = value as Partial<TensorJson>;
  if (!v || !Array.isArray(v.shape) || !v.shape.every((d) => Number.isInteger(d) && d > 0))
    return `${what} needs "shape": a list of positive integers`;
  if (!Array.isArray(v.data) || !v.data.every((d) => typeof d === 'number'))
    return `${what} needs "data": a flat list of numbers, row-major`;
  const size = v.shape.reduce((a, b) => a * b, 1);
  if (v.data.length !== size)
    return `${what} has ${v.data.length} values but shape [${v.shape.join(', ')}] needs ${size}`;
  return { shape: v.shape, data: Float32Array.from(v.data) };
}

/** `budget`: refuse, before allocating, an input batch or model whose estimate passes it (graph/resources.ts). */
export function predict(
  doc: ModelDocument,
  input: Tensor,
  training: boolean,
  backend: Backend,
  seed = 0,
  budget?: MemoryBudget,
): Tensor | { message: string; hint?: string } {
  const run = { mode: 'predict' as const, batchSize: input.shape[0], dataBytes: input.data.byteLength };
  const compiled = compileModel(doc, seed, budget && { budget, run });
  if (!compiled.ok) return compiled;
  const model = compiled.model;
  if (model.inputIds.length !== 1)
    return {
      message: `the model has ${model.inputIds.length} inputs; predict feeds one`,
      hint: 'use a model with a single Input',
    };
  const expected = model.inference.nodes.get(model.inputIds[0])!.outputShape!;
  const fits =
    input.shape.length === expected.length && expected.every((d, i) => i === 0 || d === null || d === input.shape[i]);
  if (!fits)
    return {
      message: `the input has shape [${input.shape.join(', ')}] but the model takes (${expected.map((d) => (d === null ? 'None' : d)).join(', ')})`,
      hint: 'the first axis is the batch; the rest must match the Input layer',
    };
  return forward(model, [input], makeContext(backend, training, seed)).output;
}

export async function predictCommand(
  modelPath: string,
  doc: ModelDocument,
  opts: { input?: string; out?: string; weights?: string; training: boolean; budget: MemoryBudget },
  backend: Backend,
  io: { out(t: string): void; err(t: string): void },
): Promise<number> {
  if (!opts.input) throw new UsageError('--input in.json is required ({"shape": [...], "data": [...]})');
  let model = doc;
  if (opts.weights) {
    // Keras's HDF5 weights (.weights.h5, or a whole-model .h5) by their first bytes; weights JSON otherwise.
    const applied = await readWeightsFile(readModelBytes(opts.weights), doc, basename(opts.weights));
    if (!applied.ok) {
      for (const e of applied.errors) io.err(formatFormatError(e, opts.weights));
      return 1;
    }
    model = applied.document;
  } else if (!doc.weights || Object.keys(doc.weights).length === 0) {
    io.err(
      `warning: ${modelPath} holds no weights: predicting with freshly initialized ones (give --weights, a trained project file or a TF.js model)`,
    );
  }
  const input = parseTensorJson(readTextFile(opts.input), opts.input);
  if (typeof input === 'string') {
    io.err(`layercanvas: ${input}`);
    return 1;
  }
  const out = predict(model, input, opts.training, backend, 0, opts.budget);
  if (!('data' in out)) {
    io.err(`layercanvas: ${out.message}${out.hint ? ` (${out.hint})` : ''}`);
    return 1;
  }
  const text = JSON.stringify({ shape: out.shape, data: Array.from(out.data) });
  if (opts.out) {
    writeFileDurable(opts.out, text);
    io.err(`wrote ${opts.out}: shape [${out.shape.join(', ')}]`);
  } else io.out(text);
  return 0;
}
