/**
 * The browser host: the page served by `layercanvas serve`. Files come from an <input type=file> or a drop on the
 * window, saves are downloads, the engine is a Node child process behind the server's `/engine` WebSocket.
 */
import { decodeWire, encodeWire } from '../../engine/api/wire';
import { folderFromPicked } from '../../common/folder-policy';
import type { EnginePort, EngineStatus, Host, HostFile, HostFolder, MenuCommand, SaveRequest } from '../../common/host';
import {
  ENGINE_SOCKET_PATH,
  PAGE_LEAVING_CODE,
  RESTART_ENGINE_TYPE,
  SERVER_STATUS_TYPE,
  TOKEN_FRAGMENT_KEY,
  TOKEN_HEADER,
} from '../../common/socket-protocol';
import { IdbRecoverySlot } from './recovery-idb';

const RECENT_KEY = 'layercanvas.recentFiles';
const RECENT_LIMIT = 10;
export { SERVER_STATUS_TYPE };
/** Where the server hands out the model named on its command line (cli/serve.ts serves it; 204 when none). */
export const SERVED_MODEL_PATH = '/served-model';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** The server's description of the model it was started with, checked field by field; null when malformed. */
export function servedFile(json: unknown): HostFile | null {
  const m = json as { name?: unknown; data?: unknown; siblings?: unknown };
  if (!m || typeof m.name !== 'string' || typeof m.data !== 'string') return null;
  const siblings: Record<string, Uint8Array> = {};
  if (m.siblings && typeof m.siblings === 'object')
    for (const [name, data] of Object.entries(m.siblings as Record<string, unknown>))
      if (typeof data === 'string') siblings[name] = fromBase64(data);
  return { name: m.name, data: fromBase64(m.data), ...(Object.keys(siblings).length ? { siblings } : {}) };
}

/**
 * The engine socket's address: this launch's token (from the page's `#token=…`, which `layercanvas serve` put in
 * the URL it opened) and this page load's own id, so the server gives the page one engine and keeps it across
 * reconnects.
 */
export function engineSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'hash'>, pageId: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({ token: launchToken(location), page: pageId });
  return `${scheme}//${location.host}${ENGINE_SOCKET_PATH}?${query}`;
}

/** This launch's token, from the page's `#token=…`; empty when the page was opened without it. */
export function launchToken(location: Pick<Location, 'hash'>): string {
  return new URLSearchParams(location.hash.replace(/^#/, '')).get(TOKEN_FRAGMENT_KEY) ?? '';
}

function newPageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

type Filters = { name: string; extensions: string[] }[];

/** The <input accept> list for dialog filters; TF.js shards (.bin) ride along with .json. */
export function acceptOf(filters?: Filters): string {
  const exts = (filters ?? []).flatMap((f) => f.extensions);
  // No filter, or an "All files" one: don't restrict the picker.
  if (exts.length === 0 || exts.includes('*')) return '';
  // TF.js weight shards (.bin) must be selectable alongside model.json.
  if (exts.includes('json') && !exts.includes('bin')) exts.push('bin');
  return exts.map((e) => `.${e.replace(/^\./, '')}`).join(',');
}

/** Of several picked files, the model file is the first that isn't a weight shard; the rest ride along. */
export async function filesToHostFile(files: readonly File[]): Promise<HostFile | null> {
  if (files.length === 0) return null;
  const main = files.find((f) => !/\.bin$/i.test(f.name)) ?? files[0];
  const siblings: Record<string, Uint8Array> = {};
  for (const f of files) {
    if (f !== main) siblings[f.name] = new Uint8Array(await f.arrayBuffer());
  }
  const file: HostFile = { name: main.name, data: new Uint8Array(await main.arrayBuffer()) };
  if (Object.keys(siblings).length > 0) file.siblings = siblings;
  return file;
}

function readRecent(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function remember(name: string): void {
  try {
    const list = [name, ...readRecent().filter((n) => n !== name)].slice(0, RECENT_LIMIT);
    localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // Storage can be disabled (private mode, quota); recent files are a convenience, not a requirement.
  }
}

/**
 * A file dropped anywhere the page didn't claim opens it (the canvas calls preventDefault for its own drops).
 * Both hosts use this: the bytes are read in the page, so the desktop app needs no path from the renderer.
 */
export function installFileDrop(win: Window, open: (file: HostFile) => void): void {
  win.addEventListener('dragover', (event) => {
    if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
  });
  win.addEventListener('drop', (event) => {
    const files = event.dataTransfer?.files;
    if (event.defaultPrevented || !files || files.length === 0) return;
    event.preventDefault();
    void filesToHostFile([...files]).then((file) => {
      if (file) open(file);
    });
  });
}

class Emitter<T> {
  private listeners = new Set<(value: T) => void>();
  on(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  get size(): number {
    return this.listeners.size;
  }
}

/**
 * One WebSocket to the server, reopened with backoff if it drops; the EnginePort handed out stays the same object,
 * so the engine client never has to reconnect by itself.
 */
class SocketEnginePort implements EnginePort {
  private socket: WebSocket | null = null;
  private queue: string[] = [];
  private messages = new Emitter<unknown>();
  private closed = false;
  private retries = 0;

  constructor(
    private readonly url: string,
    private readonly status: Emitter<EngineStatus>,
  ) {
    this.open();
  }

  private open(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retries = 0;
      for (const text of this.queue.splice(0)) socket.send(text);
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let message: unknown;
      try {
        message = decodeWire(event.data);
      } catch (err) {
        console.warn(`Ignoring an engine message that isn't JSON: ${(err as Error).message}`);
        return;
      }
      const m = message as { type?: unknown; status?: EngineStatus };
      if (m && m.type === SERVER_STATUS_TYPE && m.status) this.status.emit(m.status);
      else this.messages.emit(message);
    };
    socket.onclose = (event) => {
      if (this.closed) return;
      this.retries += 1;
      const delay = Math.min(10_000, 250 * 2 ** this.retries);
      // The server's own refusal (too many pages) says why in the close reason; a refused upgrade (no token) doesn't.
      const why =
        event.code >= 4000 && event.reason
          ? event.reason
          : "Lost the connection to the LayerCanvas server. If it persists, open the address `layercanvas serve` printed (it carries this launch's token)";
      this.status.emit({
        state: this.retries > 5 || event.code >= 4000 ? 'failed' : 'restarting',
        message: `${why}; retrying in ${Math.round(delay / 1000)} s.`,
      });
      setTimeout(() => {
        if (!this.closed) this.open();
      }, delay);
    };
  }

  postMessage(message: unknown): void {
    const text = encodeWire(message);
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(text);
    else this.queue.push(text);
  }

  onMessage(listener: (message: unknown) => void): () => void {
    return this.messages.on(listener);
  }

  /** Ask the server to kill this page's engine and start a new one (whatever the engine is doing). */
  restartEngine(): void {
    this.postMessage({ type: RESTART_ENGINE_TYPE });
  }

  /** The page is going away: the server may stop its engine at once. */
  leave(): void {
    this.closed = true;
    this.socket?.close(PAGE_LEAVING_CODE, 'page unloaded');
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }
}

export function createBrowserHost(win: Window = window): Host {
  const openFiles = new Emitter<HostFile>();
  const status = new Emitter<EngineStatus>();
  let dirty = false;
  let port: SocketEnginePort | null = null;
  const recovery = new IdbRecoverySlot();

  win.addEventListener('beforeunload', (event) => {
    if (!dirty) return;
    event.preventDefault();
    // Older Chromium needs returnValue set to show the prompt.
    event.returnValue = '';
  });

  installFileDrop(win, (file) => {
    remember(file.name);
    openFiles.emit(file);
  });

  return {
    openFile(filters) {
      return new Promise<HostFile | null>((resolve) => {
        const input = win.document.createElement('input');
        input.type = 'file';
        input.multiple = true;
        const accept = acceptOf(filters);
        if (accept) input.accept = accept;
        input.style.display = 'none';
        const done = (file: HostFile | null) => {
          input.remove();
          if (file) remember(file.name);
          resolve(file);
        };
        input.addEventListener('change', () => void filesToHostFile([...(input.files ?? [])]).then(done));
        input.addEventListener('cancel', () => done(null));
        win.document.body.appendChild(input);
        input.click();
      });
    },

    openFolder() {
      return new Promise<HostFolder | null>((resolve) => {
        const input = win.document.createElement('input');
        input.type = 'file';
        // Chromium, Firefox and Safari all pick folders this way; each File carries its webkitRelativePath.
        input.webkitdirectory = true;
        input.multiple = true;
        input.style.display = 'none';
        const done = (folder: HostFolder | null) => {
          input.remove();
          resolve(folder);
        };
        input.addEventListener('change', () => void folderFromPicked([...(input.files ?? [])]).then(done));
        input.addEventListener('cancel', () => done(null));
        win.document.body.appendChild(input);
        input.click();
      });
    },

    async saveFile(req: SaveRequest) {
      const blob = new Blob([req.data as BlobPart], {
        type: typeof req.data === 'string' ? 'text/plain;charset=utf-8' : 'application/octet-stream',
      });
      const href = URL.createObjectURL(blob);
      const a = win.document.createElement('a');
      a.href = href;
      a.download = req.suggestedName;
      a.style.display = 'none';
      win.document.body.appendChild(a);
      a.click();
      a.remove();
      // Revoke later: Chromium reads the blob asynchronously after the click.
      setTimeout(() => URL.revokeObjectURL(href), 30_000);
      return { name: req.suggestedName };
    },

    onOpenFile(listener) {
      return openFiles.on(listener);
    },

    onMenuCommand(_listener: (command: MenuCommand) => void) {
      // The browser has no native menu; the page shows its own.
      return () => {};
    },

    setDocumentState(state) {
      dirty = state.dirty;
      win.document.title = `${state.dirty ? '• ' : ''}${state.title} — LayerCanvas`;
    },

    async connectEngine() {
      if (!port) {
        const socketPort = new SocketEnginePort(engineSocketUrl(win.location, newPageId()), status);
        win.addEventListener('pagehide', () => socketPort.leave());
        port = socketPort;
      }
      return port;
    },

    restartEngine() {
      port?.restartEngine();
    },

    onEngineStatus(listener) {
      return status.on(listener);
    },

    async recentFiles() {
      return readRecent();
    },

    async startupFile() {
      const response = await win.fetch(SERVED_MODEL_PATH, {
        cache: 'no-store',
        headers: { [TOKEN_HEADER]: launchToken(win.location) },
      });
      if (response.status !== 200) return null;
      return servedFile(await response.json());
    },
    readRecovery: () => recovery.read(),
    writeRecovery: (snapshot) => recovery.write(snapshot),
    clearRecovery: () => recovery.clear(),
  };
}
