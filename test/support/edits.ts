/** Edits that damage a file the way files get damaged, for property tests: runs of characters or bytes changed. */
import fc from 'fast-check';

/** Insert, delete or replace runs of characters (or bytes): the edits a damaged file has. */
export type Edit = { op: 'insert' | 'delete' | 'replace'; at: number; length: number; text: string };

export const editArb = (alphabet: readonly string[]): fc.Arbitrary<Edit> =>
  fc.record({
    op: fc.constantFrom('insert' as const, 'delete' as const, 'replace' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.integer({ min: 1, max: 16 }),
    text: fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
  });

export function applyEdits(text: string, edits: readonly Edit[]): string {
  let t = text;
  for (const e of edits) {
    const i = Math.floor(e.at * t.length);
    if (e.op === 'insert') t = t.slice(0, i) + e.text + t.slice(i);
    else if (e.op === 'delete') t = t.slice(0, i) + t.slice(i + e.length);
    else t = t.slice(0, i) + e.text + t.slice(i + e.length);
  }
  return t;
}

/** Byte edits on binary files: flip, overwrite with an extreme value, cut short, or grow. */
export type ByteEdit = { at: number; value: number; op: 'set' | 'cut' | 'grow' };
export const byteEditArb: fc.Arbitrary<ByteEdit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x08, 0x0d, 0x1f, 0x8b),
  op: fc.constantFrom('set' as const, 'set' as const, 'set' as const, 'cut' as const, 'grow' as const),
});

export function applyByteEdits(bytes: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let b = bytes.slice();
  for (const e of edits) {
    const i = Math.floor(e.at * b.length);
    if (e.op === 'set' && b.length) b[Math.min(i, b.length - 1)] = e.value;
    else if (e.op === 'cut') b = b.slice(0, i);
    else if (e.op === 'grow') {
      const grown = new Uint8Array(b.length + 64).fill(e.value);
      grown.set(b);
      b = grown;
    }
  }
  return b;
}
