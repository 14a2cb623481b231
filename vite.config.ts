import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The editor window: built once, loaded from disk by Electron (hence relative `base`) and served by
// `layercanvas serve`. Everything is bundled; the page loads nothing remote (the CSP forbids it).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
  },
  worker: { format: 'es' },
});
