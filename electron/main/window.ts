/** The main window, locked down: isolated, sandboxed, no Node, no navigation, no pop-ups, no remote content. */
import { BrowserWindow, session, type Session } from 'electron';
import { APP_URL } from '../common/channels';
import { MIN_SIZE, type WindowState } from './window-state-logic';

export function hardenSession(ses: Session = session.defaultSession): void {
  // The app needs no camera, notifications, geolocation…: refuse every permission.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // No remote content at all: the renderer is local and the engine is a local process.
  ses.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'] },
    (_details, callback) => callback({ cancel: true }),
  );
  // The CSP comes with every app:// response (app-protocol.ts); with remote requests refused above, nothing else
  // reaches the page. (Rewriting headers session-wide would also hit DevTools' own pages.)
}

export interface MainWindowOptions {
  preload: string;
  dev: boolean;
  /** Where it opens (window-state-logic.ts: the saved place, on a display that still exists). */
  state: WindowState;
  /** The page's background in the current theme, shown until the page paints. */
  backgroundColor: string;
  /** Linux's window icon (Windows and macOS take the executable's). */
  icon?: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...options.state.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'LayerCanvas',
    backgroundColor: options.backgroundColor,
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: options.dev,
    },
  });
  // Navigation, pop-ups and <webview> are refused app-wide (web-contents-guard.ts), for this window as for any.
  win.once('ready-to-show', () => {
    // maximize() shows the window too; full screen goes on once it is shown.
    if (options.state.maximized) win.maximize();
    else win.show();
    if (options.state.fullScreen) win.setFullScreen(true);
  });
  void win.loadURL(APP_URL);
  return win;
}
