// The build's steps, what each makes and what it is made from: `npm run build` runs them all, `npm start` and the
// bundle tests run the ones whose outputs are missing or older than their sources. Each step's own output is
// captured and shown only when it fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const STEPS = [
  {
    id: 'wasm',
    title: 'the WebAssembly kernels',
    args: ['scripts/build-wasm.mjs'],
    outputs: ['dist/wasm/kernels-simd.wasm', 'dist/wasm/kernels-relaxed-simd.wasm'],
    sources: ['engine/kernels/wasm', 'scripts/build-wasm.mjs', 'package-lock.json'],
  },
  {
    id: 'renderer',
    title: 'the editor (renderer bundle)',
    args: ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'],
    outputs: ['dist/renderer/index.html'],
    sources: ['renderer', 'engine', 'electron/common', 'vite.config.ts', 'tsconfig.json', 'package-lock.json'],
    // AssemblyScript, compiled by the kernels' step; the bundles load its output, never its source.
    except: ['engine/kernels/wasm'],
  },
  {
    id: 'electron',
    title: 'the Electron shell and engine bundles',
    args: ['scripts/build-electron.mjs'],
    outputs: ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/engine/utility-main.cjs'],
    sources: ['electron', 'engine', 'scripts/build-electron.mjs', 'package-lock.json'],
    except: ['engine/kernels/wasm'],
  },
];

/**
 * The newest file under path (a file or a folder), outside the folders in `except`, as [mtime, path]; [0, null]
 * when there is none.
 */
function newest(path, except = []) {
  if (!existsSync(path)) return [0, null];
  const stat = statSync(path);
  if (!stat.isDirectory()) return [stat.mtimeMs, path];
  let best = [0, null];
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    if (except.some((folder) => file.startsWith(folder + sep))) continue;
    const mtime = statSync(file).mtimeMs;
    if (mtime > best[0]) best = [mtime, file];
  }
  return best;
}

/**
 * Why a step must run ('dist/wasm/kernels-simd.wasm is missing', '… is older than engine/…'), or null when its
 * outputs are current.
 */
export function staleReason(step, root = ROOT) {
  let oldest = Infinity;
  let oldestOutput = '';
  for (const out of step.outputs) {
    if (!existsSync(join(root, out))) return `${out} is missing`;
    const mtime = statSync(join(root, out)).mtimeMs;
    if (mtime < oldest) [oldest, oldestOutput] = [mtime, out];
  }
  for (const src of step.sources) {
    const [mtime, file] = newest(
      join(root, src),
      (step.except ?? []).map((e) => join(root, e)),
    );
    if (mtime > oldest) return `${oldestOutput} is older than ${relative(root, file)}`;
  }
  return null;
}

/** Runs one step with its output captured: { ok, ms, output }. */
export function runStep(step, root = ROOT) {
  const started = Date.now();
  const r = spawnSync(process.execPath, step.args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `${r.error.message}\n` : ''}`;
  return { ok: r.status === 0, ms: Date.now() - started, output, status: r.status ?? r.signal };
}

/**
 * Runs fn holding dist/.build-lock, so that two processes (parallel test files, a test and `npm start`) never build
 * into dist/ at once: the second waits, then finds the outputs current. A lock whose holder died is taken over.
 */
function withBuildLock(root, fn) {
  const lock = join(root, 'dist', '.build-lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // just created, its pid not yet written
      }
      let alive = true;
      try {
        if (Number.isInteger(holder) && holder > 0) process.kill(holder, 0);
      } catch {
        alive = false;
      }
      if (!alive) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`${lock} has been held by process ${holder} for 10 minutes; remove it if no build is running`);
      else Atomics.wait(pause, 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Brings the named steps' outputs up to date, one line per step run on `log`; throws with the step's own output
 * when one fails. Returns the ids of the steps it ran.
 */
export function ensureBuilt(
  ids,
  { root = ROOT, log = (line) => process.stdout.write(`${line}\n`), force = false } = {},
) {
  const steps = STEPS.filter((s) => ids.includes(s.id));
  if (!force && steps.every((step) => !staleReason(step, root))) return [];
  return withBuildLock(root, () => buildSteps(steps, root, log, force));
}

function buildSteps(steps, root, log, force) {
  const ran = [];
  for (const step of steps) {
    const reason = force ? null : staleReason(step, root);
    if (!force && !reason) continue;
    const result = runStep(step, root);
    if (!result.ok) {
      const error = new Error(`Building ${step.title} failed (exit ${result.status}):\n${result.output.trimEnd()}`);
      error.step = step.id;
      throw error;
    }
    log(`Built ${step.title} in ${(result.ms / 1000).toFixed(1)} s${reason ? ` (${reason})` : ''}.`);
    ran.push(step.id);
  }
  return ran;
}
