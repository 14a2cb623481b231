/** The main window, locked down: isolated, sandboxed, no Node, no navigation, no pop-ups, no remote content. */
import { BrowserWindow, session, type Session } from 'electron';
import { APP_ORIGIN, APP_URL } from '../common/channels';

export function hardenSession(ses: Session = session.defaultSession): void {
  // The app needs no camera, notifications, geolocation…: refuse every permission.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // No remote content at all: the renderer is local and the engine is a local process.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'] }, (_details, callback) =>
    callback({ cancel: true }),
  );
  // The CSP comes with every app:// response (app-protocol.ts); with remote requests refused above, nothing else
  // reaches the page. (Rewriting headers session-wide would also hit DevTools' own pages.)
}

export function createMainWindow(options: { preload: string; dev: boolean }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'LayerCanvas',
    backgroundColor: '#1e1e1e',
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
  const wc = win.webContents;
  wc.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  wc.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  wc.on('will-attach-webview', (event) => event.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_URL);
  return win;
}
