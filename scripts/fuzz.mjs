#!/usr/bin/env node
// `npm run fuzz`: the fuzz suite (test/fuzz) at five times the `npm test` slice, over 10,000 malformed inputs, then
// the limits every case must keep, checked from the record each file writes: under 5 s and under 1 GB of heap.
// LAYERCANVAS_FUZZ_SEED=<n> runs another seed (the slice in `npm test` always uses the fixed one).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const SCALE = process.env.LAYERCANVAS_FUZZ_SCALE ?? '5';
const MAX_CASE_MS = 5000;
const MAX_HEAP = 1024 ** 3;
const records = join('test-results', 'fuzz');
if (existsSync(records)) rmSync(records, { recursive: true });

const started = Date.now();
// Forks, so each file's heap is its own process's.
const run = spawnSync('node_modules/.bin/vitest', ['run', 'test/fuzz', '--pool=forks'], {
  stdio: 'inherit',
  env: { ...process.env, LAYERCANVAS_FUZZ_SCALE: SCALE },
});
const wallS = (Date.now() - started) / 1000;

let cases = 0;
let slowest = { ms: 0, kind: '', input: '' };
let peakHeap = 0;
const rows = [];
for (const file of existsSync(records) ? readdirSync(records) : []) {
  const { records: list, seed } = JSON.parse(readFileSync(join(records, file), 'utf8'));
  for (const r of list) {
    cases += r.cases;
    peakHeap = Math.max(peakHeap, r.peakHeapBytes);
    if (r.slowestMs > slowest.ms) slowest = { ms: r.slowestMs, kind: r.kind, input: r.slowestInput };
    rows.push(
      `  ${r.kind.padEnd(26)} ${String(r.cases).padStart(6)} cases  ${(r.totalMs / 1000).toFixed(1).padStart(6)} s  slowest ${r.slowestMs.toFixed(0).padStart(5)} ms  seed ${seed}`,
    );
  }
}
console.log(
  `\nFuzz: ${cases} cases in ${wallS.toFixed(0)} s (load average ${loadavg()[0].toFixed(1)}), scale ${SCALE}`,
);
console.log(rows.join('\n'));
console.log(
  `Slowest case: ${slowest.ms.toFixed(0)} ms (${slowest.kind}: ${JSON.stringify(slowest.input.slice(0, 80))}); peak heap ${(peakHeap / 1024 ** 2).toFixed(0)} MB`,
);
const failures = [];
if (run.status !== 0) failures.push('a property failed (see above)');
if (slowest.ms >= MAX_CASE_MS) failures.push(`a case took ${slowest.ms.toFixed(0)} ms, over ${MAX_CASE_MS} ms`);
if (peakHeap >= MAX_HEAP) failures.push(`the heap reached ${(peakHeap / 1024 ** 2).toFixed(0)} MB, over 1 GB`);
if (cases < 10_000 && SCALE === '5') failures.push(`only ${cases} cases ran`);
console.log(failures.length ? `fuzz: FAILED: ${failures.join('; ')}` : 'fuzz: passed');
process.exit(failures.length ? 1 : 0);
