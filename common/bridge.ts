/**
 * What the preload exposes as `window.layercanvas`: a handful of typed verbs and events. Shared by the preload
 * (which implements it over IPC) and the renderer's Electron host (which adapts it to the Host interface).
 * No electron or node imports here.
 */
import type {
  EngineStatus,
  HostFile,
  HostFolder,
  MenuCommand,
  RecoveryOffer,
  RecoverySnapshot,
  SaveRequest,
  ThemeChoice,
} from './host';

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface LayerCanvasBridge {
  /** Bumped when the bridge's shape changes, so a stale renderer can say so instead of misbehaving. */
  readonly version: 1;
  openFile(filters?: FileFilter[]): Promise<HostFile | null>;
  /** Show a folder dialog and read its images (see electron/main/folder-logic.ts); null when cancelled. */
  openFolder(): Promise<HostFolder | null>;
  saveFile(req: SaveRequest): Promise<{ path?: string; name: string } | null>;
  setDocumentState(state: { title: string; dirty: boolean }): void;
  /** The page's theme choice, for the native parts of the window. */
  setTheme(theme: ThemeChoice): void;
  recentFiles(): Promise<string[]>;
  /** Ask main for a fresh engine port; it arrives as a window message (see ENGINE_PORT_MESSAGE). */
  requestEnginePort(): void;
  readRecovery(): Promise<RecoveryOffer | null>;
  writeRecovery(snapshot: RecoverySnapshot): Promise<void>;
  clearRecovery(): Promise<void>;
  /** Kill the engine and start a new one; every window gets a fresh port once it is ready. */
  restartEngine(): void;
  /** The page cancelled this engine request (main restarts an engine that stays on it: cancel always works). */
  engineCancelled(requestId: string): void;
  onOpenFile(listener: (file: HostFile) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  onEngineStatus(listener: (status: EngineStatus) => void): () => void;
}

/**
 * MessagePorts can't cross contextBridge, so the preload re-posts the port to the page with window.postMessage;
 * this is the `channel` field of that message.
 */
export const ENGINE_PORT_MESSAGE = 'layercanvas:engine-port';
