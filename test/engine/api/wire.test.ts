import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire, fromBase64, toBase64 } from '../../../engine/api/wire';

describe('wire codec', () => {
  it('base64 matches Node Buffer for every remainder length', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255, 256, 1000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
      const reference = Buffer.from(bytes).toString('base64');
      expect(toBase64(bytes)).toBe(reference);
      expect([...fromBase64(reference)]).toEqual([...bytes]);
    }
  });

  it('round-trips typed arrays inside protocol messages, including views into larger buffers', () => {
    const backing = new Float32Array([9, 1.5, -2.25, 3e-8, 9]);
    const message = {
      id: 'r1',
      type: 'import',
      payload: {
        name: 'm.json',
        data: new Uint8Array([0, 255, 128]),
        weights: new Float32Array(backing.buffer, 4, 3),
        ints: new Int32Array([-1, 2 ** 31 - 1]),
      },
    };
    const back = decodeWire(encodeWire(message)) as typeof message;
    expect(back.payload.data).toBeInstanceOf(Uint8Array);
    expect([...back.payload.data]).toEqual([0, 255, 128]);
    expect(back.payload.weights).toBeInstanceOf(Float32Array);
    expect([...back.payload.weights]).toEqual([1.5, -2.25, Math.fround(3e-8)]);
    expect([...back.payload.ints]).toEqual([-1, 2 ** 31 - 1]);
    expect(back.id).toBe('r1');
  });

  it('rejects text that is not JSON and base64 with foreign characters', () => {
    expect(() => decodeWire('{bad')).toThrow();
    expect(() => fromBase64('ab!d')).toThrow(/'!'/);
  });
});
