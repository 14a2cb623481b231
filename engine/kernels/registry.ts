import type { LayerIssue } from '../core/problems';
import { createFastBackend, type FastBackend } from './fast/backend';
import type { WasmBinaries } from './fast/runtime';
import type { WorkerConstructor } from './fast/thread-pool';
import { referenceBackend } from './reference';
import type { Backend, KernelsReport } from './types';

export type { KernelsReport };

import type { BackendName } from './types';
export type { BackendName };
export { referenceBackend };
export type { FastBackend };

export const WASM_FILES = { simd: 'kernels-simd.wasm', relaxedSimd: 'kernels-relaxed-simd.wasm' } as const;

export interface LoadOptions {
  /**
   * Folder holding the built .wasm files; default: dist/wasm under the working directory. Each engine entry passes
   * its own (the CLI and the browser host's child: the project's dist/wasm; Electron's utility process: the folder
   * main hands it), so no bundle depends on import.meta, which a CommonJS bundle doesn't have.
   */
  wasmDir?: string;
  /** The binaries themselves (e.g. fetched by a browser host); skips reading files. */
  binaries?: WasmBinaries;
  /**
   * Threads for large ops; default: LAYERCANVAS_THREADS, else one per physical core this process may use, within its
   * CPU quota (engine/node/threads.ts).
   */
  threads?: number;
  /**
   * A partition study of this many threads (`layercanvas train --profile --study-threads n`): no workers; every op
   * splits as it would on n threads and each share runs alone on this thread, timed (fast/runtime.ts runPool).
   */
  studyThreads?: number;
  /** How to get the fast kernels when they don't load; default: build them (right for a source checkout). */
  fixHint?: string;
}

export interface LoadedBackend {
  backend: Backend;
  /** Why `fast` was asked for but `reference` came back. */
  issue?: LayerIssue;
  /** A LAYERCANVAS_THREADS value that was ignored, and what ran instead. */
  threadsWarning?: string;
}

const ON_REFERENCE = 'running on the slow reference kernels: ';

/** Which kernels an engine runs, as the status bar and the CLI say it. */
export function describeKernels(backend: Backend, issue?: LayerIssue): KernelsReport {
  const warning = issue
    ? {
        message: issue.message,
        reason: issue.message.startsWith(ON_REFERENCE) ? issue.message.slice(ON_REFERENCE.length) : issue.message,
        hint: issue.hint ?? '',
      }
    : undefined;
  if (backend.name !== 'fast')
    return { kernels: 'reference', simd: null, threads: 1, label: 'reference kernels (slow)', warning };
  const fast = backend as FastBackend;
  const simd = fast.relaxedSimd ? 'relaxed' : 'plain';
  const threads = fast.threads;
  const label =
    `WASM ${simd === 'relaxed' ? 'relaxed SIMD' : 'SIMD'} · ` +
    (fast.studyThreads
      ? `${threads} threads' shares run one after another (partition study)`
      : `${threads} thread${threads === 1 ? '' : 's'}`);
  return { kernels: 'fast', simd, threads, label, warning };
}

/** Reads the two binaries from disk (Node only; imported lazily so a browser bundle never loads node:fs). */
async function readBinaries(dir: string | undefined): Promise<WasmBinaries> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const folder = dir ?? path.join(process.cwd(), 'dist', 'wasm');
  let simd: Buffer<ArrayBuffer>;
  try {
    simd = await fs.readFile(path.join(folder, WASM_FILES.simd));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${WASM_FILES.simd} is not in ${folder}`
        : `reading ${path.join(folder, WASM_FILES.simd)} failed: ${(e as Error).message}`,
    );
  }
  const relaxedSimd = await fs.readFile(path.join(folder, WASM_FILES.relaxedSimd)).catch(() => undefined);
  return { simd, relaxedSimd };
}

async function nodeWorkers(threads?: number): Promise<{
  Worker: WorkerConstructor | null;
  threads: number;
  threadsWarning?: string;
  loadAverage: (() => number) | null;
}> {
  try {
    const wt = await import('node:worker_threads');
    const os = await import('node:os');
    const { kernelThreads } = await import('../node/threads');
    const choice = kernelThreads(threads);
    // Windows reports no load average (always 0): steps never run hot there.
    const loadAverage = process.platform === 'win32' ? null : () => os.loadavg()[0];
    return {
      Worker: wt.Worker as unknown as WorkerConstructor,
      threads: choice.threads,
      threadsWarning: choice.warning,
      loadAverage,
    };
  } catch {
    return { Worker: null, threads: 1, loadAverage: null };
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
    const { Worker, threads, threadsWarning, loadAverage } = await nodeWorkers(options.threads);
    const backend = await createFastBackend({
      binaries,
      Worker,
      threads,
      loadAverage,
      studyThreads: options.studyThreads,
    });
    return threadsWarning ? { backend, threadsWarning } : { backend };
  } catch (e) {
    return {
      backend: referenceBackend,
      issue: {
        code: 'fast-kernels-unavailable',
        message: `${ON_REFERENCE}the fast WebAssembly kernels could not be loaded (${(e as Error).message})`,
        hint:
          options.fixHint ??
          'build them with `npm run build` (or `node scripts/build-wasm.mjs`) in the LayerCanvas folder, then restart',
        severity: 'warning',
      },
    };
  }
}

/** Stops a fast backend's worker threads (resolves once they have exited); a no-op for the reference backend. */
export async function disposeBackend(backend: Backend): Promise<void> {
  await (backend as Partial<FastBackend>).dispose?.();
}
