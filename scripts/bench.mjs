#!/usr/bin/env node
// `npm run bench`: every benchmark, one after the other, each printing its figures and ratios. They run with the
// relaxed-SIMD flag wherever the product's own engine processes get it (cli/relaxed-simd.ts), so the kernels
// measured are the ones users run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { register } from 'tsx/esm/api';
import { ensureBuilt } from './build-steps.mjs';

// What the benches load, built first when missing or older than its sources (as `npm start` does): the kernels,
// the editor (the canvas and Predict benches drive it in Chromium) and the Electron bundles (the Predict bench's
// utility-process row). On a fresh clone the last two benches failed without it.
try {
  ensureBuilt(['wasm', 'renderer', 'electron']);
} catch (e) {
  console.error(`npm run bench: ${e.message}`);
  process.exit(1);
}

register();
const { relaxedSimdExecArgv } = await import('../cli/relaxed-simd.ts');
const simdArgs = relaxedSimdExecArgv();
console.log(
  `kernels: ${simdArgs.length ? `relaxed SIMD via ${simdArgs.join(' ')}` : 'no extra V8 flag (relaxed SIMD is on by default here, or this Node refuses the flag)'}`,
);

const benches = [
  'bench/inference.ts',
  'bench/kernels.ts',
  'bench/training.ts',
  'bench/text-training.ts',
  'bench/predict.ts',
  'bench/canvas.ts',
].filter((b) => existsSync(b));
/**
 * Benches timed as the code ships: bundled by esbuild (as the editor's bundle is), not run through tsx, whose
 * `keepNames` wraps every function expression in a `__name` call (13% of the 1,000-node inference's profile; its
 * median 4.7–5.0 ms under tsx against 2.6–4.0 ms bundled, in alternating runs).
 */
const BUNDLED = new Set(['bench/inference.ts']);

let failed = false;
for (const b of benches) {
  console.log(`\n== ${b}`);
  let entry = ['--import', 'tsx', b];
  if (BUNDLED.has(b)) {
    const { build } = await import('esbuild');
    const outfile = join('dist/bench', `${basename(b, '.ts')}.mjs`);
    await build({ entryPoints: [b], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning' });
    entry = [outfile];
  }
  const r = spawnSync(process.execPath, [...simdArgs, '--expose-gc', ...entry], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
