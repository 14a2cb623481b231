/**
 * Kernel benchmark: our fast (wasm SIMD, threaded) and reference kernels side by side with TF.js (cpu and wasm
 * backends) and onnxruntime-node, on the ops a small CNN spends its time in. Run `node scripts/build-wasm.mjs` first,
 * then `npx tsx bench/kernels.ts` (`--quick`: fewer repetitions; `--only=fast,onnxruntime`: a subset). Prints a table and
 * writes bench/results.json. Relaxed SIMD on Node 20: `node --experimental-wasm-relaxed-simd --import tsx bench/kernels.ts`.
 * Each op: one warm-up call, then repetitions until ~2 s or 9 runs (at least 3); the median is reported. A warm-up
 * slower than 5 s is reported as the single sample. The machine's load shows in the numbers: note it with them.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFastBackend } from '../engine/kernels/fast/backend';
import { disposeBackend, loadBackend, referenceBackend } from '../engine/kernels/registry';
import { loadTfjs, ortOps, tfjsOps } from './kernels-peers';
import { ops, ours, type Prepared, type Run } from './kernels-workload';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const THREADS = availableParallelism();
const loadAtStart = loadavg();

// ---- timing ---------------------------------------------------------------------------------------------------
interface Result {
  ms?: number;
  gflops?: number;
  reps?: number;
  note?: string;
  unavailable?: string;
}

/** Runs slower than this are measured once (their warm-up is the sample): TF.js cpu's Conv2DBackpropFilter takes minutes. */
const SLOW_MS = 5000;

async function time(run: Run): Promise<{ ms: number; reps: number }> {
  const t0 = performance.now();
  await run();
  const warm = performance.now() - t0;
  if (warm > SLOW_MS) return { ms: warm, reps: 1 };
  const samples: number[] = [];
  const budget = quick ? 500 : 2000;
  const maxReps = quick ? 3 : 9;
  const started = performance.now();
  while (samples.length < 3 || (samples.length < maxReps && performance.now() - started < budget)) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  samples.sort((x, y) => x - y);
  return { ms: samples[Math.floor(samples.length / 2)], reps: samples.length };
}

const peakRssMB = () => Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);

interface Impl {
  id: string;
  name: string;
  note: string;
  load: () => Promise<{ ops: Record<string, Prepared>; notes?: Record<string, string>; note?: string; close?: () => unknown }>;
}

const allImpls: Impl[] = [
  {
    id: 'fast',
    name: 'ours fast',
    note: `wasm SIMD, ${THREADS} threads`,
    load: async () => {
      const { backend, issue } = await loadBackend('fast', { threads: THREADS });
      if (issue) throw new Error(`${issue.message} (${issue.hint})`);
      const relaxed = (backend as { relaxedSimd?: boolean }).relaxedSimd;
      return { ops: ours(backend), note: relaxed ? 'relaxed SIMD' : 'SIMD (relaxed SIMD not enabled in this runtime)', close: () => disposeBackend(backend) };
    },
  },
  {
    id: 'fast1t',
    name: 'ours fast 1T',
    note: 'wasm SIMD, 1 thread',
    load: async () => {
      const { readFile } = await import('node:fs/promises');
      const dir = join(root, 'dist/wasm');
      const backend = await createFastBackend({
        binaries: { simd: await readFile(join(dir, 'kernels-simd.wasm')), relaxedSimd: await readFile(join(dir, 'kernels-relaxed-simd.wasm')) },
        threads: 1,
      });
      return { ops: ours(backend), close: () => backend.dispose() };
    },
  },
  { id: 'reference', name: 'ours reference', note: 'plain TypeScript', load: async () => ({ ops: ours(referenceBackend) }) },
  {
    id: 'tfjs-cpu',
    name: 'tfjs-cpu',
    note: '@tensorflow/tfjs-backend-cpu 4.22.0',
    load: async () => {
      const { tf } = await loadTfjs('cpu', root, THREADS);
      return { ops: tfjsOps(tf), close: () => tf.disposeVariables() };
    },
  },
  {
    id: 'tfjs-wasm',
    name: 'tfjs-wasm',
    note: '@tensorflow/tfjs-backend-wasm 4.22.0',
    load: async () => {
      const { tf, note } = await loadTfjs('wasm', root, THREADS);
      return { ops: tfjsOps(tf), note };
    },
  },
  {
    id: 'onnxruntime',
    name: 'onnxruntime',
    note: `onnxruntime-node 1.30.0 CPU, ${THREADS} intra-op threads`,
    load: async () => {
      const ort = await import('onnxruntime-node');
      return ortOps(ort, THREADS);
    },
  },
];

// `--only=fast,tfjs-wasm` runs a subset (ids: fast, fast1t, reference, tfjs-cpu, tfjs-wasm, onnxruntime).
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const impls = only ? allImpls.filter((i) => only.includes(i.id)) : allImpls;

// ---- run ------------------------------------------------------------------------------------------------------
const table: Record<string, Record<string, Result>> = Object.fromEntries(ops.map((o) => [o.id, {}]));
const implInfo: Record<string, { note: string; loadError?: string; peakRssMBAfter: number }> = {};

for (const impl of impls) {
  process.stdout.write(`${impl.name}: `);
  let loaded: Awaited<ReturnType<Impl['load']>>;
  try {
    loaded = await impl.load();
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    console.log(`failed to load: ${message}`);
    implInfo[impl.name] = { note: impl.note, loadError: message, peakRssMBAfter: peakRssMB() };
    for (const op of ops) table[op.id][impl.name] = { unavailable: `failed to load: ${message}` };
    continue;
  }
  for (const op of ops) {
    const prepared = loaded.ops[op.id];
    if (!prepared || typeof prepared !== 'function') {
      table[op.id][impl.name] = { unavailable: prepared?.unavailable ?? 'not implemented' };
      process.stdout.write('-');
      continue;
    }
    try {
      const { ms, reps } = await time(prepared);
      const note = [loaded.notes?.[op.id], reps === 1 ? '1 run' : ''].filter(Boolean).join(', ') || undefined;
      table[op.id][impl.name] = { ms, reps, gflops: op.flops ? op.flops / ms / 1e6 : undefined, note };
    } catch (e) {
      table[op.id][impl.name] = { unavailable: (e as Error).message.split('\n')[0].slice(0, 120) };
    }
    process.stdout.write('.');
  }
  await loaded.close?.();
  implInfo[impl.name] = { note: [impl.note, loaded.note].filter(Boolean).join('; '), peakRssMBAfter: peakRssMB() };
  console.log(` done (peak RSS so far ${implInfo[impl.name].peakRssMBAfter} MB)`);
}

// ---- report ---------------------------------------------------------------------------------------------------
const names = impls.map((i) => i.name);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
console.log(`\nKernel benchmark — Node ${process.version}, ${THREADS} cores, load average ${loadAtStart[0].toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end; median ms (GFLOP/s); "×" = how many times faster ours fast is\n`);
for (const op of ops) {
  console.log(op.title + (op.flops ? ` — ${(op.flops / 1e9).toFixed(3)} GFLOP` : ''));
  const fast = table[op.id]['ours fast']?.ms;
  for (const name of names) {
    const r = table[op.id][name];
    const cell = r.ms === undefined ? `n/a: ${r.unavailable}` : `${lpad(r.ms.toFixed(2), 9)} ms ${r.gflops ? lpad(`(${r.gflops.toFixed(1)} GFLOP/s)`, 17) : pad('', 17)}`;
    const ratio = r.ms !== undefined && fast !== undefined && name !== 'ours fast' ? `  ×${(r.ms / fast).toFixed(2)}` : '';
    console.log(`  ${pad(name, 15)} ${cell}${ratio}${r.note ? `  [${r.note}]` : ''}`);
  }
}
console.log('\nImplementations:');
for (const name of names) console.log(`  ${pad(name, 15)} ${implInfo[name].note}${implInfo[name].loadError ? ` — FAILED TO LOAD: ${implInfo[name].loadError}` : ''}; peak RSS after: ${implInfo[name].peakRssMBAfter} MB`);
console.log(`Peak RSS of the whole run: ${peakRssMB()} MB`);

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cores: THREADS,
  loadAverage: { start: loadAtStart, end: loadavg() },
  quick,
  implementations: implInfo,
  ops: ops.map((op) => ({
    ...op,
    results: table[op.id],
    speedupOfOursFast: Object.fromEntries(
      names.filter((n) => n !== 'ours fast' && table[op.id][n].ms && table[op.id]['ours fast']?.ms)
        .map((n) => [n, (table[op.id][n].ms as number) / (table[op.id]['ours fast']?.ms as number)]),
    ),
  })),
  peakRssMB: peakRssMB(),
};
writeFileSync(join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
console.log('wrote bench/results.json');
process.exit(0);
