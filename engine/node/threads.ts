/**
 * How many threads the kernels use: one per physical core this process may run on, as PyTorch and onnxruntime
 * choose. Two hyperthreads of one core share its SIMD units, so a second thread there adds little to a compute-bound
 * kernel, and on a memory-bound pass it adds a wake-up and a share of the caches; a container's CPU quota (cgroup
 * `cpu.max`) caps the count too, or 64 threads would take turns on 2 CPUs' worth of time. `--threads` or the
 * LAYERCANVAS_THREADS environment variable overrides it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export const THREADS_ENV = 'LAYERCANVAS_THREADS';
/** More threads than this is a typo, not a machine: each holds its own scratch and wakes for every large op. */
export const MAX_THREADS = 256;

/** What the machine says about its CPUs; null where it doesn't say. */
export interface CpuFacts {
  /** Logical CPUs this process may use (os.availableParallelism). */
  logical: number;
  /** Physical cores among those CPUs. */
  physical: number | null;
  /** The container's CPU quota in CPUs (quota / period), null when unlimited. */
  quota: number | null;
}

export interface ThreadChoice {
  threads: number;
  /** Where the number came from, as `--profile` and the docs say it. */
  source: 'setting' | 'environment' | 'physical cores' | 'CPU quota' | 'logical CPUs';
  /** A bad LAYERCANVAS_THREADS value, ignored: the one-line warning to show. */
  warning?: string;
}

/** `4` → 4; null when the text is not a whole number from 1 to MAX_THREADS. */
export function parseThreads(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX_THREADS ? n : null;
}

export const THREADS_RULE = `a whole number from 1 to ${MAX_THREADS}`;

/** The choice from a setting (already validated), else the environment, else the machine's facts. */
export function chooseThreads(
  facts: CpuFacts,
  setting?: number,
  env: string | undefined = process.env[THREADS_ENV],
): ThreadChoice {
  if (setting !== undefined) return { threads: setting, source: 'setting' };
  let warning: string | undefined;
  if (env !== undefined && env.trim() !== '') {
    const n = parseThreads(env);
    if (n !== null) return { threads: n, source: 'environment' };
    warning = `${THREADS_ENV}='${env}' is not ${THREADS_RULE}; using the machine's cores instead`;
  }
  const logical = Math.max(1, Math.floor(facts.logical));
  const physical = facts.physical !== null && facts.physical >= 1 ? Math.min(facts.physical, logical) : null;
  let threads = physical ?? logical;
  let source: ThreadChoice['source'] = physical !== null && physical < logical ? 'physical cores' : 'logical CPUs';
  if (facts.quota !== null && facts.quota > 0 && Math.ceil(facts.quota) < threads) {
    threads = Math.ceil(facts.quota);
    source = 'CPU quota';
  }
  return { threads: Math.max(1, threads), source, ...(warning ? { warning } : {}) };
}

/** "0-3,8,10-11" → [0, 1, 2, 3, 8, 10, 11]; [] for anything else. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return [];
    const lo = Number(m[1]),
      hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 4096) return [];
    for (let c = lo; c <= hi; c++) cpus.push(c);
  }
  return cpus;
}

/** cgroup v2 `cpu.max` ("max 100000" or "200000 100000") or v1's quota and period in µs → CPUs; null: no limit. */
export function parseCpuQuota(quota: string, period?: string): number | null {
  const [q, p] = period === undefined ? quota.trim().split(/\s+/) : [quota.trim(), period.trim()];
  const qn = Number(q),
    pn = Number(p);
  if (!Number.isFinite(qn) || !Number.isFinite(pn) || qn <= 0 || pn <= 0) return null;
  return qn / pn;
}

type Read = (path: string) => string;

/**
 * Linux: the physical cores (distinct package and core ids) among the CPUs this process may run on
 * (/proc/self/status Cpus_allowed_list), from /sys/devices/system/cpu/cpuN/topology; null when unreadable.
 */
export function linuxPhysicalCores(read: Read, list: () => string[]): number | null {
  try {
    const status = read('/proc/self/status');
    const allowed = /^Cpus_allowed_list:\s*(.+)$/m.exec(status);
    const cpus = allowed
      ? parseCpuList(allowed[1])
      : list()
          .map((d) => /^cpu(\d+)$/.exec(d))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => Number(m[1]));
    const cores = new Set<string>();
    for (const c of cpus) {
      const dir = `/sys/devices/system/cpu/cpu${c}/topology`;
      let core: string;
      try {
        core = `${read(`${dir}/physical_package_id`).trim()}:${read(`${dir}/core_id`).trim()}`;
      } catch {
        continue; // offline or missing: not a CPU we run on
      }
      cores.add(core);
    }
    return cores.size > 0 ? cores.size : null;
  } catch {
    return null;
  }
}

/** Linux: the CPU quota of this process's cgroup (v2, then v1); null when unlimited or unreadable. */
export function linuxCpuQuota(read: Read): number | null {
  try {
    return parseCpuQuota(read('/sys/fs/cgroup/cpu.max'));
  } catch {
    try {
      return parseCpuQuota(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'), read('/sys/fs/cgroup/cpu/cpu.cfs_period_us'));
    } catch {
      return null;
    }
  }
}

/** This machine's facts: Linux from /proc and /sys, macOS from sysctl, elsewhere the logical count alone. */
export function cpuFacts(): CpuFacts {
  const logical = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const read: Read = (p) => readFileSync(p, 'utf8');
  if (process.platform === 'linux')
    return {
      logical,
      physical: linuxPhysicalCores(read, () => readdirSync('/sys/devices/system/cpu')),
      quota: linuxCpuQuota(read),
    };
  if (process.platform === 'darwin') {
    let physical: number | null = null;
    try {
      const n = Number(execFileSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8', timeout: 2000 }).trim());
      physical = Number.isInteger(n) && n > 0 ? n : null;
    } catch {
      // no sysctl: the logical count
    }
    return { logical, physical, quota: null };
  }
  // Windows has no cheap way to ask (WMI takes a second): every logical CPU.
  return { logical, physical: null, quota: null };
}

/** The threads for this process: the setting, else LAYERCANVAS_THREADS, else its physical cores within its quota. */
export function kernelThreads(setting?: number): ThreadChoice {
  return chooseThreads(cpuFacts(), setting);
}
