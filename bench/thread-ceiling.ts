/**
 * The machine's own thread scaling, for the kernel bench's speed-up table. A register-only SIMD loop (no operand,
 * no cache traffic, nothing shared but the claim counters) is split into units and run on our thread pool exactly
 * as a kernel's chunks are (wasm/claim.ts, fast/runtime.ts runShared): its speed-up from 1 thread to all is what
 * this machine gives any perfectly parallel work at that moment, the ceiling for every kernel's speed-up. On a
 * shared virtual machine it is far from the thread count: cores are lent, taken back and slowed by their
 * neighbours (on the 2-core VM a native C loop of AVX2 FMAs on two pthreads ran a median 1.79–1.87× faster per
 * round than on one, 1.60–1.68× by total time).
 * Compiled from the AssemblyScript below at bench time (the product's binaries don't carry it), in a child process:
 * the compiler's own peak (1.5 GB) would otherwise be the bench's peak RSS. Kept in dist/bench until this file
 * changes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, runShared, type WasmRuntime } from '../engine/kernels/fast/runtime';
import type { WorkerConstructor } from '../engine/kernels/fast/thread-pool';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const OUT = join(root, 'dist/bench/thread-ceiling.wasm');
const ENTRY = 'bench-thread-ceiling.ts';

// Twelve independent chains of f32x4 multiplies and adds, kept in registers: enough to keep every floating-point
// pipe busy (a multiply and an add take 3 cycles each on the cores we measure), so the loop draws as much power as
// a GEMM does and the cores clock as they would under our kernels. The sum is returned so the loop can't be dropped.
// Units are claimed as the kernels' chunks are.
const CHAINS = 12;
const lanes = Array.from({ length: CHAINS }, (_, i) => i);
const SOURCE = `
import { claim } from './engine/kernels/wasm/claim';
export function spin(ctx: usize, units: i32, iters: i32): f32 {
  const m = f32x4.splat(0.9999), k = f32x4.splat(0.0001);
  let total: f32 = 0;
  for (let u = claim(ctx, 1, units); u < units; u = claim(ctx, 1, units)) {
    ${lanes.map((i) => `let a${i} = f32x4.splat(<f32>(u + ${i}));`).join(' ')}
    for (let i = 0; i < iters; i++) {
      ${lanes.map((i) => `a${i} = f32x4.add(f32x4.mul(a${i}, m), k);`).join(' ')}
    }
    let s = a0;
    ${lanes
      .slice(1)
      .map((i) => `s = f32x4.add(s, a${i});`)
      .join(' ')}
    total += f32x4.extract_lane(s, 0);
  }
  return total;
}
`;

async function compile(): Promise<Uint8Array> {
  const { default: asc } = await import('assemblyscript/asc');
  let binary: Uint8Array | null = null;
  const { error, stderr } = await asc.main(
    [
      ENTRY,
      '--runtime',
      'stub',
      '--importMemory',
      '--sharedMemory',
      '--initialMemory',
      '2',
      '--maximumMemory',
      '65536',
      '--optimizeLevel',
      '3',
      '--noAssert',
      '--use',
      'abort=',
      '--enable',
      'simd,threads',
      '--outFile',
      'ceiling.wasm',
    ],
    {
      readFile: (name: string, baseDir: string) => {
        if (name === ENTRY) return SOURCE;
        try {
          return readFileSync(join(root, baseDir, name), 'utf8');
        } catch {
          return null;
        }
      },
      writeFile: (name: string, contents: Uint8Array | string) => {
        if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
      },
      listFiles: () => [],
    },
  );
  if (error || !binary) throw new Error(`thread ceiling: compile failed: ${error?.message ?? 'no binary'} ${stderr}`);
  return binary;
}

/** Units of the loop per run, and multiply-add steps per unit: about 0.25 ms a unit, 8 ms a run on one core. */
const UNITS = 32;
const CALIBRATE_MS = 0.25;

export interface Ceiling {
  /** One run of the whole loop on the pool's threads; resolves when done. */
  run(): void;
  close(): Promise<void>;
}

/** A runtime with `threads` threads running the loop; `iters` from ceilingIters, the same for every thread count. */
export async function threadCeiling(threads: number, Worker: WorkerConstructor, iters: number): Promise<Ceiling> {
  const rt: WasmRuntime = await createRuntime({ simd: await binary() }, { threads, Worker });
  return {
    run: () => {
      rt.arena.reset();
      runShared(rt, threads, (_, ctx) => ({ fn: 'spin', args: [ctx, UNITS, iters] }));
    },
    close: () => rt.pool.dispose(),
  };
}

/** The compiled loop: dist/bench's copy while it is newer than this file, else compiled anew by a child process. */
async function binary(): Promise<Uint8Array<ArrayBuffer>> {
  if (!existsSync(OUT) || statSync(OUT).mtimeMs < statSync(self).mtimeMs) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--compile'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`thread ceiling: compile failed: ${r.stderr || r.stdout}`);
  }
  return new Uint8Array(readFileSync(OUT));
}

if (process.argv.includes('--compile') && resolve(process.argv[1] ?? '') === self) {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, await compile());
}

/** Steps per unit that take about CALIBRATE_MS on one thread here (measured once, best of five). */
export async function ceilingIters(): Promise<number> {
  const rt = await createRuntime({ simd: await binary() }, { threads: 1, Worker: null });
  const probe = 200_000;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    rt.arena.reset();
    const t = performance.now();
    runShared(rt, 1, (_, ctx) => ({ fn: 'spin', args: [ctx, 1, probe] }));
    best = Math.min(best, performance.now() - t);
  }
  return Math.max(1000, Math.round((probe * CALIBRATE_MS) / Math.max(best, 1e-3)));
}
