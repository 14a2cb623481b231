/**
 * Gzip'd data files (MNIST's *.gz) are opened with the platform's DecompressionStream, present in Node ≥ 18 and
 * every browser, so no zlib binding is needed.
 */
import type { DataResult } from '../types';
import { dataError } from '../types';

export const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

export async function gunzip(bytes: Uint8Array, file?: string): Promise<DataResult<Uint8Array>> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return { ok: true, value: new Uint8Array(await new Response(stream).arrayBuffer()) };
  } catch (err) {
    return {
      ok: false,
      errors: [dataError(`can't un-gzip the file: ${(err as Error).message}`, 'The download may be cut short; fetch the file again.', { offset: 0, ...(file ? { file } : {}) })],
    };
  }
}

/** The bytes as they are, or un-gzip'd when they start with the gzip signature 1f 8b. */
export async function maybeGunzip(bytes: Uint8Array, file?: string): Promise<DataResult<Uint8Array>> {
  return isGzip(bytes) ? gunzip(bytes, file) : { ok: true, value: bytes };
}
