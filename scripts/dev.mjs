#!/usr/bin/env node
// The developer loop: the editor from its sources through Vite (edits show at once, React state kept), talking
// to a real engine in the browser host (`layercanvas serve`'s server, whose socket Vite proxies). Prints one
// address; open it. Engine-side edits need a restart (Ctrl+C, npm run dev).
import { existsSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';
import { createServer } from 'vite';

const { startServer, SERVED_MODEL_PATH } = await tsImport('../cli/serve.ts', import.meta.url);
const { ENGINE_SOCKET_PATH } = await tsImport('../common/socket-protocol.ts', import.meta.url);

if (!existsSync('dist/wasm/kernels-simd.wasm')) {
  console.log(
    'dev: the fast kernels are not built, so the engine runs on the reference ones (npm run build builds them)',
  );
}
// The engine's server checks every request's Host and Origin against its own address, and the page's token.
// It serves no page here (Vite does); its root only has to hold an index.html.
const engine = await startServer({ open: false, root: 'renderer', log: () => {} });
const engineOrigin = new URL(engine.url).origin;
const toEngine = { target: engineOrigin, changeOrigin: true, headers: { origin: engineOrigin } };

// Browsers ask for a favicon unprompted; `layercanvas serve` answers 204 too, so the console stays clean.
const noFavicon = {
  name: 'layercanvas-no-favicon',
  configureServer(server) {
    server.middlewares.use('/favicon.ico', (_req, res) => res.writeHead(204).end());
  },
};

const vite = await createServer({
  configFile: 'vite.config.ts',
  plugins: [noFavicon],
  server: {
    host: '127.0.0.1',
    port: Number(process.env.PORT ?? 5173),
    proxy: {
      [ENGINE_SOCKET_PATH]: { ...toEngine, ws: true },
      [SERVED_MODEL_PATH]: toEngine,
    },
  },
});
await vite.listen();
const address = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;
console.log(`dev: ${address}#token=${engine.token}  (editor hot-reloads; engine on ${engineOrigin})`);

const stop = async () => {
  await vite.close();
  await engine.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
