/**
 * Keras 3 operations in a functional model's JSON: arithmetic on KerasTensors (`x + 3.0`, `x * (1.0 / 6.0)` in
 * MobileNetV3's hard_sigmoid) is recorded as a `keras.src.ops.numpy` op (Add, Subtract, Multiply, TrueDivide,
 * Negative) whose inbound args hold the tensors and the numbers. Keras's model.summary() lists each op as a row of
 * its own (`add (Add)`, no parameters) while model.layers leaves it out.
 *
 * An op of a tensor and a number is an affine map of the tensor, which LayerCanvas reads as a Rescaling (x · scale
 * + offset) keeping the op's name; an op of two tensors is the merge layer of the same name. Any other op is refused
 * by name, so no number is ever dropped (checked against keras/src/ops/numpy.py and KerasTensor's operators).
 */
import { isObject, joinPath, quote, type JsonObject } from './parse';

export const OPS_MODULE = 'keras.src.ops.numpy';

/** The ops two tensors can be, as the Keras merge layer of the same class name. */
const MERGES = new Set(['Add', 'Subtract', 'Multiply', 'Maximum']);

export type OpRead =
  | { ok: true; className: string; config: JsonObject }
  | { ok: false; message: string; hint: string; path: string };

const isTensor = (v: unknown) => isObject(v) && v.class_name === '__keras_tensor__';

/** A Rescaling's scale and offset for `op(args)` with one tensor and at most one number, or null when it is not affine. */
function affine(op: string, args: unknown[]): { scale: number; offset: number } | null {
  if (op === 'Negative' && args.length === 1) return { scale: -1, offset: 0 };
  if (args.length !== 2) return null;
  const [a, b] = args;
  const tensorFirst = isTensor(a) && typeof b === 'number';
  const numberFirst = typeof a === 'number' && isTensor(b);
  if (!tensorFirst && !numberFirst) return null;
  const c = (tensorFirst ? b : a) as number;
  switch (op) {
    case 'Add':
      return { scale: 1, offset: c };
    case 'Subtract':
      return tensorFirst ? { scale: 1, offset: -c } : { scale: -1, offset: c };
    case 'Multiply':
      return { scale: c, offset: 0 };
    case 'TrueDivide':
      return tensorFirst && c !== 0 ? { scale: 1 / c, offset: 0 } : null;
    default:
      return null;
  }
}

/** Reads the op `entry` (module keras.src.ops.numpy) at `path` as the layer that computes the same. */
export function readKerasOp(entry: JsonObject, name: string | undefined, path: string): OpRead {
  const op = String(entry.class_name);
  const nodes = entry.inbound_nodes;
  const call = Array.isArray(nodes) && nodes.length === 1 ? nodes[0] : undefined;
  const args = isObject(call) && Array.isArray(call.args) ? call.args : null;
  const refuse = (what: string): OpRead => ({
    ok: false,
    message: `op ${quote(name ?? op)} (${OPS_MODULE}.${op}${args ? ` of ${quote(args.map((a) => (isTensor(a) ? 'tensor' : a)))}` : ''}) ${what}`,
    hint: 'write it as a layer (Rescaling(scale, offset) for x * scale + offset, or a merge layer for two tensors)',
    path: joinPath(path, 'class_name'),
  });
  if (!args) return refuse('has no single call with its arguments');
  const map = affine(op, args);
  if (map) return { ok: true, className: 'Rescaling', config: { name: name ?? op.toLowerCase(), ...map } };
  if (MERGES.has(op) && args.length === 2 && args.every(isTensor))
    return { ok: true, className: op, config: { name: name ?? op.toLowerCase() } };
  return refuse('is not an operation LayerCanvas can compute');
}
