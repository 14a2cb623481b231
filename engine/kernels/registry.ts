import type { LayerIssue } from '../core/problems';
import { createFastBackend, type FastBackend } from './fast/backend';
import type { WasmBinaries } from './fast/runtime';
import type { WorkerConstructor } from './fast/thread-pool';
import { referenceBackend } from './reference';
import type { Backend } from './types';

export type BackendName = 'reference' | 'fast';
export { referenceBackend };
export type { FastBackend };

export const WASM_FILES = { simd: 'kernels-simd.wasm', relaxedSimd: 'kernels-relaxed-simd.wasm' } as const;

export interface LoadOptions {
  /** Folder holding the built .wasm files; default: dist/wasm of this source tree, then of the working directory. */
  wasmDir?: string;
  /** The binaries themselves (e.g. fetched by a browser host); skips reading files. */
  binaries?: WasmBinaries;
  /** Threads for large ops; default: the machine's available parallelism. */
  threads?: number;
}

export interface LoadedBackend {
  backend: Backend;
  /** Why `fast` was asked for but `reference` came back. */
  issue?: LayerIssue;
}

/** Reads the two binaries from disk (Node only; imported lazily so a browser bundle never loads node:fs). */
async function readBinaries(dir: string | undefined): Promise<WasmBinaries> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = dir ? [dir] : [path.join(here, '../../dist/wasm'), path.join(process.cwd(), 'dist/wasm')];
  let lastError: unknown;
  for (const d of candidates) {
    try {
      const simd = await fs.readFile(path.join(d, WASM_FILES.simd));
      const relaxedSimd = await fs.readFile(path.join(d, WASM_FILES.relaxedSimd)).catch(() => undefined);
      return { simd, relaxedSimd };
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`${WASM_FILES.simd} not found in ${candidates.join(' or ')}: ${(lastError as Error)?.message ?? ''}`);
}

async function nodeWorkers(): Promise<{ Worker: WorkerConstructor | null; cores: number }> {
  try {
    const wt = await import('node:worker_threads');
    const os = await import('node:os');
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return { Worker: wt.Worker as unknown as WorkerConstructor, cores };
  } catch {
    return { Worker: null, cores: 1 };
  }
}

/**
 * The kernels to run with. `fast` falls back to `reference` (with the reason as an issue, never a throw) when the
 * WebAssembly binaries are missing or can't be compiled here. Dispose a fast backend when done with it.
 */
export async function loadBackend(name: BackendName, options: LoadOptions = {}): Promise<LoadedBackend> {
  if (name === 'reference') return { backend: referenceBackend };
  try {
    const binaries = options.binaries ?? (await readBinaries(options.wasmDir));
    const { Worker, cores } = await nodeWorkers();
    const backend = await createFastBackend({ binaries, Worker, threads: options.threads ?? cores });
    return { backend };
  } catch (e) {
    return {
      backend: referenceBackend,
      issue: {
        code: 'fast-kernels-unavailable',
        message: `the fast WebAssembly kernels could not be loaded (${(e as Error).message}); using the reference kernels`,
        hint: 'build them with `node scripts/build-wasm.mjs`',
        severity: 'warning',
      },
    };
  }
}

/** Stops a fast backend's worker threads (resolves once they have exited); a no-op for the reference backend. */
export async function disposeBackend(backend: Backend): Promise<void> {
  await (backend as Partial<FastBackend>).dispose?.();
}
