// The virtualenv with real Keras that the interop tests (test/interop) run in: made once, kept out of git
// (.gitignore) and reused. Windows keeps the interpreter in Scripts\ rather than bin/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const KERAS_PACKAGES = ['tensorflow-cpu==2.21.0', 'pytest'];

export const venvPython = (venv) => join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');

/**
 * Makes `venv` with `packages` unless it already imports Keras and pytest. Returns null when it is ready, or the
 * one line that says why it could not be made (pip's own output has gone to the console above it).
 */
export function ensureKerasVenv(venv = '.venv-keras', packages = KERAS_PACKAGES, python = 'python3') {
  const ready = () =>
    existsSync(venvPython(venv)) &&
    spawnSync(venvPython(venv), ['-c', 'import keras, pytest'], { stdio: 'ignore' }).status === 0;
  if (ready()) return null;
  const steps = [
    [python, ['-m', 'venv', venv]],
    [venvPython(venv), ['-m', 'pip', 'install', '--retries', '0', '--quiet', ...packages]],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) {
      const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
      return `could not make ${venv} (${cmd} ${args.join(' ')}: ${why}); the Keras interop tests did not run`;
    }
  }
  return ready()
    ? null
    : `${venv} was made but its Python can't import keras and pytest; the Keras interop tests did not run`;
}
