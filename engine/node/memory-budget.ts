/**
 * The memory budget runs are checked against (graph/resources.ts): a quarter of this machine's memory, or what
 * `--memory-budget` or the LAYERCANVAS_MEMORY_BUDGET environment variable says (`8GB`, `512MB`, `1.5 GiB`, bytes).
 */
import { totalmem } from 'node:os';
import type { MemoryBudget } from '../graph/resources';

export const BUDGET_ENV = 'LAYERCANVAS_MEMORY_BUDGET';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** `8GB` → 8 × 1024³ (Keras's and the summary's units); null when the text is not a size. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) return null;
  const bytes = Number(m[1]) * unit;
  return bytes > 0 && Number.isFinite(bytes) ? bytes : null;
}

/**
 * The budget from `setting` (a --memory-budget value), else the environment, else a quarter of the machine.
 * Throws a one-line Error naming the bad setting.
 */
export function memoryBudget(
  setting?: string,
  env: NodeJS.ProcessEnv = process.env,
  machineBytes: number = totalmem(),
): MemoryBudget {
  const given = setting ?? env[BUDGET_ENV];
  const source = setting !== undefined ? '--memory-budget' : BUDGET_ENV;
  if (given === undefined || given === '') return { bytes: machineBytes / 4, machineBytes, source: 'default' };
  const bytes = parseSize(given);
  if (bytes === null) throw new Error(`${source} must be a size such as 8GB or 512MB, got '${given}'`);
  return { bytes, machineBytes, source: `set by ${source}` };
}
