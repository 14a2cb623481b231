/**
 * A stand-in for the `electron` module, for running the BUILT bundles (dist/electron/main.cjs, preload.cjs,
 * dist/engine/utility-main.cjs) under plain Node: Electron's binary can't be installed on these machines.
 *
 * Every call a bundle makes into Electron is recorded (`stub.calls`, plus typed views: windows, forks, schemes,
 * menus, exposed bridges…). `utilityProcess.fork` really runs the module it is given, in a worker thread whose
 * `process.parentPort` behaves as Electron's (`on('message', ({ data, ports }) => …)`, `postMessage`), and
 * `MessageChannelMain` makes real, transferable ports with MessagePortMain's API, so a test can talk to the engine
 * exactly as a window does.
 *
 * Extending it (new Electron APIs main starts to use): add the member to `electron` in createElectronStub, record
 * the call with `record('api.name', ...args)`, and keep any state a test needs to inspect on the returned stub.
 */
import { EventEmitter } from 'node:events';
import Module from 'node:module';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/** One call a bundle made into Electron: 'BrowserWindow', 'ipcMain.handle', 'utilityProcess.fork', … */
export interface RecordedCall {
  api: string;
  args: unknown[];
}

/**
 * Electron's MessagePortMain over a Node MessagePort. Messages travel as `{ data, ports }` envelopes so that ports
 * transferred with a message arrive, wrapped again, in the event's `ports` (as Electron delivers them). The same
 * source runs in the test's thread and in the utility process's worker.
 */
const PORT_MAIN_SOURCE = `
function portMain(native) {
  const events = new EventEmitter();
  const listening = new Set();
  const port = {
    native,
    on(event, listener) {
      if (event === 'message' && !listening.has('message')) {
        listening.add('message');
        native.on('message', (envelope) =>
          events.emit('message', { data: envelope.data, ports: (envelope.ports || []).map(portMain) }));
      }
      if (event === 'close' && !listening.has('close')) {
        listening.add('close');
        native.on('close', () => events.emit('close'));
      }
      events.on(event, listener);
      return port;
    },
    once(event, listener) {
      const once = (...args) => { events.off(event, once); listener(...args); };
      return port.on(event, once);
    },
    postMessage(data, transfer) {
      const natives = (transfer || []).map((p) => p.native);
      native.postMessage({ data, ports: natives }, natives);
    },
    start() { native.start(); },
    close() { native.close(); },
  };
  return port;
}
`;

export interface PortMain {
  native: MessagePort;
  on(event: 'message', listener: (event: { data: unknown; ports: PortMain[] }) => void): PortMain;
  on(event: 'close', listener: () => void): PortMain;
  once(event: 'message', listener: (event: { data: unknown; ports: PortMain[] }) => void): PortMain;
  postMessage(data: unknown, transfer?: PortMain[]): void;
  start(): void;
  close(): void;
}

export const portMain = new Function('EventEmitter', `${PORT_MAIN_SOURCE}\nreturn portMain;`)(EventEmitter) as (
  native: MessagePort,
) => PortMain;

/** The utility process's side: Electron's process.parentPort, then the module itself. */
const UTILITY_BOOTSTRAP = `
const { EventEmitter } = require('node:events');
const { parentPort: toMain, workerData } = require('node:worker_threads');
${PORT_MAIN_SOURCE}
const parentPort = new EventEmitter();
toMain.on('message', (envelope) =>
  parentPort.emit('message', { data: envelope.data, ports: (envelope.ports || []).map(portMain) }));
parentPort.postMessage = (message) => toMain.postMessage(message);
process.parentPort = parentPort;
require(workerData.modulePath);
`;

/** A utilityProcess.fork result: Electron's UtilityProcess API over a worker thread running the module. */
export class StubUtilityProcess extends EventEmitter {
  readonly worker: Worker | null;
  pid: number | undefined;
  /** Messages main posted, with the ports it transferred. */
  readonly received: { message: unknown; ports: PortMain[] }[] = [];
  exited = false;

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Record<string, unknown>,
    run: boolean,
  ) {
    super();
    if (!run) {
      this.worker = null;
      this.pid = 10_000 + Math.floor(Math.random() * 1000);
      return;
    }
    const worker = new Worker(UTILITY_BOOTSTRAP, {
      eval: true,
      argv: args,
      workerData: { modulePath },
      stdout: false,
      stderr: false,
    });
    this.worker = worker;
    this.pid = process.pid * 1000 + worker.threadId;
    worker.on('online', () => this.emit('spawn'));
    worker.on('message', (message) => this.emit('message', message));
    worker.on('error', (error) => this.emit('error', 'FatalError', String(error), error));
    worker.on('exit', (code) => {
      this.exited = true;
      this.pid = undefined;
      this.emit('exit', code);
    });
  }

  postMessage(message: unknown, transfer: PortMain[] = []): void {
    this.received.push({ message, ports: transfer });
    if (!this.worker || this.exited) return;
    const natives = transfer.map((p) => p.native);
    this.worker.postMessage({ data: message, ports: natives }, natives);
  }

  kill(): boolean {
    if (!this.worker) {
      this.emit('exit', 0);
      return true;
    }
    if (this.exited) return false;
    void this.worker.terminate();
    return true;
  }
}

export class StubWebContents extends EventEmitter {
  readonly sent: { channel: string; payload: unknown }[] = [];
  /** Messages posted with transferred ports (the engine port). */
  readonly posted: { channel: string; message: unknown; ports: PortMain[] }[] = [];
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  constructor(private readonly record: (api: string, ...args: unknown[]) => void) {
    super();
  }
  send(channel: string, payload: unknown) {
    this.record('webContents.send', channel, payload);
    this.sent.push({ channel, payload });
  }
  postMessage(channel: string, message: unknown, ports: PortMain[] = []) {
    this.record('webContents.postMessage', channel, message, ports.length);
    this.posted.push({ channel, message, ports });
  }
  reload() {
    this.record('webContents.reload');
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.record('webContents.setWindowOpenHandler');
    this.openHandler = handler;
  }
  isLoading() {
    return false;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** What main sent on a channel, oldest first. */
  sentOn(channel: string): unknown[] {
    return this.sent.filter((s) => s.channel === channel).map((s) => s.payload);
  }
}

export class StubBrowserWindow extends EventEmitter {
  readonly webContents: StubWebContents;
  url = '';
  title = '';
  closed = false;
  shown = false;
  documentEdited = false;
  maximized = false;
  fullScreen = false;
  minimized = false;
  focused = false;
  backgroundColor: string;
  /** The normal bounds: from the options, then as a test moves the window (setBounds). */
  bounds: { x: number; y: number; width: number; height: number };
  constructor(
    readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>,
    private readonly record: (api: string, ...args: unknown[]) => void,
  ) {
    super();
    this.webContents = new StubWebContents(record);
    const n = (key: string, fallback: number) =>
      typeof options[key] === 'number' ? (options[key] as number) : fallback;
    this.bounds = { x: n('x', 0), y: n('y', 0), width: n('width', 800), height: n('height', 600) };
    this.backgroundColor = String(options.backgroundColor ?? '#ffffff');
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  setBounds(bounds: Partial<StubBrowserWindow['bounds']>) {
    this.bounds = { ...this.bounds, ...bounds };
  }
  isMaximized() {
    return this.maximized;
  }
  maximize() {
    this.record('BrowserWindow.maximize');
    this.maximized = true;
    this.shown = true;
  }
  isFullScreen() {
    return this.fullScreen;
  }
  setFullScreen(on: boolean) {
    this.record('BrowserWindow.setFullScreen', on);
    this.fullScreen = on;
  }
  setBackgroundColor(color: string) {
    this.record('BrowserWindow.setBackgroundColor', color);
    this.backgroundColor = color;
  }
  loadURL(url: string) {
    this.record('BrowserWindow.loadURL', url);
    this.url = url;
    return Promise.resolve();
  }
  setTitle(title: string) {
    this.title = title;
  }
  setDocumentEdited(edited: boolean) {
    this.documentEdited = edited;
  }
  show() {
    this.shown = true;
  }
  focus() {
    this.focused = true;
  }
  restore() {
    this.minimized = false;
  }
  isMinimized() {
    return this.minimized;
  }
  isDestroyed() {
    return this.closed;
  }
  close() {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit('close', event);
    if (!event.defaultPrevented) {
      this.closed = true;
      this.webContents.destroyed = true;
      this.webContents.emit('destroyed');
      this.emit('closed');
    }
  }
}

export interface StubOptions {
  /** Run forked utility processes for real (worker threads); default true. False only records the fork. */
  runUtilityProcesses?: boolean;
  /** app.getPath(name) answers; default: a path under the OS temp folder named after `name`. */
  paths?: Record<string, string>;
  platform?: NodeJS.Platform;
  /** screen.getAllDisplays()'s work areas, the first one primary; default one 1920 x 1080 display. */
  displays?: { x: number; y: number; width: number; height: number }[];
  /** Whether the OS itself is in dark mode (nativeTheme with themeSource 'system'); default false. */
  osDark?: boolean;
}

export function createElectronStub(options: StubOptions = {}) {
  const calls: RecordedCall[] = [];
  const record = (api: string, ...args: unknown[]) => void calls.push({ api, args });
  /** A recorded call that answers `answer()` (read when called, so a test may change it in between). */
  const answering =
    <T>(api: string, answer: () => T) =>
    (...args: unknown[]): T => {
      record(api, ...args);
      return answer();
    };
  const windows: StubBrowserWindow[] = [];
  const forks: StubUtilityProcess[] = [];
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const schemes: { scheme: string; privileges: Record<string, boolean> }[] = [];
  const protocolHandlers = new Map<string, (request: { url: string }) => Promise<Response> | Response>();
  const menus: unknown[] = [];
  const blockedUrls: string[] = [];
  /** contextBridge.exposeInMainWorld(name, api), by name. */
  const exposed = new Map<string, unknown>();
  const rendererListeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  const dialogs = {
    open: { canceled: true, filePaths: [] as string[] },
    save: { canceled: true, filePath: undefined as string | undefined },
    messageBoxAnswer: 0,
  };
  const displays = (options.displays ?? [{ x: 0, y: 0, width: 1920, height: 1080 }]).map((workArea, id) => ({
    id,
    workArea,
    bounds: workArea,
  }));
  /** app.addRecentDocument's list, newest last (the OS's recent documents). */
  const recentDocuments: string[] = [];
  // Getters and a setter (Object.assign would copy their values once), as Electron's nativeTheme has.
  let themeSource: 'system' | 'light' | 'dark' = 'system';
  const nativeTheme = Object.defineProperties(
    new EventEmitter() as EventEmitter & {
      themeSource: typeof themeSource;
      readonly shouldUseDarkColors: boolean;
      osDark: boolean;
    },
    {
      osDark: { value: options.osDark ?? false, writable: true },
      themeSource: {
        get: () => themeSource,
        set: (value: typeof themeSource) => {
          record('nativeTheme.themeSource', value);
          themeSource = value;
        },
      },
      shouldUseDarkColors: { get: () => themeSource === 'dark' || (themeSource === 'system' && nativeTheme.osDark) },
    },
  );
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));

  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    name: 'LayerCanvas',
    getVersion: () => '0.1.0',
    requestSingleInstanceLock: answering('app.requestSingleInstanceLock', () => true),
    whenReady: answering('app.whenReady', () => ready),
    isReady: (): boolean => false,
    getPath: (name: string) => options.paths?.[name] ?? `${process.env.TMPDIR ?? '/tmp'}/layercanvas-stub-${name}`,
    getAppPath: () => process.cwd(),
    setName: (name: string) => record('app.setName', name),
    quit: () => record('app.quit'),
    exit: (code?: number) => record('app.exit', code),
    addRecentDocument: (path: string) => {
      record('app.addRecentDocument', path);
      recentDocuments.push(path);
    },
    clearRecentDocuments: () => {
      record('app.clearRecentDocuments');
      recentDocuments.length = 0;
    },
    setAboutPanelOptions: (about: Record<string, unknown>) => record('app.setAboutPanelOptions', about),
    showAboutPanel: () => record('app.showAboutPanel'),
    setJumpList: (categories: unknown) => (record('app.setJumpList', categories), 'ok'),
    dock: { setMenu: (menu: unknown) => record('app.dock.setMenu', menu) },
  });

  const electron = {
    app,
    nativeTheme,
    screen: {
      getAllDisplays: () => displays,
      getPrimaryDisplay: () => displays[0],
    },
    BrowserWindow: class extends StubBrowserWindow {
      constructor(opts: StubBrowserWindow['options']) {
        super(opts, record);
        record('BrowserWindow', opts);
        windows.push(this);
        // As Electron does for every webContents it makes.
        app.emit('web-contents-created', {}, this.webContents);
      }
      static getAllWindows = () => windows.filter((w) => !w.closed);
    },
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => {
        record('ipcMain.handle', channel);
        handlers.set(channel, fn);
      },
      on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => {
        record('ipcMain.on', channel);
        listeners.set(channel, fn);
      },
    },
    ipcRenderer: {
      invoke: answering('ipcRenderer.invoke', () => Promise.resolve(undefined)),
      send: (channel: string, ...args: unknown[]) => record('ipcRenderer.send', channel, ...args),
      on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => {
        record('ipcRenderer.on', channel);
        rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), fn]);
      },
      removeListener: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => {
        record('ipcRenderer.removeListener', channel);
        rendererListeners.set(
          channel,
          (rendererListeners.get(channel) ?? []).filter((l) => l !== fn),
        );
      },
    },
    contextBridge: {
      exposeInMainWorld: (name: string, api: unknown) => {
        record('contextBridge.exposeInMainWorld', name);
        exposed.set(name, api);
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (list: typeof schemes) => {
        record('protocol.registerSchemesAsPrivileged', list);
        schemes.push(...list);
      },
      handle: (scheme: string, fn: (request: { url: string }) => Promise<Response> | Response) => {
        record('protocol.handle', scheme);
        protocolHandlers.set(scheme, fn);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: unknown) => record('session.setPermissionRequestHandler', fn),
        setPermissionCheckHandler: (fn: unknown) => record('session.setPermissionCheckHandler', fn),
        webRequest: {
          onBeforeRequest: (filter: { urls: string[] }) => {
            record('session.webRequest.onBeforeRequest', filter);
            blockedUrls.push(...filter.urls);
          },
          onHeadersReceived: (...args: unknown[]) => record('session.webRequest.onHeadersReceived', ...args),
        },
      },
    },
    dialog: {
      showOpenDialog: answering('dialog.showOpenDialog', () => Promise.resolve(dialogs.open)),
      showSaveDialog: answering('dialog.showSaveDialog', () => Promise.resolve(dialogs.save)),
      showMessageBoxSync: answering('dialog.showMessageBoxSync', () => dialogs.messageBoxAnswer),
      showMessageBox: answering('dialog.showMessageBox', () => Promise.resolve({ response: dialogs.messageBoxAnswer })),
      showErrorBox: (...args: unknown[]) => record('dialog.showErrorBox', ...args),
    },
    Menu: {
      buildFromTemplate: (template: unknown) => {
        record('Menu.buildFromTemplate', template);
        return { template };
      },
      setApplicationMenu: (menu: unknown) => {
        record('Menu.setApplicationMenu', menu);
        menus.push(menu);
      },
    },
    MessageChannelMain: class {
      port1: PortMain;
      port2: PortMain;
      constructor() {
        record('MessageChannelMain');
        const { port1, port2 } = new MessageChannel();
        this.port1 = portMain(port1);
        this.port2 = portMain(port2);
      }
    },
    utilityProcess: {
      fork: (modulePath: string, args: string[] = [], forkOptions: Record<string, unknown> = {}) => {
        record('utilityProcess.fork', modulePath, args, forkOptions);
        const child = new StubUtilityProcess(modulePath, args, forkOptions, options.runUtilityProcesses ?? true);
        forks.push(child);
        return child;
      },
    },
  };

  return {
    electron,
    calls,
    /** The calls made to one API, in order. */
    callsTo: (api: string) => calls.filter((c) => c.api === api).map((c) => c.args),
    windows,
    forks,
    handlers,
    listeners,
    schemes,
    protocolHandlers,
    menus,
    blockedUrls,
    exposed,
    dialogs,
    recentDocuments,
    nativeTheme,
    /** Deliver a main → renderer message to what the preload subscribed with ipcRenderer.on. */
    emitToRenderer: (channel: string, event: unknown, ...args: unknown[]) => {
      for (const l of rendererListeners.get(channel) ?? []) l(event, ...args);
    },
    /** Emits app 'ready' and resolves whenReady(). */
    emitReady: () => {
      app.isReady = () => true;
      resolveReady();
      app.emit('ready');
    },
    /** Stops every running utility process. */
    async dispose() {
      await Promise.all(forks.map((f) => f.worker?.terminate()));
    },
  };
}

export type ElectronStub = ReturnType<typeof createElectronStub>;

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * Requires a built CommonJS bundle with `require('electron')` answered by the stub (for as long as the bundle
 * runs: call the returned restore() when the test is done). Node's own loader runs it, untransformed.
 */
export function requireWithElectron(bundle: string, stub: ElectronStub): { exports: unknown; restore(): void } {
  const mod = Module as unknown as { _load: Loader };
  const original = mod._load;
  mod._load = function load(request, parent, isMain) {
    if (request === 'electron') return stub.electron;
    return original.call(this, request, parent, isMain);
  };
  const restore = () => {
    mod._load = original;
  };
  const require = Module.createRequire(bundle);
  try {
    return { exports: require(bundle), restore };
  } catch (e) {
    restore();
    throw e;
  }
}
