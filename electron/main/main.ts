/**
 * LayerCanvas desktop: app lifecycle, the window, menus, dialogs and the engine process. Thin on purpose: the
 * decisions live in plain modules (electron/common, *-logic.ts) that are tested without Electron.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { app, type BrowserWindow, dialog, nativeTheme, type WebContents } from 'electron';
import type { EngineStatus, HostFile, MenuCommand, ThemeChoice } from '../../common/host';
import { CHANNELS } from '../common/channels';
import { choiceFromButton, closePrompt, CloseGuard, windowTitle } from '../common/document-state';
import { handleAppScheme, registerAppScheme } from './app-protocol';
import { EngineHost } from './engine-host';
import { writeFileDurable } from '../../engine/node/durable-write';
import { fileFromArgv, PathGrants, readHostFile } from './file-logic';
import { readImageFolderFiles } from './folder-logic';
import { aboutPanelOptions, HOMEPAGE } from './about-logic';
import { handle, listen } from './ipc';
import { readStore, writeStore } from './json-store';
import { dockMenu, installMenu } from './menu';
import { RecentStore } from './recent-store';
import { jumpList, wantsNewModel } from './shell-integration-logic';
import { parseThemeChoice, windowBackground } from './theme-logic';
import { RecoveryStore } from './recovery-store';
import { installWebContentsGuard, RendererCrashPolicy } from './web-contents-guard';
import { createMainWindow, hardenSession } from './window';
import { initialWindowState, rememberWindowState } from './window-state';

// dist/electron/main.cjs → dist/ (LAYERCANVAS_DIST points elsewhere for tests of this file without a build).
const DIST = process.env.LAYERCANVAS_DIST ?? join(__dirname, '..');
const dev = !app.isPackaged;
const platform = process.platform;
/** The app icon as a PNG: beside the app's resources when installed (electron-builder.ts), in assets/ from source. */
const ICON = app.isPackaged
  ? join(process.resourcesPath, 'icon.png')
  : join(app.getAppPath(), 'assets', 'icons', '512x512.png');
/** The small files in the user-data folder, read once the app is ready. */
const userFile = (name: string) => join(app.getPath('userData'), name);

registerAppScheme();

let win: BrowserWindow | null = null;
let engine: EngineHost | null = null;
let recent: RecentStore | undefined;
let recovery: RecoveryStore | undefined;
const rendererCrashes = new RendererCrashPolicy();
/** Files named before the app was ready (macOS open-file at launch, the command line). */
const launchPaths: string[] = [];
const guard = new CloseGuard();
const grants = new PathGrants();
/** Files opened from outside before the window could take them. */
const waitingFiles: HostFile[] = [];
/** Menu commands for a window that is still loading (a Dock or jump-list New Model with no window open). */
const waitingCommands: MenuCommand[] = [];
let theme: ThemeChoice = 'system';
const THEME_COMMANDS: Partial<Record<MenuCommand, ThemeChoice>> = {
  'theme-system': 'system',
  'theme-light': 'light',
  'theme-dark': 'dark',
};

function send(channel: string, payload: unknown): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
}

/** A window to deliver to: the open one, or (macOS, with every window closed) a new one. */
function ensureWindow(): BrowserWindow {
  if (!win || win.isDestroyed()) openWindow();
  return win!;
}

function runCommand(command: MenuCommand): void {
  // View ▸ Theme takes effect here at once (native parts), and in the page through the command.
  const chosen = THEME_COMMANDS[command];
  if (chosen) applyTheme(chosen);
  const target = ensureWindow();
  if (target.webContents.isLoading()) waitingCommands.push(command);
  else send(CHANNELS.menuCommand, command);
}

function rebuildMenu(): void {
  installMenu(
    { recent: recent?.paths ?? [], dev, platform, theme },
    {
      command: runCommand,
      openRecent: (path) => openPath(path),
      main: (action) => {
        if (action === 'clear-recent') clearRecent();
      },
    },
  );
}

/** The theme for the window's native parts, kept for the next launch's first paint; the page follows it too. */
function applyTheme(choice: ThemeChoice): void {
  if (choice === theme && nativeTheme.themeSource === choice) return;
  theme = choice;
  nativeTheme.themeSource = choice;
  writeStore(userFile('settings.json'), { theme }, 'the theme');
  if (win && !win.isDestroyed()) win.setBackgroundColor(windowBackground(nativeTheme.shouldUseDarkColors));
  rebuildMenu();
}

/** A path the user chose: later saves may go there without a dialog, and it heads Open Recent here and in the OS. */
function remember(path: string): void {
  grants.grant(path);
  recent?.add(path);
  // Windows' jump list and Recent, macOS's Dock menu and recent items; Linux has no such API.
  if (platform === 'win32' || platform === 'darwin') app.addRecentDocument(path);
  rebuildMenu();
}

function clearRecent(): void {
  recent?.clear();
  if (platform === 'win32' || platform === 'darwin') app.clearRecentDocuments();
  rebuildMenu();
}

function deliverFile(file: HostFile): void {
  const target = ensureWindow();
  if (target.webContents.isLoading()) waitingFiles.push(file);
  else send(CHANNELS.openedFile, file);
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

/** `<path>.bak` with the bytes now at `path` (a file that isn't there, or isn't a file, has nothing to keep). */
function keepBackup(path: string): void {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) return;
    bytes = readFileSync(path);
  } catch {
    return;
  }
  writeFileDurable(`${path}.bak`, bytes);
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
      const result = await dialog.showSaveDialog(win, {
        defaultPath: req.path ?? req.suggestedName,
        filters: req.filters ?? [],
      });
      if (result.canceled || !result.filePath) {
        guard.onSaveCancelled();
        return null;
      }
      path = result.filePath;
    }
    try {
      // A project opened damaged keeps its original beside it, whatever the repaired save does.
      if (req.backup) keepBackup(path);
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

  handle(CHANNELS.recoveryRead, () => recovery?.offer() ?? null);
  handle(CHANNELS.recoveryWrite, (_event, snapshot) => {
    try {
      recovery?.save(snapshot);
    } catch (err) {
      // Autosave is a safety net: say so in the log, but don't interrupt the user's work with a dialog.
      console.warn(`Autosave could not write its snapshot: ${(err as Error).message}`);
    }
  });
  handle(CHANNELS.recoveryClear, () => recovery?.clear());

  listen(CHANNELS.documentState, (_event, state) => {
    if (!win) return;
    win.setTitle(windowTitle(state, process.platform));
    win.setDocumentEdited(state.dirty);
    if (guard.onDocumentState(state) === 'close') win.close();
  });

  listen(CHANNELS.theme, (_event, choice) => applyTheme(choice));
  listen(CHANNELS.restartEngine, () => engine?.restart());
  listen(CHANNELS.engineCancelled, (_event, requestId) => engine?.noteCancel(requestId));

  listen(CHANNELS.requestEnginePort, (event) => {
    engine?.requestPort(event.sender as WebContents);
    event.sender.send(
      CHANNELS.engineStatus,
      engine?.status ?? { state: 'failed', message: 'The engine was not started.' },
    );
  });
}

function openWindow(): void {
  const stateFile = userFile('window-state.json');
  win = createMainWindow({
    preload: join(__dirname, 'preload.cjs'),
    dev,
    state: initialWindowState(stateFile),
    backgroundColor: windowBackground(nativeTheme.shouldUseDarkColors),
    ...(platform === 'linux' ? { icon: ICON } : {}),
  });
  const current = win;
  rememberWindowState(current, stateFile);
  current.webContents.on('did-finish-load', () => {
    for (const file of waitingFiles.splice(0)) send(CHANNELS.openedFile, file);
    for (const command of waitingCommands.splice(0)) send(CHANNELS.menuCommand, command);
  });
  current.on('close', (event) => {
    if (guard.onCloseRequested() === 'close') return;
    event.preventDefault();
    const answer = dialog.showMessageBoxSync(current, { type: 'question', ...closePrompt(guard.state) });
    const choice = choiceFromButton(answer);
    const action = guard.onPromptAnswer(choice);
    // "Don't Save" means the work is meant to go: the autosave must not offer it back next time.
    if (choice === 'discard') recovery?.clear();
    if (action === 'close') current.close();
    else if (action === 'save-then-close') send(CHANNELS.menuCommand, 'save' satisfies MenuCommand);
  });
  current.webContents.on('render-process-gone', (_event, details) => {
    const decision = rendererCrashes.onGone(details.reason);
    if (decision === 'ignore' || current.isDestroyed()) return;
    if (decision === 'give-up') {
      dialog.showErrorBox(
        'LayerCanvas keeps crashing',
        `The window's renderer stopped (${details.reason}) again. Your last autosave is kept and will be offered at the next start.`,
      );
      return;
    }
    // The page restores the autosave by itself after this reload (RecoveryStore.offer → afterCrash).
    recovery?.markCrashed();
    current.webContents.reload();
  });
  current.on('closed', () => {
    if (win === current) win = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another LayerCanvas is running; it gets our command line through 'second-instance'.
  app.quit();
} else {
  // A second launch (a file opened from Explorer or a file manager, the jump list's New Model) hands its command
  // line to this instance, whose window comes forward and takes it.
  app.on('second-instance', (_event, argv, cwd) => {
    const target = ensureWindow();
    if (target.isMinimized()) target.restore();
    target.focus();
    if (wantsNewModel(argv)) runCommand('new');
    const path = fileFromArgv(argv, cwd, app.getAppPath());
    if (path) openPath(path);
  });

  // macOS: a file dropped on the Dock icon or opened from Finder.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (recent) openPath(path);
    else launchPaths.push(path);
  });

  installWebContentsGuard(app);

  // macOS apps stay running with no window until Cmd+Q; a click on the Dock icon opens one again.
  app.on('window-all-closed', () => {
    if (platform === 'darwin') return;
    engine?.stop();
    app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && (!win || win.isDestroyed())) openWindow();
  });
  app.on('before-quit', () => engine?.stop());

  app.whenReady().then(() => {
    recent = new RecentStore(userFile('recent-files.json'));
    theme = parseThemeChoice(readStore(userFile('settings.json')));
    nativeTheme.themeSource = theme;
    // The page follows nativeTheme while its choice is 'system'; repaint the window behind it when the OS flips.
    nativeTheme.on('updated', () => {
      if (win && !win.isDestroyed()) win.setBackgroundColor(windowBackground(nativeTheme.shouldUseDarkColors));
    });
    const { electron, chrome, node, v8 } = process.versions;
    app.setAboutPanelOptions(
      aboutPanelOptions({ app: app.getVersion(), electron, chrome, node, v8 }, platform, ICON, HOMEPAGE),
    );
    // The jump list's task starts the installed executable; from source there is none to point at.
    if (platform === 'win32' && app.isPackaged) {
      const result = app.setJumpList(jumpList(process.execPath));
      if (result !== 'ok') console.warn(`The taskbar jump list was not set: ${result}.`);
    }
    if (platform === 'darwin') app.dock?.setMenu(dockMenu({ command: runCommand }));
    recovery = new RecoveryStore(userFile(join('recovery', 'autosave.json')));
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
