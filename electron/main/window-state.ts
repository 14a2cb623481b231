/** window-state-logic.ts around Electron: the saved state read at launch, placed on today's displays, saved on close. */
import { screen, type BrowserWindow } from 'electron';
import { readStore, writeStore } from './json-store';
import { parseWindowState, restoreWindowState, type WindowState } from './window-state-logic';

export function initialWindowState(file: string): WindowState {
  return restoreWindowState(
    parseWindowState(readStore(file)),
    screen.getAllDisplays().map((display) => display.workArea),
    screen.getPrimaryDisplay().workArea,
  );
}

/** Keep the window's state when it closes (its normal bounds, so a maximized window un-maximizes to them). */
export function rememberWindowState(win: BrowserWindow, file: string): void {
  win.on('close', () => {
    const state: WindowState = {
      bounds: win.getNormalBounds(),
      maximized: win.isMaximized(),
      fullScreen: win.isFullScreen(),
    };
    writeStore(file, state, 'the window size and position');
  });
}
