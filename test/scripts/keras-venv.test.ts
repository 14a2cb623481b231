import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { ensureKerasVenv, venvPython } from '../../scripts/lib/keras-venv.mjs';

const dir = mkdtempSync(join(tmpdir(), 'layercanvas-venv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm test's Keras virtualenv (scripts/lib/keras-venv.mjs)", () => {
  it('a failed install is one line naming the virtualenv, the command and its exit, never a silent skip', () => {
    const venv = join(dir, 'broken');
    const missing = join(dir, 'no-such-package-1.0-py3-none-any.whl');
    const problem = ensureKerasVenv(venv, [missing]);
    expect(problem).toMatch(
      new RegExp(
        `^could not make ${venv} \\(.*pip install --retries 0 --quiet ${missing}: exit 1\\); the Keras interop tests did not run$`,
      ),
    );
  }, 120_000);

  it('no python3 at all says so in the same line', () => {
    const problem = ensureKerasVenv(join(dir, 'none'), ['pytest'], 'python3-that-is-not-installed');
    expect(problem).toMatch(
      /^could not make .*none \(python3-that-is-not-installed -m venv .*ENOENT.*\); the Keras interop tests did not run$/,
    );
  });

  it('a virtualenv that already imports keras and pytest is reused as it is', () => {
    const venv = join(dir, 'ready');
    const python = venvPython(venv);
    mkdirSync(join(python, '..'), { recursive: true });
    // A stand-in interpreter that answers the import check; were the venv remade, python3 -m venv would replace it.
    writeFileSync(python, '#!/bin/sh\nexit 0\n');
    chmodSync(python, 0o755);
    expect(ensureKerasVenv(venv, ['pytest'], 'python3-that-is-not-installed')).toBeNull();
  });
});
