import { describe, expect, it } from 'vitest';
import {
  chooseThreads,
  cpuFacts,
  kernelThreads,
  linuxCpuQuota,
  linuxPhysicalCores,
  parseCpuList,
  parseCpuQuota,
  parseThreads,
} from '../../../engine/node/threads';

/** A fake /proc and /sys: paths to contents; anything else is missing (throws, as readFileSync does). */
function files(map: Record<string, string>) {
  return (path: string) => {
    if (!(path in map)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return map[path];
  };
}

/** A machine of `cores` cores with `smt` hyperthreads each, numbered as Linux does (sibling of cpu i is i + cores). */
function topology(cores: number, smt: number, allowed?: string) {
  const map: Record<string, string> = {
    '/proc/self/status': `Name:\tnode\nCpus_allowed_list:\t${allowed ?? `0-${cores * smt - 1}`}\n`,
  };
  for (let cpu = 0; cpu < cores * smt; cpu++) {
    map[`/sys/devices/system/cpu/cpu${cpu}/topology/physical_package_id`] = '0\n';
    map[`/sys/devices/system/cpu/cpu${cpu}/topology/core_id`] = `${cpu % cores}\n`;
  }
  return files(map);
}

describe('how many threads the kernels use', () => {
  it('one per physical core: a 16-core desktop with hyperthreads (32 logical CPUs) gets 16', () => {
    expect(chooseThreads({ logical: 32, physical: 16, quota: null }, undefined, undefined)).toEqual({
      threads: 16,
      source: 'physical cores',
    });
  });

  it('every CPU where each is its own core (this VM, Apple silicon)', () => {
    expect(chooseThreads({ logical: 2, physical: 2, quota: null }, undefined, undefined)).toEqual({
      threads: 2,
      source: 'logical CPUs',
    });
    expect(chooseThreads({ logical: 8, physical: null, quota: null }, undefined, undefined).threads).toBe(8);
  });

  it("a container's CPU quota caps it: 64 cores at --cpus=2.5 get 3, not 64 taking turns", () => {
    expect(chooseThreads({ logical: 64, physical: 64, quota: 2.5 }, undefined, undefined)).toEqual({
      threads: 3,
      source: 'CPU quota',
    });
    expect(chooseThreads({ logical: 4, physical: 4, quota: 8 }, undefined, undefined).threads).toBe(4);
  });

  it('--threads wins, then LAYERCANVAS_THREADS; a bad variable is ignored with a warning that names it', () => {
    const facts = { logical: 32, physical: 16, quota: null };
    expect(chooseThreads(facts, 3, '5')).toEqual({ threads: 3, source: 'setting' });
    expect(chooseThreads(facts, undefined, '5')).toEqual({ threads: 5, source: 'environment' });
    const bad = chooseThreads(facts, undefined, 'lots');
    expect(bad.threads).toBe(16);
    expect(bad.warning).toBe(
      "LAYERCANVAS_THREADS='lots' is not a whole number from 1 to 256; using the machine's cores instead",
    );
    expect(chooseThreads(facts, undefined, '').warning).toBeUndefined();
  });

  it('parses counts strictly: whole numbers from 1 to 256', () => {
    expect(parseThreads('4')).toBe(4);
    expect(parseThreads(' 16 ')).toBe(16);
    for (const bad of ['0', '-2', '2.5', '1e3', '257', 'four', '']) expect(parseThreads(bad), bad).toBeNull();
  });
});

describe('what Linux says about the CPUs', () => {
  it('cpu lists: ranges and singles; anything malformed is no list', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('5')).toEqual([5]);
    expect(parseCpuList('3-1')).toEqual([]);
    expect(parseCpuList('a-b')).toEqual([]);
  });

  it('cgroup quotas: v2 "max" is no limit, "250000 100000" is 2.5 CPUs; v1 quota -1 is no limit', () => {
    expect(parseCpuQuota('max 100000\n')).toBeNull();
    expect(parseCpuQuota('250000 100000\n')).toBe(2.5);
    expect(parseCpuQuota('-1', '100000')).toBeNull();
    expect(parseCpuQuota('50000', '100000')).toBe(0.5);
    expect(linuxCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '200000 100000' }))).toBe(2);
    expect(
      linuxCpuQuota(
        files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '400000', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' }),
      ),
    ).toBe(4);
    expect(linuxCpuQuota(files({}))).toBeNull();
  });

  it('physical cores: distinct (package, core) among the CPUs this process may use', () => {
    expect(linuxPhysicalCores(topology(16, 2), () => [])).toBe(16);
    expect(linuxPhysicalCores(topology(8, 1), () => [])).toBe(8);
    // taskset to cpus 0, 1 and their siblings 16, 17: two cores.
    expect(linuxPhysicalCores(topology(16, 2, '0-1,16-17'), () => [])).toBe(2);
    // Two sockets: core ids repeat per package.
    const twoSockets = files({
      '/proc/self/status': 'Cpus_allowed_list:\t0-3\n',
      ...Object.fromEntries(
        [0, 1, 2, 3].flatMap((c) => [
          [`/sys/devices/system/cpu/cpu${c}/topology/physical_package_id`, `${c >> 1}`],
          [`/sys/devices/system/cpu/cpu${c}/topology/core_id`, `${c & 1}`],
        ]),
      ),
    });
    expect(linuxPhysicalCores(twoSockets, () => [])).toBe(4);
    expect(linuxPhysicalCores(files({}), () => [])).toBeNull();
  });

  it('on this machine: a count from 1 to its logical CPUs, and the default is what the facts choose', () => {
    const facts = cpuFacts();
    expect(facts.logical).toBeGreaterThanOrEqual(1);
    if (facts.physical !== null) expect(facts.physical).toBeLessThanOrEqual(facts.logical);
    const saved = process.env.LAYERCANVAS_THREADS;
    delete process.env.LAYERCANVAS_THREADS;
    try {
      expect(kernelThreads().threads).toBe(chooseThreads(facts, undefined, undefined).threads);
      expect(kernelThreads(3).threads).toBe(3);
    } finally {
      if (saved !== undefined) process.env.LAYERCANVAS_THREADS = saved;
    }
  });
});
