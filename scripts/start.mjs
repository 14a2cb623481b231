#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed, otherwise the browser host. Builds what is
// missing (or, for the Electron shell, out of date) first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (...parts) => join(root, ...parts);

// Not require('electron'): when the binary is missing, that starts a download (which fails offline).
function electronBinary() {
  const pkg = here('node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

/** Latest modification time of any file under dir (0 when it doesn't exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return latest;
}

function forward(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (!existsSync(here('dist', 'renderer', 'index.html'))) run(process.execPath, [here('node_modules', 'vite', 'bin', 'vite.js'), 'build']);

const binary = electronBinary();
if (binary) {
  const built = here('dist', 'electron', 'main.cjs');
  const sources = Math.max(newest(here('electron')), newest(here('engine')));
  if (!existsSync(built) || sources > statSync(built).mtimeMs) run(process.execPath, [here('scripts', 'build-electron.mjs')]);
  forward(spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }));
} else {
  console.log("Electron's binary isn't installed (node_modules/electron/dist is missing), so LayerCanvas starts in the browser host instead.");
  forward(spawn(process.execPath, [here('bin', 'layercanvas.mjs'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }));
}
