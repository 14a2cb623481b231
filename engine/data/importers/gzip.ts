/**
 * Gzip'd data files (MNIST's *.gz) are opened with the platform's DecompressionStream, present in Node ≥ 18 and
 * every browser, so no zlib binding is needed. Inflating is a stream with a byte cap: a 2 MB file can inflate to
 * gigabytes (a decompression bomb), so reading stops at the cap instead of after memory runs out.
 */
import { readableBytes } from '../../core/format';
import type { DataResult } from '../types';
import { dataError } from '../types';

/** Far above MNIST's largest file inflated (180 MB as CSV) and below what the engine can hold as float32. */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

export const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

export async function gunzip(
  bytes: Uint8Array,
  file?: string,
  maxBytes: number = MAX_INFLATED_BYTES,
): Promise<DataResult<Uint8Array>> {
  const where = { offset: 0, ...(file ? { file } : {}) };
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'))
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        return {
          ok: false,
          errors: [
            dataError(
              `the file inflates to more than ${readableBytes(maxBytes)} (from ${readableBytes(bytes.byteLength)} gzip'd)`,
              'Use a smaller dataset, or a subset of this one saved on its own.',
              where,
            ),
          ],
        };
      }
      chunks.push(value);
    }
  } catch (err) {
    return {
      ok: false,
      errors: [
        dataError(
          `can't un-gzip the file: ${(err as Error).message}`,
          'The download may be cut short; fetch the file again.',
          where,
        ),
      ],
    };
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return { ok: true, value: out };
}

/** The bytes as they are, or un-gzip'd when they start with the gzip signature 1f 8b. */
export async function maybeGunzip(
  bytes: Uint8Array,
  file?: string,
  maxBytes?: number,
): Promise<DataResult<Uint8Array>> {
  return isGzip(bytes) ? gunzip(bytes, file, maxBytes) : { ok: true, value: bytes };
}
