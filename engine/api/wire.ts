/**
 * Engine messages cross a structured-clone boundary in Electron (MessagePort) but a text one in the browser host
 * (WebSocket, then the Node child's IPC pipe). This codec lets the same protocol objects survive JSON: typed arrays
 * (file bytes, weight tensors) become `{ $typed, base64 }` and come back as the same typed array.
 */

type TypedName = 'Uint8Array' | 'Float32Array' | 'Int32Array' | 'Float64Array';
const TYPED: Record<TypedName, { new (buffer: ArrayBuffer): ArrayBufferView; BYTES_PER_ELEMENT: number }> = {
  Uint8Array,
  Float32Array,
  Int32Array,
  Float64Array,
};

function typedName(value: unknown): TypedName | null {
  if (value instanceof Uint8Array) return 'Uint8Array';
  if (value instanceof Float32Array) return 'Float32Array';
  if (value instanceof Int32Array) return 'Int32Array';
  if (value instanceof Float64Array) return 'Float64Array';
  return null;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without Buffer or btoa so the same code runs in Node, the page and a worker. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return out;
}

const LOOKUP = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i += 1) table[B64.charCodeAt(i)] = i;
  return table;
})();

export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i += 1) {
    const code = clean.charCodeAt(i);
    const v = code < 128 ? LOOKUP[code] : -1;
    if (v < 0) throw new Error(`invalid base64 character '${clean[i]}' at ${i}`);
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/** Turn a protocol message into JSON text, keeping typed arrays. */
export function encodeWire(message: unknown): string {
  return JSON.stringify(message, function replacer(this: unknown, key: string, value: unknown) {
    // JSON.stringify has already called toJSON on `value`; read the raw holder to see the typed array itself.
    const raw = key === '' ? value : (this as Record<string, unknown>)[key];
    const name = typedName(raw);
    if (name) {
      const view = raw as ArrayBufferView;
      return { $typed: name, base64: toBase64(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)) };
    }
    return value;
  });
}

/** Parse JSON text from the wire; throws on text that isn't JSON (the caller answers with an error). */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$typed' in value && 'base64' in value) {
      const { $typed, base64 } = value as { $typed: string; base64: unknown };
      const ctor = TYPED[$typed as TypedName];
      if (ctor && typeof base64 === 'string') {
        const bytes = fromBase64(base64);
        if (bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0) {
          throw new Error(
            `${$typed} payload has ${bytes.byteLength} bytes, not a multiple of ${ctor.BYTES_PER_ELEMENT}`,
          );
        }
        // Copy into a fresh buffer so the view is aligned for its element size.
        const buffer = new ArrayBuffer(bytes.byteLength);
        new Uint8Array(buffer).set(bytes);
        return new ctor(buffer);
      }
    }
    return value;
  });
}
