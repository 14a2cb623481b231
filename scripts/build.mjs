#!/usr/bin/env node
// `npm run build`: the WebAssembly kernels, the renderer bundle, and the Electron shell, every one of them (`npm
// start` builds only what changed). One line per step; a failing step's own output is shown.
import { ensureBuilt, STEPS } from './build-steps.mjs';

try {
  ensureBuilt(
    STEPS.map((s) => s.id),
    { force: true },
  );
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
