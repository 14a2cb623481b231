// The JavaScript file behind an installed package's command, to run with `node` itself: node_modules/.bin holds
// shell scripts on Linux and macOS but .cmd files on Windows, which Node won't spawn without a shell.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));

/** Absolute path of `pkg`'s `command` script (its package.json `bin`). */
export function packageBin(pkg, command = pkg) {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  const file = typeof bin === 'string' ? bin : bin?.[command];
  if (!file) throw new Error(`${pkg} has no "${command}" command`);
  return join(dirname(manifest), file);
}
