/**
 * LayerCanvas desktop: app lifecycle, the window, menus, dialogs and the engine process. Thin on purpose: the
 * decisions live in plain modules (electron/common, *-logic.ts) that are tested without Electron.
 */
import { join } from 'node:path';
import { app, type BrowserWindow, dialog, type WebContents } from 'electron';
import type { EngineStatus, HostFile, MenuCommand } from '../../common/host';
import { CHANNELS } from '../common/channels';
import { choiceFromButton, closePrompt, CloseGuard, windowTitle } from '../common/document-state';
import { handleAppScheme, registerAppScheme } from './app-protocol';
import { EngineHost } from './engine-host';
import { writeFileDurable } from '../../engine/node/durable-write';
import { fileFromArgv, PathGrants, readHostFile } from './file-logic';
import { readImageFolderFiles } from './folder-logic';
import { handle, listen } from './ipc';
import { installMenu } from './menu';
import { RecentStore } from './recent-store';
import { createMainWindow, hardenSession } from './window';

// dist/electron/main.cjs → dist/ (LAYERCANVAS_DIST points elsewhere for tests of this file without a build).
const DIST = process.env.LAYERCANVAS_DIST ?? join(__dirname, '..');
const dev = !app.isPackaged;

registerAppScheme();

let win: BrowserWindow | null = null;
let engine: EngineHost | null = null;
let recent: RecentStore | undefined;
/** Files named before the app was ready (macOS open-file at launch, the command line). */
const launchPaths: string[] = [];
const guard = new CloseGuard();
const grants = new PathGrants();
/** Files opened from outside before the window could take them. */
const waitingFiles: HostFile[] = [];

function send(channel: string, payload: unknown): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
}

function rebuildMenu(): void {
  installMenu(
    { recent: recent?.paths ?? [], dev, platform: process.platform },
    {
      command: (command: MenuCommand) => send(CHANNELS.menuCommand, command),
      openRecent: (path) => openPath(path),
    },
  );
}

/** A path the user chose: later saves may go there without a dialog, and it heads Open Recent. */
function remember(path: string): void {
  grants.grant(path);
  recent?.add(path);
  rebuildMenu();
}

function deliverFile(file: HostFile): void {
  if (win && !win.webContents.isLoading()) send(CHANNELS.openedFile, file);
  else waitingFiles.push(file);
}

function openPath(path: string): void {
  const outcome = readHostFile(path);
  if (!outcome.ok) {
    dialog.showErrorBox('Could not open the file', outcome.message);
    return;
  }
  remember(path);
  deliverFile(outcome.file);
}

function registerIpc(): void {
  handle(CHANNELS.openFile, async (_event, filters?) => {
    if (!win) return null;
    const result = await dialog.showOpenDialog(win, { properties: ['openFile'], filters: filters ?? [] });
    const path = result.canceled ? undefined : result.filePaths[0];
    if (!path) return null;
    const outcome = readHostFile(path);
    if (!outcome.ok) {
      dialog.showErrorBox('Could not open the file', outcome.message);
      return null;
    }
    remember(path);
    return outcome.file;
  });

  handle(CHANNELS.openFolder, async () => {
    if (!win) return null;
    const result = await dialog.showOpenDialog(win, { properties: ['openDirectory'] });
    const path = result.canceled ? undefined : result.filePaths[0];
    // A refusal goes back to the page, which shows it under the dataset select like any import problem.
    return path ? readImageFolderFiles(path) : null;
  });

  handle(CHANNELS.saveFile, async (_event, req) => {
    if (!win) return null;
    let path = req.path && grants.allows(req.path) ? req.path : undefined;
    if (!path) {
      const result = await dialog.showSaveDialog(win, { defaultPath: req.path ?? req.suggestedName, filters: req.filters ?? [] });
      if (result.canceled || !result.filePath) {
        guard.onSaveCancelled();
        return null;
      }
      path = result.filePath;
    }
    try {
      writeFileDurable(path, req.data);
    } catch (err) {
      guard.onSaveCancelled();
      dialog.showErrorBox('Could not save the file', `Writing ${path} failed: ${(err as Error).message}`);
      return null;
    }
    remember(path);
    return { path, name: path.split(/[\\/]/).pop() ?? path };
  });

  handle(CHANNELS.recentFiles, () => recent?.paths ?? []);

  listen(CHANNELS.documentState, (_event, state) => {
    if (!win) return;
    win.setTitle(windowTitle(state, process.platform));
    win.setDocumentEdited(state.dirty);
    if (guard.onDocumentState(state) === 'close') win.close();
  });

  listen(CHANNELS.requestEnginePort, (event) => {
    engine?.requestPort(event.sender as WebContents);
    event.sender.send(CHANNELS.engineStatus, engine?.status ?? { state: 'failed', message: 'The engine was not started.' });
  });
}

function openWindow(): void {
  win = createMainWindow({ preload: join(__dirname, 'preload.cjs'), dev });
  const current = win;
  current.webContents.on('did-finish-load', () => {
    for (const file of waitingFiles.splice(0)) send(CHANNELS.openedFile, file);
  });
  current.on('close', (event) => {
    if (guard.onCloseRequested() === 'close') return;
    event.preventDefault();
    const answer = dialog.showMessageBoxSync(current, { type: 'question', ...closePrompt(guard.state) });
    const action = guard.onPromptAnswer(choiceFromButton(answer));
    if (action === 'close') current.close();
    else if (action === 'save-then-close') send(CHANNELS.menuCommand, 'save' satisfies MenuCommand);
  });
  current.on('closed', () => {
    if (win === current) win = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another LayerCanvas is running; it gets our command line through 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', (_event, argv, cwd) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    const path = fileFromArgv(argv, cwd, app.getAppPath());
    if (path) openPath(path);
  });

  // macOS: a file dropped on the Dock icon or opened from Finder.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (recent) openPath(path);
    else launchPaths.push(path);
  });

  app.on('window-all-closed', () => {
    engine?.stop();
    app.quit();
  });

  app.whenReady().then(() => {
    recent = new RecentStore(join(app.getPath('userData'), 'recent-files.json'));
    hardenSession();
    handleAppScheme(join(DIST, 'renderer'));
    registerIpc();
    rebuildMenu();
    const onStatus = (status: EngineStatus) => send(CHANNELS.engineStatus, status);
    engine = new EngineHost(join(DIST, 'engine', 'utility-main.cjs'), onStatus, join(DIST, 'wasm'), app.isPackaged);
    engine.start();
    openWindow();
    const path = fileFromArgv(process.argv, process.cwd(), app.getAppPath());
    if (path) launchPaths.push(path);
    for (const p of launchPaths.splice(0)) openPath(p);
  });
}
