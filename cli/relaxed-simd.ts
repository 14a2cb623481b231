/**
 * Relaxed SIMD for the Node processes that run the kernels. Node 20 validates it only behind a V8 flag, and
 * NODE_OPTIONS refuses V8 flags of this kind (process.allowedNodeEnvironmentFlags doesn't list it), so it goes on a
 * child's command line, or into this process before it compiles any kernel. Newer runtimes need neither.
 */
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { RELAXED_SIMD_FLAG, RELAXED_SIMD_PROBE, runtimeHasRelaxedSimd } from '../engine/kernels/fast/relaxed-simd';

let childArgs: string[] | undefined;

/** Whether a Node started with `args` validates relaxed SIMD (a run of about 40 ms). */
function nodeValidatesWith(args: string[]): boolean {
  const code = `process.exit(WebAssembly.validate(Uint8Array.from(${JSON.stringify([...RELAXED_SIMD_PROBE])})) ? 0 : 3)`;
  const r = spawnSync(process.execPath, [...args, '-e', code], {
    stdio: 'ignore',
    timeout: 20_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return r.status === 0;
}

/**
 * Extra execArgv for a Node child that runs the kernels: the flag when this Node needs it and accepts it (proved by
 * running it once), nothing when relaxed SIMD is on by default or the flag is refused (the child then uses plain
 * SIMD). Computed once per process.
 */
export function relaxedSimdExecArgv(): string[] {
  // Asked of fresh children, not of this process: its own flags (set on its command line or by enableRelaxedSimd,
  // possibly by another module instance) say nothing about a child's.
  childArgs ??= nodeValidatesWith([]) ? [] : nodeValidatesWith([RELAXED_SIMD_FLAG]) ? [RELAXED_SIMD_FLAG] : [];
  return childArgs;
}

/**
 * Turns relaxed SIMD on in this process when the runtime needs the flag; call it before the first kernel compiles
 * (V8 reads wasm feature flags when it validates a module). True when relaxed SIMD now validates here.
 */
export function enableRelaxedSimd(): boolean {
  if (runtimeHasRelaxedSimd()) return true;
  if (!nodeValidatesWith([RELAXED_SIMD_FLAG])) return false;
  setFlagsFromString(RELAXED_SIMD_FLAG);
  return runtimeHasRelaxedSimd();
}
