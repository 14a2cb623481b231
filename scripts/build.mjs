#!/usr/bin/env node
// `npm run build`: the WebAssembly kernels, the renderer bundle, and the Electron shell.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  ['WebAssembly kernels', 'node', ['scripts/build-wasm.mjs'], 'scripts/build-wasm.mjs'],
  ['renderer', 'node_modules/.bin/vite', ['build', '--logLevel', 'warn'], 'vite.config.ts'],
  ['Electron shell', 'node', ['scripts/build-electron.mjs'], 'scripts/build-electron.mjs'],
];
for (const [title, cmd, args, needs] of steps) {
  if (!existsSync(needs)) continue;
  console.log(`== build: ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build failed: ${title} (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}
