/**
 * IPC channel names between main and the preload: one place, so neither side scatters strings. No electron,
 * node or zod imports (the sandboxed preload bundles this file).
 */
export const CHANNELS = {
  /** renderer → main, invoke: show an open dialog, read the file (and TF.js siblings). */
  openFile: 'layercanvas:open-file',
  /** renderer → main, invoke: show a folder dialog, read its images (capped) for a dataset import. */
  openFolder: 'layercanvas:open-folder',
  /** renderer → main, invoke: save to a path or ask where. */
  saveFile: 'layercanvas:save-file',
  /** renderer → main, invoke: recently opened files. */
  recentFiles: 'layercanvas:recent-files',
  /** renderer → main, send: title and dirty flag. */
  documentState: 'layercanvas:document-state',
  /** renderer → main, send: please send me an engine port. */
  requestEnginePort: 'layercanvas:request-engine-port',
  /** renderer → main, send: kill the engine and start a new one (Restart engine in the status bar). */
  restartEngine: 'layercanvas:restart-engine',
  /** renderer → main, send: the page cancelled this request; restart an engine still on it after a grace period. */
  engineCancelled: 'layercanvas:engine-cancelled',
  /** renderer → main, invoke: the autosave snapshot, if any (and whether the window is back from a crash). */
  recoveryRead: 'layercanvas:recovery-read',
  /** renderer → main, invoke: keep this snapshot of unsaved work (a file under userData). */
  recoveryWrite: 'layercanvas:recovery-write',
  /** renderer → main, invoke: the work was saved or discarded; remove the snapshot. */
  recoveryClear: 'layercanvas:recovery-clear',
  /** main → renderer: a MessagePort to the engine (in event.ports). */
  enginePort: 'layercanvas:engine-port',
  /** main → renderer: engine status changes. */
  engineStatus: 'layercanvas:engine-status',
  /** main → renderer: a native menu item was chosen. */
  menuCommand: 'layercanvas:menu-command',
  /** main → renderer: a file opened from outside (command line, drop, Open Recent, second instance). */
  openedFile: 'layercanvas:opened-file',
  /** renderer → main, send: the theme the page shows (system, light or dark), for nativeTheme. */
  theme: 'layercanvas:theme',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** The scheme and host the renderer is served from; the sender check compares against it. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'layercanvas';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;
