/** The one Host for this page: the desktop bridge when the preload installed it, else the browser host. */
import type { LayerCanvasBridge } from '../../common/bridge';
import { createBrowserHost } from './browser-host';
import { createElectronHost } from './electron-host';
import type { EngineClient } from './engine-client';
import type { Host } from '../../common/host';

declare global {
  interface Window {
    layercanvas?: LayerCanvasBridge;
  }
}

let host: Host | null = null;

export function getHost(): Host {
  if (!host) host = window.layercanvas ? createElectronHost(window.layercanvas) : createBrowserHost();
  return host;
}

let engine: Promise<EngineClient> | null = null;

/**
 * The engine client for this page, connected once; it fails requests in flight when the engine restarts. The
 * client and its message schemas (zod) load with the first request, not with the first paint.
 */
export function getEngineClient(): Promise<EngineClient> {
  engine ??= Promise.all([getHost().connectEngine(), import('./engine-client')]).then(
    ([port, { createEngineClient }]) =>
      createEngineClient(port, { subscribeStatus: (listener) => getHost().onEngineStatus(listener) }),
  );
  return engine;
}
