/**
 * The kernels this engine process runs: loaded once, on first use, from the folder its entry was told on the
 * command line (`--wasm-dir=<folder>`: Electron main passes the packaged dist/wasm, `layercanvas serve` the
 * project's). The `kernels` request reports them, so the app can say which run and, on the reference kernels, why.
 */
import type { KernelsReport, LoadOptions } from '../kernels/registry';
import type { Backend } from '../kernels/types';

// The kernels' modules load with the first request that needs them, not with the engine process.
const registry = () => import('../kernels/registry');

export const WASM_DIR_ARG = '--wasm-dir=';
/** On the command line of an engine that runs from an installed app, where building the kernels is no fix. */
export const PACKAGED_ARG = '--packaged';
const PACKAGED_FIX = 'reinstall LayerCanvas: this installation lacks its kernels (the wasm folder beside the engine)';

/** The kernel options an engine entry's command line gives: the kernels' folder, and the fix for an installed app. */
export function kernelOptionsFromArgv(argv: readonly string[]): LoadOptions {
  return { wasmDir: wasmDirFromArgv(argv), fixHint: argv.includes(PACKAGED_ARG) ? PACKAGED_FIX : undefined };
}

/** The folder named by `--wasm-dir=<folder>` in argv, if any. */
export function wasmDirFromArgv(argv: readonly string[]): string | undefined {
  const arg = argv.find((a) => a.startsWith(WASM_DIR_ARG));
  return arg ? arg.slice(WASM_DIR_ARG.length) || undefined : undefined;
}

let options: LoadOptions = {};
let loaded: Promise<{ backend: Backend; report: KernelsReport }> | null = null;

/** Where (and how) to load the kernels; call before the first request. Drops a backend loaded with other options. */
export function configureKernels(next: LoadOptions): void {
  options = next;
  void disposeEngineBackend();
}

function load() {
  loaded ??= registry().then(async ({ loadBackend, describeKernels }) => {
    const { backend, issue, threadsWarning } = await loadBackend('fast', options);
    if (threadsWarning) console.error(`layercanvas engine: ${threadsWarning}`);
    return { backend, report: describeKernels(backend, issue) };
  });
  return loaded;
}

/** The fast kernels when they load, else the reference ones with the reason. */
export async function engineBackend(): Promise<{ backend: Backend; warning?: string }> {
  const { backend, report } = await load();
  return { backend, warning: report.warning ? `${report.warning.message}; ${report.warning.hint}` : undefined };
}

export async function kernelsReport(): Promise<KernelsReport> {
  return (await load()).report;
}

export async function disposeEngineBackend(): Promise<void> {
  const current = loaded;
  loaded = null;
  if (current) await (await registry()).disposeBackend((await current).backend);
}
