/**
 * Kernel benchmark: our fast (wasm SIMD, threaded) and reference kernels side by side with TF.js (cpu and wasm
 * backends) and onnxruntime-node, on the ops a small CNN spends its time in. Run `node scripts/build-wasm.mjs` first,
 * then `npx tsx bench/kernels.ts` (`--quick`: fewer repetitions; `--only=fast,onnxruntime`: a subset). Prints a table and
 * writes bench/results.json. `npm run bench` adds the relaxed-SIMD flag where this Node needs it (by hand on Node 20:
 * `node --experimental-wasm-relaxed-simd --import tsx bench/kernels.ts`).
 * The slow implementations (reference, tfjs-cpu) are timed one after the other: a warm-up call, then repetitions
 * until ~2 s or 9 runs (at least 3); a warm-up slower than 5 s is the single sample. The fast ones are loaded together
 * and timed in interleaved rounds (each round runs every one of them once, in a random order), so a burst of load
 * from other processes on a shared machine hits them all alike and the ratios stay meaningful; sub-millisecond ops
 * get up to MAX_SHORT_ROUNDS rounds. Medians are reported, with the spread (min–max) in results.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFastBackend } from '../engine/kernels/fast/backend';
import { seededRandom } from '../engine/kernels/dropout';
import { disposeBackend, loadBackend, referenceBackend } from '../engine/kernels/registry';
import { loadTfjs, ortOps, tfjsOps } from './kernels-peers';
import { ops, ours, type Prepared, type Run, type SelfTimed } from './kernels-workload';
import { ceilingIters, threadCeiling } from './thread-ceiling';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const THREADS = availableParallelism();
const loadAtStart = loadavg();

// ---- timing ---------------------------------------------------------------------------------------------------
interface Result {
  ms?: number;
  min?: number;
  max?: number;
  gflops?: number;
  reps?: number;
  note?: string;
  unavailable?: string;
}

/** Runs slower than this are measured once (their warm-up is the sample): TF.js cpu's Conv2DBackpropFilter takes minutes. */
const SLOW_MS = 5000;
const BUDGET_MS = quick ? 500 : 2000;
const MAX_REPS = quick ? 3 : 9;

const summary = (samples: number[]) => {
  const s = [...samples].sort((x, y) => x - y);
  return { ms: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], reps: s.length };
};

/** V8's collector when the run exposes it (`--expose-gc`, as `npm run bench` passes): a sample then starts clean. */
const collect = (globalThis as { gc?: () => void }).gc;

/**
 * How long a sample waits after the collection: V8 finishes it (sweeping, returning pages) on helper threads, which
 * take the other cores just as our workers start. Timed straight after gc(), the ceiling loop split on 2 threads ran
 * 1.42× faster than on one (paired 1.47×); 5 ms later, 1.88× (paired 1.88×), as without the collection.
 */
const SETTLE_MS = 5;

async function timed(run: Run): Promise<number> {
  // Ops outside a step return new arrays of megabytes: without this, a major collection they set off lands inside a
  // later sample, and rows read 3–10× their usual time in some runs.
  if (collect) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }
  const t = performance.now();
  const r = (await run()) as Partial<SelfTimed> | undefined;
  return typeof r?.selfMs === 'number' ? r.selfMs : performance.now() - t;
}

async function timeAlone(run: Run): Promise<ReturnType<typeof summary>> {
  const warm = await timed(run);
  if (warm > SLOW_MS) return summary([warm]);
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < 3 || (samples.length < MAX_REPS && performance.now() - started < BUDGET_MS))
    samples.push(await timed(run));
  return summary(samples);
}

/**
 * Sub-millisecond ops get up to this many rounds: with only MAX_REPS samples the median of a 0.2 ms op swung by 30%
 * between runs (one preempted sample moves it), enough to reverse a 1.3× difference between two binaries.
 */
const MAX_SHORT_ROUNDS = quick ? 30 : 200;
const SHORT_MS = 2;

const orderRandom = seededRandom(7);

/**
 * 0..n−1 in a fresh seeded random order. Not a rotation: with rotating order each implementation always followed the
 * same one (ours fast always ran right after onnxruntime, whose intra-op threads spin-wait after a run by default),
 * and on the batch-1 conv ours fast measured 0.31 ms while the same single-threaded code measured 0.23 and 0.27 ms
 * in the other two rows of that run.
 */
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(orderRandom() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Every run once per round, in a random order, until the budget (scaled by how many there are) or the round cap;
 * the samples of round r are samples[·][r], so two runs' timings can be compared round by round.
 */
async function timeInterleaved(runs: Run[]): Promise<{ summaries: ReturnType<typeof summary>[]; samples: number[][] }> {
  let slowest = 0;
  for (const run of runs) slowest = Math.max(slowest, await timed(run));
  const maxRounds = slowest < SHORT_MS ? MAX_SHORT_ROUNDS : MAX_REPS;
  const samples: number[][] = runs.map(() => []);
  const started = performance.now();
  for (
    let round = 0;
    round < 3 || (round < maxRounds && performance.now() - started < BUDGET_MS * runs.length);
    round++
  ) {
    for (const j of shuffled(runs.length)) samples[j].push(await timed(runs[j]));
  }
  return { summaries: samples.map(summary), samples };
}

const peakRssMB = () => Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);

type Loaded = {
  ops: Record<string, Prepared>;
  notes?: Record<string, string>;
  note?: string;
  close?: () => unknown;
  /** The machine's ceiling on this implementation's thread count (ours fast and ours fast 1T only). */
  ceiling?: Run;
};

interface Impl {
  id: string;
  name: string;
  note: string;
  /** Timed alone, before the others (too slow to interleave). */
  solo?: boolean;
  load: () => Promise<Loaded>;
}

const simdNote = (relaxed: boolean | undefined) => (relaxed ? 'relaxed SIMD' : 'plain SIMD');
const wasmDir = join(root, 'dist/wasm');

/**
 * The ceiling loop on `threads` threads (bench/thread-ceiling.ts), the same length for every count. It runs in every
 * op's rounds beside the op: a shared VM's cores change speed for seconds at a time (the loop on 2 threads took
 * 3.1–3.8 ms in some stretches of rounds and 5.7–6.2 ms, the 1-thread time, in others), so a ceiling measured once
 * would not describe the rounds of a later op.
 */
let iters: Promise<number> | null = null;
async function withCeiling(loaded: Loaded, threads: number): Promise<Loaded> {
  const { Worker } = await import('node:worker_threads');
  iters ??= ceilingIters();
  const ceiling = await threadCeiling(threads, Worker as never, await iters);
  return {
    ...loaded,
    ceiling: () => ceiling.run(),
    close: async () => {
      await loaded.close?.();
      await ceiling.close();
    },
  };
}

async function fastWith(threads: number, relaxed: boolean): Promise<Loaded> {
  const { readFile } = await import('node:fs/promises');
  const { Worker } = await import('node:worker_threads');
  const simd = await readFile(join(wasmDir, 'kernels-simd.wasm'));
  const relaxedSimd = relaxed ? await readFile(join(wasmDir, 'kernels-relaxed-simd.wasm')) : undefined;
  const backend = await createFastBackend({ binaries: { simd, relaxedSimd }, threads, Worker: Worker as never });
  return { ops: ours(backend), note: simdNote(backend.relaxedSimd), close: () => backend.dispose() };
}

const allImpls: Impl[] = [
  {
    id: 'fast',
    name: 'ours fast',
    note: `wasm, ${THREADS} threads, as the product loads it`,
    load: async () => {
      const { backend, issue } = await loadBackend('fast', { threads: THREADS });
      if (issue) throw new Error(`${issue.message} (${issue.hint})`);
      return withCeiling(
        {
          ops: ours(backend),
          note: simdNote((backend as { relaxedSimd?: boolean }).relaxedSimd),
          close: () => disposeBackend(backend),
        },
        THREADS,
      );
    },
  },
  {
    id: 'fast-plain',
    name: 'ours plain SIMD',
    note: `wasm, ${THREADS} threads, relaxed SIMD left off`,
    load: () => fastWith(THREADS, false),
  },
  {
    id: 'fast1t',
    name: 'ours fast 1T',
    note: 'wasm, 1 thread',
    load: async () => withCeiling(await fastWith(1, true), 1),
  },
  {
    id: 'reference',
    name: 'ours reference',
    note: 'plain TypeScript',
    solo: true,
    load: async () => ({ ops: ours(referenceBackend) }),
  },
  {
    id: 'tfjs-cpu',
    name: 'tfjs-cpu',
    note: '@tensorflow/tfjs-backend-cpu 4.22.0',
    solo: true,
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

// `--only=fast,tfjs-wasm` runs a subset (ids: fast, fast-plain, fast1t, reference, tfjs-cpu, tfjs-wasm, onnxruntime).
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const impls = only ? allImpls.filter((i) => only.includes(i.id)) : allImpls;

// ---- run ------------------------------------------------------------------------------------------------------
const table: Record<string, Record<string, Result>> = Object.fromEntries(ops.map((o) => [o.id, {}]));
const implInfo: Record<string, { note: string; loadError?: string; peakRssMBAfter: number }> = {};
/** Each interleaved implementation's samples of an op, round by round, and of the ceiling loop in the same rounds. */
const rounds: Record<string, Record<string, number[]>> = Object.fromEntries(ops.map((o) => [o.id, {}]));
const ceilingRounds: Record<string, Record<string, number[]>> = Object.fromEntries(ops.map((o) => [o.id, {}]));

async function load(impl: Impl): Promise<Loaded | null> {
  try {
    return await impl.load();
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    console.log(`${impl.name}: failed to load: ${message}`);
    implInfo[impl.name] = { note: impl.note, loadError: message, peakRssMBAfter: peakRssMB() };
    for (const op of ops) table[op.id][impl.name] = { unavailable: `failed to load: ${message}` };
    return null;
  }
}

function record(impl: Impl, loaded: Loaded, opId: string, r: ReturnType<typeof summary>): void {
  const op = ops.find((o) => o.id === opId)!;
  const note = [loaded.notes?.[opId], r.reps === 1 ? '1 run' : ''].filter(Boolean).join(', ') || undefined;
  table[opId][impl.name] = { ...r, gflops: op.flops ? op.flops / r.ms / 1e6 : undefined, note };
}

const runnable = (loaded: Loaded, impl: Impl, opId: string): Run | null => {
  const prepared = loaded.ops[opId];
  if (prepared && typeof prepared === 'function') return prepared;
  const inStep = ops.find((o) => o.id === opId)?.inStep ? 'a row for our step-resident results only' : undefined;
  table[opId][impl.name] = { unavailable: prepared?.unavailable ?? inStep ?? 'not implemented' };
  return null;
};

const failed = (impl: Impl, opId: string, e: unknown) => {
  table[opId][impl.name] = { unavailable: (e as Error).message.split('\n')[0].slice(0, 120) };
};

// The slow ones first, one at a time (tfjs-cpu must also be done before tfjs-wasm takes over the tf engine).
for (const impl of impls.filter((i) => i.solo)) {
  process.stdout.write(`${impl.name}: `);
  const loaded = await load(impl);
  if (!loaded) continue;
  for (const op of ops) {
    const run = runnable(loaded, impl, op.id);
    if (run)
      await timeAlone(run).then(
        (r) => record(impl, loaded, op.id, r),
        (e) => failed(impl, op.id, e),
      );
    process.stdout.write(run ? '.' : '-');
  }
  await loaded.close?.();
  implInfo[impl.name] = { note: [impl.note, loaded.note].filter(Boolean).join('; '), peakRssMBAfter: peakRssMB() };
  console.log(` done (peak RSS so far ${implInfo[impl.name].peakRssMBAfter} MB)`);
}

const together: { impl: Impl; loaded: Loaded }[] = [];
for (const impl of impls.filter((i) => !i.solo)) {
  const loaded = await load(impl);
  if (!loaded) continue;
  together.push({ impl, loaded });
  implInfo[impl.name] = { note: [impl.note, loaded.note].filter(Boolean).join('; '), peakRssMBAfter: peakRssMB() };
}
process.stdout.write(`interleaved (${together.map((t) => t.impl.name).join(', ')}): `);
for (const op of ops) {
  const live = together.flatMap((t) => {
    const run = runnable(t.loaded, t.impl, op.id);
    return run ? [{ ...t, run }] : [];
  });
  // Where both our 2-thread and 1-thread backends run the op, their ceiling loops join its rounds.
  const scaling = live.filter((l) => l.impl.id === 'fast' || l.impl.id === 'fast1t');
  const ceilings =
    scaling.length === 2 && scaling.every((l) => l.loaded.ceiling)
      ? scaling.map((l) => ({ name: l.impl.name, run: l.loaded.ceiling as Run }))
      : [];
  try {
    const { summaries, samples } = await timeInterleaved([...live.map((l) => l.run), ...ceilings.map((c) => c.run)]);
    live.forEach((l, i) => {
      record(l.impl, l.loaded, op.id, summaries[i]);
      rounds[op.id][l.impl.name] = samples[i];
    });
    ceilings.forEach((c, i) => {
      ceilingRounds[op.id][c.name] = samples[live.length + i];
    });
  } catch (e) {
    // One failing peer must not cost the others their figures: time each alone then.
    for (const l of live)
      await timeAlone(l.run).then(
        (r) => record(l.impl, l.loaded, op.id, r),
        (err) => failed(l.impl, op.id, err ?? e),
      );
  }
  process.stdout.write('.');
}
for (const t of together) await t.loaded.close?.();
console.log(` done (peak RSS so far ${peakRssMB()} MB)`);

// ---- report ---------------------------------------------------------------------------------------------------
const names = impls.map((i) => i.name);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
console.log(
  `\nKernel benchmark — Node ${process.version}, ${THREADS} cores, load average ${loadAtStart[0].toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end; median ms (GFLOP/s); "×" = how many times faster ours fast is\n`,
);
for (const op of ops) {
  console.log(op.title + (op.flops ? ` — ${(op.flops / 1e9).toFixed(3)} GFLOP` : ''));
  const fast = table[op.id]['ours fast']?.ms;
  for (const name of names) {
    const r = table[op.id][name];
    const cell =
      r.ms === undefined
        ? `n/a: ${r.unavailable}`
        : `${lpad(r.ms.toFixed(2), 9)} ms ${r.gflops ? lpad(`(${r.gflops.toFixed(1)} GFLOP/s)`, 17) : pad('', 17)}`;
    const ratio =
      r.ms !== undefined && fast !== undefined && name !== 'ours fast' ? `  ×${(r.ms / fast).toFixed(2)}` : '';
    const simd =
      r.ms !== undefined && name.startsWith('ours') && name !== 'ours reference'
        ? implInfo[name].note.split('; ').pop()
        : undefined;
    const notes = [simd, r.note].filter(Boolean).join(', ');
    console.log(`  ${pad(name, 15)} ${cell}${ratio}${notes ? `  [${notes}]` : ''}`);
  }
}
const speedups = Object.fromEntries(
  ops.flatMap((op) => {
    const one = table[op.id]['ours fast 1T']?.ms,
      all = table[op.id]['ours fast']?.ms;
    return one && all ? [[op.id, one / all]] : [];
  }),
);
/**
 * The median over rounds of (1-thread time / all-thread time) in the same round: on a machine whose speed drifts
 * from second to second, each round's two samples were taken moments apart.
 */
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const perRound = (samples: Record<string, number[]>): number | undefined => {
  const one = samples['ours fast 1T'],
    all = samples['ours fast'];
  if (!one?.length || !all?.length) return undefined;
  return median(Array.from({ length: Math.min(one.length, all.length) }, (_, i) => one[i] / all[i]));
};
const paired = Object.fromEntries(
  ops.flatMap((op) => (perRound(rounds[op.id]) ? [[op.id, perRound(rounds[op.id])]] : [])),
);
const ceilings = Object.fromEntries(
  ops.flatMap((op) => (perRound(ceilingRounds[op.id]) ? [[op.id, perRound(ceilingRounds[op.id])]] : [])),
);
if (Object.keys(speedups).length) {
  console.log(
    `\nThread speed-up, ours fast from 1 thread to ${THREADS}: "medians": median 1-thread ms / median ${THREADS}-thread ms; "per round": the median of each round's own ratio; "ceiling": the same for a register-only loop split on the same pool in the same rounds (bench/thread-ceiling.ts), what this machine gave perfectly parallel work; "of ceiling": per round / ceiling`,
  );
  for (const op of ops) {
    if (speedups[op.id] === undefined) continue;
    const oneThread = /^(bn-fwd|bn-bwd|bias-relu|bias-relu-grad|pool-fwd|pool-bwd)$/.test(op.id);
    const goal =
      THREADS !== 2
        ? ''
        : /^(matmul|conv-fwd|conv-bpi|conv-bpf)(-step)?$/.test(op.id)
          ? '  goal ≥ 1.8×'
          : /^bn-(fwd|bwd)-step$/.test(op.id)
            ? '  goal > 1.5×'
            : oneThread
              ? '  (one thread outside a step, by design: fast/runtime.ts runRows)'
              : '';
    const x = (v: number | undefined) => (v === undefined ? '    –' : `${lpad(v.toFixed(2), 5)}×`);
    const ours = paired[op.id] as number | undefined,
      machine = ceilings[op.id] as number | undefined;
    const share = ours && machine ? `${lpad(((100 * ours) / machine).toFixed(0), 4)}%` : '    –';
    console.log(
      `  ${pad(op.title, 52)} ${lpad(table[op.id]['ours fast 1T'].ms!.toFixed(2), 8)} ms → ${lpad(table[op.id]['ours fast'].ms!.toFixed(2), 7)} ms  medians ${x(speedups[op.id])}  per round ${x(paired[op.id])}  ceiling ${x(ceilings[op.id])}  of ceiling ${share}${goal}`,
    );
  }
}
console.log('\nImplementations:');
for (const name of names)
  console.log(
    `  ${pad(name, 15)} ${implInfo[name].note}${implInfo[name].loadError ? ` — FAILED TO LOAD: ${implInfo[name].loadError}` : ''}; peak RSS after: ${implInfo[name].peakRssMBAfter} MB`,
  );
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
      names
        .filter((n) => n !== 'ours fast' && table[op.id][n].ms && table[op.id]['ours fast']?.ms)
        .map((n) => [n, (table[op.id][n].ms as number) / (table[op.id]['ours fast']?.ms as number)]),
    ),
  })),
  threadSpeedup: { threads: THREADS, byOp: speedups, perRound: paired, ceilingPerRound: ceilings },
  peakRssMB: peakRssMB(),
};
// The other benchmarks' sections (training, canvas, …) stay; this one's fields are replaced.
const resultsFile = join(root, 'bench/results.json');
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
writeFileSync(resultsFile, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
console.log('wrote bench/results.json');
process.exit(0);
