/**
 * Just enough of the ONNX protobuf format to write a one-node model for onnxruntime-node, so the benchmark needs no
 * model files and no onnx package (the encoder is the ONNX export's, engine/formats/protobuf.ts). Field numbers from
 * onnx/onnx.proto (ModelProto, GraphProto, NodeProto, …).
 */
import { concat, float32, int, msg, str } from '../engine/formats/protobuf';

type Field = Uint8Array;

export type Attribute =
  | { name: string; ints: number[] }
  | { name: string; int: number }
  | { name: string; float: number };

function attribute(a: Attribute): Field {
  const parts = [str(1, a.name)];
  if ('ints' in a) parts.push(...a.ints.map((v) => int(8, v)), int(20, 7));
  else if ('int' in a) parts.push(int(3, a.int), int(20, 2));
  else {
    parts.push(float32(2, a.float), int(20, 1));
  }
  return msg(5, parts);
}

function valueInfo(field: number, name: string, shape: number[]): Field {
  const dims = shape.map((d) => msg(1, [int(1, d)]));
  return msg(field, [str(1, name), msg(2, [msg(1, [int(1, 1), msg(2, dims)])])]);
}

export interface OneNodeModel {
  op: string;
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  attributes?: Attribute[];
  opset?: number;
}

/** A serialized ModelProto holding a single node of `op` (float32 inputs and outputs). */
export function oneNodeModel(m: OneNodeModel): Uint8Array {
  const node = msg(1, [
    ...m.inputs.map((i) => str(1, i.name)),
    ...m.outputs.map((o) => str(2, o.name)),
    str(3, 'node'),
    str(4, m.op),
    ...(m.attributes ?? []).map(attribute),
  ]);
  const graph = msg(7, [
    node,
    str(2, 'bench'),
    ...m.inputs.map((i) => valueInfo(11, i.name, i.shape)),
    ...m.outputs.map((o) => valueInfo(12, o.name, o.shape)),
  ]);
  return concat([int(1, 8), msg(8, [str(1, ''), int(2, m.opset ?? 17)]), graph]);
}
