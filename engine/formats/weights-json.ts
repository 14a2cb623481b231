/**
 * Weights as readable JSON: `{ "<layer>": { "<weight>": {"shape", "dtype": "float32", "data": [...]} } }`, each
 * layer's weights in Keras's order (gamma, beta, moving_mean, moving_variance). It carries no model: reading applies
 * the weights to a document, checking every layer, name and shape.
 */
import type { FormatError } from '../core/problems';
import { formatShape } from '../core/shape';
import { sizeOf, tensor } from '../core/tensor';
import type { ModelDocument } from '../graph/document';
import { infer } from '../graph/inference';
import { isObject, joinPath, type JsonObject, matchJsonText, parseJson, quote } from './json/parse';
import { assignWeights, type SavedWeight } from './json/weights-match';
import type { ImportResult, ModelFormat } from './types';
import { refuseErrors } from './write-refusal';

/** Weights for `doc` from weights JSON text; the document comes back with them, or errors naming layer, weight, shape. */
export function readWeightsJson(text: string, doc: ModelDocument): ImportResult {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const root = parsed.value;
  if (!isObject(root))
    return {
      ok: false,
      errors: [
        {
          message: `expected an object of layers, got ${quote(root)}`,
          hint: 'the file should map layer names to their weights',
        },
      ],
    };
  const errors: FormatError[] = [];
  const saved: SavedWeight[] = [];
  for (const [layer, ws] of Object.entries(root)) {
    const lpath = joinPath('', layer);
    if (!isObject(ws)) {
      errors.push({
        message: `layer '${layer}' should map weight names to {shape, dtype, data}, got ${quote(ws)}`,
        path: lpath,
      });
      continue;
    }
    for (const [name, w] of Object.entries(ws)) {
      const wpath = joinPath(lpath, name);
      if (!isObject(w)) {
        errors.push({
          message: `weight '${layer}/${name}' should be {shape, dtype, data}, got ${quote(w)}`,
          path: wpath,
        });
        continue;
      }
      const shape = w.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
        errors.push({
          message: `weight '${layer}/${name}' shape must be a list of sizes, got ${quote(shape)}`,
          path: joinPath(wpath, 'shape'),
        });
        continue;
      }
      if (w.dtype !== undefined && w.dtype !== 'float32') {
        errors.push({
          message: `weight '${layer}/${name}' has dtype ${quote(w.dtype)}; only float32 is supported`,
          path: joinPath(wpath, 'dtype'),
        });
        continue;
      }
      const data = w.data;
      const count = sizeOf(shape as number[]);
      if (!Array.isArray(data) || !data.every((v) => typeof v === 'number')) {
        errors.push({
          message: `weight '${layer}/${name}' data must be a flat list of numbers, got ${quote(data)}`,
          path: joinPath(wpath, 'data'),
        });
        continue;
      }
      if (data.length !== count) {
        errors.push({
          message: `weight '${layer}/${name}' has ${data.length} values but its shape ${formatShape(shape as number[])} needs ${count}`,
          path: joinPath(wpath, 'data'),
        });
        continue;
      }
      saved.push({ name: `${layer}/${name}`, tensor: tensor(shape as number[], data as number[]), path: wpath });
    }
  }
  if (errors.length) return { ok: false, errors };
  const assigned = assignWeights(doc, saved);
  if (assigned.errors.length) return { ok: false, errors: assigned.errors };
  return { ok: true, document: { ...doc, weights: assigned.weights }, warnings: assigned.warnings };
}

/** The document's weights (none written for layers without weights, or when the document has none). */
export function writeWeightsJson(doc: ModelDocument): string {
  const inference = infer(doc);
  const out: Record<string, Record<string, { shape: number[]; dtype: 'float32'; data: number[] }>> = {};
  for (const id of inference.order) {
    const ws = doc.weights?.[id];
    if (!ws?.length) continue;
    const name = inference.nodes.get(id)!.name;
    out[name] = {};
    for (const w of ws)
      out[name][w.name] = { shape: [...w.tensor.shape], dtype: 'float32', data: Array.from(w.tensor.data) };
  }
  return JSON.stringify(out);
}

/** Layer names to weight names to `{shape, data}`, with at least one weight. */
function isWeightsJson(value: JsonObject): boolean {
  const layers = Object.values(value);
  return (
    layers.some((l) => isObject(l) && Object.keys(l).length > 0) &&
    layers.every(
      (l) =>
        isObject(l) && Object.values(l).every((w) => isObject(w) && Array.isArray(w.shape) && Array.isArray(w.data)),
    )
  );
}

export const weightsJson: ModelFormat = {
  id: 'weights-json',
  title: 'Weights JSON',
  extensions: ['.weights.json'],
  match: matchJsonText(isWeightsJson),
  readWeights: async (bytes, doc) => readWeightsJson(new TextDecoder().decode(bytes), doc),
  matchJson: isWeightsJson,
  read: () => ({
    ok: false,
    errors: [
      {
        message: 'a weights file holds no model',
        hint: 'open or build the model first, then load these weights onto it',
      },
    ],
  }),
  canWrite: (doc, inference) =>
    refuseErrors('weights-json', inference) ??
    (Object.keys(doc.weights ?? {}).length
      ? null
      : {
          code: 'no-weights',
          message: 'the model holds no weights to export',
          hint: 'train it first, or open a TF.js model or a trained project file',
        }),
  write: (doc, { baseName }) => [{ name: `${baseName}.weights.json`, data: writeWeightsJson(doc) }],
};
