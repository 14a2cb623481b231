#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed, otherwise the browser host. First builds what is
// missing or older than its sources (the WebAssembly kernels, the editor, and for the desktop app its bundles),
// one line per step; a build tool's own output shows only when it fails.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from './build-steps.mjs';

const here = (...parts) => join(ROOT, ...parts);

// Not require('electron'): when the binary is missing, that starts a download (which fails offline).
function electronBinary() {
  const pkg = here('node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(
    process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist'),
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? binary : null;
}

function forward(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const binary = electronBinary();
try {
  ensureBuilt(binary ? ['wasm', 'renderer', 'electron'] : ['wasm', 'renderer']);
} catch (e) {
  console.error(`npm start: ${e.message}`);
  process.exit(1);
}

if (binary) {
  forward(spawn(binary, [ROOT, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' }));
} else {
  console.log("Electron's binary isn't installed (node_modules/electron/dist is missing): starting the browser host.");
  forward(
    spawn(process.execPath, [here('bin', 'layercanvas.mjs'), 'serve', ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: 'inherit',
    }),
  );
}
