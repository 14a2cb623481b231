/**
 * The desktop host: adapts the preload bridge (`window.layercanvas`) to the Host interface. The engine port arrives
 * as a window message because MessagePorts can't cross contextBridge; after an engine restart main sends a new
 * one, and the EnginePort handed out here swaps to it so callers keep the same object.
 */
import { ENGINE_PORT_MESSAGE, type LayerCanvasBridge } from '../../common/bridge';
import { installFileDrop } from './browser-host';
import type { EnginePort, Host, HostFile } from '../../common/host';

class SwappableEnginePort implements EnginePort {
  private current: MessagePort | null = null;
  private queue: unknown[] = [];
  private listeners = new Set<(message: unknown) => void>();

  /** `onCancel`: told each request the page cancels (main watches that the engine lets go of it). */
  constructor(private readonly onCancel: (requestId: string) => void = () => {}) {}

  attach(port: MessagePort): void {
    this.current?.close();
    this.current = port;
    port.onmessage = (event) => {
      for (const l of [...this.listeners]) l(event.data);
    };
    port.start();
    for (const message of this.queue.splice(0)) port.postMessage(message);
  }

  postMessage(message: unknown): void {
    const m = message as { type?: unknown; payload?: { target?: unknown } } | null;
    if (m?.type === 'cancel' && typeof m.payload?.target === 'string') this.onCancel(m.payload.target);
    if (this.current) this.current.postMessage(message);
    else this.queue.push(message);
  }

  onMessage(listener: (message: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The engine went away: hold new messages until the port to its replacement arrives. */
  detach(): void {
    this.current?.close();
    this.current = null;
  }

  close(): void {
    this.detach();
  }
}

export function createElectronHost(bridge: LayerCanvasBridge, win: Window = window): Host {
  const port = new SwappableEnginePort((requestId) => bridge.engineCancelled(requestId));
  let requested = false;

  win.addEventListener('message', (event: MessageEvent) => {
    // Only the preload, posting to this same window, sends ports.
    if (event.source !== win) return;
    const data = event.data as { channel?: unknown } | null;
    if (data?.channel === ENGINE_PORT_MESSAGE && event.ports[0]) port.attach(event.ports[0]);
  });

  const dropped = new Set<(file: HostFile) => void>();
  installFileDrop(win, (file) => dropped.forEach((l) => l(file)));

  bridge.onEngineStatus((status) => {
    if (status.state === 'restarting' || status.state === 'failed') port.detach();
  });

  return {
    openFile: (filters) => bridge.openFile(filters),
    openFolder: () => bridge.openFolder(),
    saveFile: (req) => bridge.saveFile(req),
    onOpenFile: (listener) => {
      dropped.add(listener);
      const off = bridge.onOpenFile(listener);
      return () => {
        dropped.delete(listener);
        off();
      };
    },
    onMenuCommand: (listener) => bridge.onMenuCommand(listener),
    setDocumentState: (state) => bridge.setDocumentState(state),
    setTheme: (theme) => bridge.setTheme(theme),
    async connectEngine() {
      if (!requested) {
        requested = true;
        bridge.requestEnginePort();
      }
      return port;
    },
    onEngineStatus: (listener) => bridge.onEngineStatus(listener),
    restartEngine: () => bridge.restartEngine(),
    readRecovery: () => bridge.readRecovery(),
    writeRecovery: (snapshot) => bridge.writeRecovery(snapshot),
    clearRecovery: () => bridge.clearRecovery(),
    recentFiles: () => bridge.recentFiles(),
  };
}
