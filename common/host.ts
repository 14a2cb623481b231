/**
 * The one interface the renderer has to the world outside the page. The Electron preload implements it over IPC,
 * the browser host over HTTP/WebSocket; the renderer never asks which one it has.
 */
import type { ModelDocument } from '../engine/graph/document';

/** A file the user picked or dropped: its name and its bytes (text formats are decoded by the caller). */
export interface HostFile {
  name: string;
  /** Full path where the host has one (desktop); absent in the browser. */
  path?: string;
  data: Uint8Array;
  /** Files beside it that a format may need (TF.js weight shards), by name. */
  siblings?: Record<string, Uint8Array>;
}

/** A file inside a picked folder: its path relative to the folder, with '/' separators (`cat/001.png`). */
export interface FolderFile {
  path: string;
  data: Uint8Array;
}

/** Why a host would not read a picked folder (too many or too large files, no images), to show the user. */
export interface FolderRefusal {
  message: string;
  hint?: string;
}

/** A folder the user picked: its own name, and its image files (or why they weren't read). */
export interface HostFolder {
  name: string;
  files: FolderFile[];
  /** Set when the host refused the folder before reading it; `files` is then empty. */
  refused?: FolderRefusal;
}

export interface SaveRequest {
  /** Suggested file name, e.g. `model.layercanvas.json`. */
  suggestedName: string;
  data: Uint8Array | string;
  /** Save to this path without asking (desktop "Save" of an open file); otherwise ask ("Save As"). */
  path?: string;
  filters?: { name: string; extensions: string[] }[];
  /**
   * The file at the destination was opened damaged (engine/formats/project.ts): keep it as `<name>.bak` before
   * writing over it (desktop; a browser download replaces nothing).
   */
  backup?: boolean;
}

export type MenuCommand =
  | 'new'
  | 'open'
  | 'save'
  | 'save-as'
  | 'export-keras-py'
  | 'export-keras-json'
  | 'export-tfjs'
  | 'export-weights-json'
  | 'export-keras'
  | 'export-h5'
  | 'export-onnx'
  | 'export-keras-train-default'
  | 'export-keras-train-mirrored'
  | 'export-keras-train-multiworker'
  | 'export-keras-train-tpu'
  | 'undo'
  | 'redo'
  | 'auto-layout'
  | 'fit-view'
  | 'toggle-theme'
  | 'restart-engine'
  | 'about'
  | 'theme-system'
  | 'theme-light'
  | 'theme-dark';

/** Light, dark, or whatever the OS uses (the default until the user picks). */
export type ThemeChoice = 'system' | 'light' | 'dark';

export interface EngineStatus {
  state: 'starting' | 'ready' | 'restarting' | 'failed';
  message?: string;
  /** Why a restart happens (engine/host/supervisor.ts). */
  cause?: 'crashed' | 'hung' | 'requested';
}

/** Unsaved work, as autosave keeps it (renderer/actions/autosave.ts): one slot per host. */
export interface RecoverySnapshot {
  /** When it was taken, ms since the epoch. */
  savedAt: number;
  /** The document's title then (its file's name, or the model's). */
  title: string;
  /** The file it was opened from or last saved to, if any. */
  file?: { name: string; path?: string };
  /** The project file text (engine/formats/project.ts): model, weights, viewport, runs. */
  project: string;
}

export interface RecoveryOffer {
  snapshot: RecoverySnapshot;
  /** The window is reloading after its renderer crashed (desktop): restore without asking. */
  afterCrash: boolean;
}

export interface Host {
  /** Ask for a file to open; null when cancelled. */
  openFile(filters?: { name: string; extensions: string[] }[]): Promise<HostFile | null>;
  /** Ask for a folder of images (one sub-folder per class); null when cancelled. */
  openFolder(): Promise<HostFolder | null>;
  /** Save (or download) data; resolves to where it went, or null when cancelled. */
  saveFile(req: SaveRequest): Promise<{ path?: string; name: string } | null>;
  /** Files the user opened from outside (command line, drop on the window, Open Recent). */
  onOpenFile(listener: (file: HostFile) => void): () => void;
  /** Native menu commands (desktop); the browser host raises none and the in-page menu is used. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** Tell the host the document's title and whether it has unsaved changes (window title, close prompt). */
  setDocumentState(state: { title: string; dirty: boolean }): void;
  /** A port to the engine process, speaking the engine protocol. */
  connectEngine(): Promise<EnginePort>;
  onEngineStatus(listener: (status: EngineStatus) => void): () => void;
  /** Kill the engine and start a new one (a hung or runaway engine); requests in flight fail with a message. */
  restartEngine(): void;
  /** The autosave slot: the desktop keeps it in a file under the app's data folder, the browser in IndexedDB. */
  readRecovery(): Promise<RecoveryOffer | null>;
  writeRecovery(snapshot: RecoverySnapshot): Promise<void>;
  clearRecovery(): Promise<void>;
  /** Recently opened files (desktop), most recent first. */
  recentFiles(): Promise<string[]>;
  /** The theme the page shows (desktop: native menus, dialogs and the title bar follow it); absent in the browser. */
  setTheme?(theme: ThemeChoice): void;
  /** The model named on the command line (`layercanvas serve model.py`), once, at startup; null when none. */
  startupFile?(): Promise<HostFile | null>;
}

/** A message channel to the engine: structured-clone messages both ways. */
export interface EnginePort {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
  close(): void;
}

export type { ModelDocument };
