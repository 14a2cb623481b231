/**
 * Just enough of the ONNX protobuf format to write a one-node model for onnxruntime-node, so the benchmark needs no
 * model files and no onnx package. Field numbers from onnx/onnx.proto (ModelProto, GraphProto, NodeProto, …).
 */
type Field = Uint8Array;

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const concat = (parts: Field[]): Field => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const int = (field: number, v: number): Field => Uint8Array.from([...varint(field << 3), ...varint(v)]);
const bytes = (field: number, b: Field): Field => concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
const str = (field: number, s: string): Field => bytes(field, new TextEncoder().encode(s));
const msg = (field: number, parts: Field[]): Field => bytes(field, concat(parts));

export type Attribute = { name: string; ints: number[] } | { name: string; int: number } | { name: string; float: number };

function attribute(a: Attribute): Field {
  const parts = [str(1, a.name)];
  if ('ints' in a) parts.push(...a.ints.map((v) => int(8, v)), int(20, 7));
  else if ('int' in a) parts.push(int(3, a.int), int(20, 2));
  else {
    const f = new Uint8Array(4);
    new DataView(f.buffer).setFloat32(0, a.float, true);
    parts.push(concat([Uint8Array.from(varint((2 << 3) | 5)), f]), int(20, 1));
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
