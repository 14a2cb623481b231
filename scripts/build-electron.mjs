#!/usr/bin/env node
// Bundles the desktop shell with esbuild: dist/electron/main.cjs and preload.cjs, and the engine's utility
// process entry dist/engine/utility-main.cjs. The renderer is built separately (`npx vite build`).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * h5wasm (the .keras/.h5 reader's HDF5) is an ES module whose Emscripten loader reads import.meta.url; its
 * WebAssembly is inlined, so the URL only names a folder. In the CommonJS bundle it becomes the bundle's own URL.
 */
const h5wasmMetaUrl = {
  name: 'h5wasm-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /h5wasm[\\/]dist[\\/]esm[\\/]hdf5_util\.js$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll(
        'import.meta.url',
        'require("url").pathToFileURL(__filename).href',
      ),
      loader: 'js',
    }));
  },
};
/** The options every Electron bundle is built with (the bundle test builds with them too). */
export const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  // Provided by Electron at run time.
  external: ['electron'],
  logLevel: 'warning',
  // A CommonJS bundle has an empty import.meta: code that finds files by it (the kernels' .wasm did) would silently
  // fall back at run time. Fail the build instead; entries get such paths from their host (see engine/host/kernels.ts).
  logOverride: { 'empty-import-meta': 'error' },
  plugins: [h5wasmMetaUrl],
};

/** The three bundles: entry and output. */
export const BUNDLES = [
  { entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main.cjs' },
  // The sandboxed preload may only require('electron'); everything else is bundled in.
  { entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload.cjs', platform: 'browser' },
  { entryPoints: ['engine/host/utility-main.ts'], outfile: 'dist/engine/utility-main.cjs' },
];

async function main() {
  const started = Date.now();
  try {
    await Promise.all(BUNDLES.map((b) => build({ ...common, ...b })));
  } catch {
    // esbuild has already printed each error with its file and line.
    console.error('Building the Electron shell failed (errors above).');
    process.exit(1);
  }
  console.log(`Built ${BUNDLES.map((b) => b.outfile).join(', ')} in ${Date.now() - started} ms.`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
