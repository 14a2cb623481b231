#!/usr/bin/env node
// Compiles the AssemblyScript kernels (engine/kernels/wasm) into dist/wasm: one binary with plain SIMD and one with
// relaxed SIMD (fused multiply-add); the engine picks the second where the runtime validates it.
// Run before the tests, the benchmark and the app build: `node scripts/build-wasm.mjs`.
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'engine/kernels/wasm/index.ts');
const out = join(root, 'dist/wasm');
mkdirSync(out, { recursive: true });

// The host owns the (shared) memory and every allocation: no runtime, no asserts, no exported heap.
const common = [
  entry,
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
  '--shrinkLevel',
  '0',
  '--noAssert',
  '--use',
  'abort=',
];
const variants = [
  { file: 'kernels-simd.wasm', flags: ['--enable', 'simd,threads,bulk-memory', '--use', 'RELAXED=0'] },
  {
    file: 'kernels-relaxed-simd.wasm',
    flags: ['--enable', 'simd,threads,bulk-memory,relaxed-simd', '--use', 'RELAXED=1'],
  },
];

let failed = false;
for (const v of variants) {
  const { error, stderr } = await asc.main([...common, ...v.flags, '--outFile', join(out, v.file)]);
  if (error) {
    console.error(`build-wasm: ${v.file} failed: ${error.message}\n${stderr.toString()}`);
    failed = true;
  } else {
    console.log(`build-wasm: dist/wasm/${v.file}`);
  }
}
process.exit(failed ? 1 : 0);
