import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll } from 'vitest';
import { enableRelaxedSimd } from '../../../cli/relaxed-simd';
import { createFastBackend, type FastBackend } from '../../../engine/kernels/fast/backend';
import type { WorkerConstructor } from '../../../engine/kernels/fast/thread-pool';
import { WASM_FILES } from '../../../engine/kernels/registry';

export type SimdVariant = 'plain SIMD' | 'relaxed SIMD';

/**
 * The binaries the kernel tests run: plain SIMD always (the fallback wherever relaxed SIMD doesn't validate), and
 * relaxed SIMD as well when this runtime can run it, turned on the way the CLI turns it on (Node 20: the V8 flag).
 */
export const simdVariants: SimdVariant[] = enableRelaxedSimd() ? ['plain SIMD', 'relaxed SIMD'] : ['plain SIMD'];

const wasmDir = join(import.meta.dirname, '../../../dist/wasm');

/**
 * The fast backend with two threads running the given binary, loaded once per describe block and disposed after it
 * so no worker outlives the file. A missing build fails loudly: the tests are meant to run after
 * `node scripts/build-wasm.mjs`.
 */
export function useFastBackend(variant: SimdVariant = 'plain SIMD'): () => FastBackend {
  let backend: FastBackend | null = null;
  beforeAll(async () => {
    const simd = await readFile(join(wasmDir, WASM_FILES.simd));
    const relaxedSimd = variant === 'relaxed SIMD' ? await readFile(join(wasmDir, WASM_FILES.relaxedSimd)) : undefined;
    backend = await createFastBackend({
      binaries: { simd, relaxedSimd },
      threads: 2,
      Worker: Worker as unknown as WorkerConstructor,
    });
    if (backend.relaxedSimd !== (variant === 'relaxed SIMD'))
      throw new Error(`asked for ${variant}, got relaxedSimd=${backend.relaxedSimd}`);
  });
  afterAll(async () => {
    if (backend) await backend.dispose();
  });
  return () => {
    if (!backend) throw new Error('fast backend not loaded');
    return backend;
  };
}

/**
 * The fast backend on one thread (plain SIMD, no workers), beside useFastBackend's two, for the checks that a kernel
 * gives the same bits on any thread count; loaded once per describe block and disposed after it.
 */
export function useOneThreadBackend(): () => FastBackend {
  let backend: FastBackend | null = null;
  beforeAll(async () => {
    backend = await createFastBackend({
      binaries: { simd: await readFile(join(wasmDir, WASM_FILES.simd)) },
      threads: 1,
    });
  });
  afterAll(async () => {
    if (backend) await backend.dispose();
  });
  return () => {
    if (!backend) throw new Error('one-thread fast backend not loaded');
    return backend;
  };
}
