import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';

/** Runs the CLI in this process, collecting what it prints: exit code, stdout and stderr (one line each write). */
export async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`),
  });
  return { code, out, err };
}

/** A scratch folder for a test file's inputs; file(name, text) writes one there and returns its path. */
export function scratch(prefix = 'layercanvas-cli-') {
  let dir = '';
  return {
    make: () => {
      dir = mkdtempSync(join(tmpdir(), prefix));
    },
    dir: () => dir,
    file: (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}
