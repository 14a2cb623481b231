/**
 * The only bridge between the page and Electron: `window.layercanvas`, a few typed verbs and events. The page
 * never sees ipcRenderer; main checks every message again anyway (electron/main/ipc.ts).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EngineStatus, HostFile, MenuCommand } from '../../common/host';
import { ENGINE_PORT_MESSAGE, type LayerCanvasBridge } from '../../common/bridge';
import { CHANNELS } from '../common/channels';

function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError(`${channel}: the listener must be a function`);
  const handler = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

// Files opened from outside can arrive before the page subscribes (a file on the command line); keep them.
const openedFiles: HostFile[] = [];
const openListeners = new Set<(file: HostFile) => void>();
ipcRenderer.on(CHANNELS.openedFile, (_event, file: HostFile) => {
  if (openListeners.size === 0) openedFiles.push(file);
  else openListeners.forEach((l) => l(file));
});

// MessagePorts can't cross contextBridge; re-post to the page's own window, which keeps the port transferable.
ipcRenderer.on(CHANNELS.enginePort, (event) => {
  window.postMessage({ channel: ENGINE_PORT_MESSAGE }, '*', event.ports);
});

const bridge: LayerCanvasBridge = {
  version: 1,
  openFile: (filters) => ipcRenderer.invoke(CHANNELS.openFile, filters),
  openFolder: () => ipcRenderer.invoke(CHANNELS.openFolder),
  saveFile: (req) => ipcRenderer.invoke(CHANNELS.saveFile, req),
  setDocumentState: (state) =>
    ipcRenderer.send(CHANNELS.documentState, { title: String(state?.title ?? ''), dirty: Boolean(state?.dirty) }),
  recentFiles: () => ipcRenderer.invoke(CHANNELS.recentFiles),
  setTheme: (theme) => ipcRenderer.send(CHANNELS.theme, String(theme)),
  requestEnginePort: () => ipcRenderer.send(CHANNELS.requestEnginePort),
  restartEngine: () => ipcRenderer.send(CHANNELS.restartEngine),
  engineCancelled: (requestId) => ipcRenderer.send(CHANNELS.engineCancelled, String(requestId)),
  readRecovery: () => ipcRenderer.invoke(CHANNELS.recoveryRead),
  writeRecovery: (snapshot) => ipcRenderer.invoke(CHANNELS.recoveryWrite, snapshot),
  clearRecovery: () => ipcRenderer.invoke(CHANNELS.recoveryClear),
  onOpenFile: (listener) => {
    if (typeof listener !== 'function') throw new TypeError('onOpenFile: the listener must be a function');
    openListeners.add(listener);
    for (const file of openedFiles.splice(0)) listener(file);
    return () => {
      openListeners.delete(listener);
    };
  },
  onMenuCommand: (listener) => subscribe<MenuCommand>(CHANNELS.menuCommand, listener),
  onEngineStatus: (listener) => subscribe<EngineStatus>(CHANNELS.engineStatus, listener),
};

contextBridge.exposeInMainWorld('layercanvas', bridge);
