#!/usr/bin/env node
// `npm run bench`: every benchmark, one after the other, each printing its figures and ratios.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = ['bench/inference.ts', 'bench/kernels.ts', 'bench/training.ts', 'bench/canvas.ts'].filter((b) => existsSync(b));
let failed = false;
for (const b of benches) {
  console.log(`\n== ${b}`);
  const r = spawnSync('node', ['--import', 'tsx', b], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
