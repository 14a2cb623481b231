// Types for build-steps.mjs, which the bundle tests import to build what is stale before loading it.
export interface BuildStep {
  id: 'wasm' | 'renderer' | 'electron';
  title: string;
  args: string[];
  outputs: string[];
  sources: string[];
  /** Folders under `sources` that don't count. */
  except?: string[];
}
export const ROOT: string;
export const STEPS: BuildStep[];
export function staleReason(step: BuildStep, root?: string): string | null;
export function runStep(
  step: BuildStep,
  root?: string,
): { ok: boolean; ms: number; output: string; status: number | string | null };
export function ensureBuilt(
  ids: BuildStep['id'][],
  options?: { root?: string; log?: (line: string) => void; force?: boolean },
): string[];
