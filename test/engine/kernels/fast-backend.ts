import { afterAll, beforeAll } from 'vitest';
import { disposeBackend, loadBackend } from '../../../engine/kernels/registry';
import type { Backend } from '../../../engine/kernels/types';

/**
 * The fast backend with two threads, loaded once per test file and disposed after it so no worker outlives the
 * file. A missing build fails loudly: the tests are meant to run after `node scripts/build-wasm.mjs`.
 */
export function useFastBackend(): () => Backend {
  let backend: Backend | null = null;
  beforeAll(async () => {
    const loaded = await loadBackend('fast', { threads: 2 });
    if (loaded.issue) throw new Error(`${loaded.issue.message} (${loaded.issue.hint})`);
    backend = loaded.backend;
  });
  afterAll(async () => {
    if (backend) await disposeBackend(backend);
  });
  return () => {
    if (!backend) throw new Error('fast backend not loaded');
    return backend;
  };
}
