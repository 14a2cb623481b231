/**
 * Writing protocol buffers by hand: varints, length-delimited fields and fixed32 floats, enough for ONNX's
 * ModelProto (formats/onnx.ts, and the benchmark's one-node models) without a schema compiler.
 */
export type Bytes = Uint8Array;

export function varint(n: number): number[] {
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

export function concat(parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const int = (field: number, v: number): Bytes => Uint8Array.from([...varint(field << 3), ...varint(v)]);
export const bytes = (field: number, b: Bytes): Bytes =>
  concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
export const str = (field: number, s: string): Bytes => bytes(field, new TextEncoder().encode(s));
export const msg = (field: number, parts: Bytes[]): Bytes => bytes(field, concat(parts));
export function float32(field: number, v: number): Bytes {
  const f = new Uint8Array(5);
  f[0] = (field << 3) | 5;
  new DataView(f.buffer).setFloat32(1, v, true);
  return f;
}
