/** Where the LayerCanvas project this CLI runs from keeps its parts, wherever the user runs `layercanvas` from. */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/**
 * The built kernels (`npm start` and `npm run build` make them). LAYERCANVAS_WASM_DIR points the CLI at another
 * folder (kernels built elsewhere, or none: the tests prove the reference-kernel warning with it).
 */
export function projectWasmDir(): string {
  return process.env.LAYERCANVAS_WASM_DIR || join(PROJECT, 'dist', 'wasm');
}
