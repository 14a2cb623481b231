/**
 * The native menu as data: main turns it into an Electron Menu, tests check it without Electron. Items either
 * send a MenuCommand to the renderer, use a built-in role (clipboard, zoom), or open a recent file.
 */
import type { MenuCommand } from '../../common/host';

export type MenuRole = 'cut' | 'copy' | 'paste' | 'selectAll' | 'zoomIn' | 'zoomOut' | 'resetZoom' | 'togglefullscreen' | 'toggleDevTools' | 'quit';

export type MenuItemSpec =
  /**
   * `pageKey`: the page already handles this shortcut (renderer/actions/shortcuts.ts), so the menu only shows it;
   * registering it too would run the command twice.
   */
  | { kind: 'command'; label: string; command: MenuCommand; accelerator?: string; pageKey?: boolean }
  | { kind: 'role'; role: MenuRole; label?: string }
  | { kind: 'recent'; label: string; path: string }
  | { kind: 'separator' }
  | { kind: 'submenu'; label: string; items: MenuItemSpec[]; enabled?: boolean };

export interface MenuOptions {
  recent: readonly string[];
  /** DevTools only in development builds. */
  dev: boolean;
  platform: string;
}

const cmd = (label: string, command: MenuCommand, accelerator?: string): MenuItemSpec =>
  accelerator ? { kind: 'command', label, command, accelerator } : { kind: 'command', label, command };
const pageCmd = (label: string, command: MenuCommand, accelerator: string): MenuItemSpec => ({ kind: 'command', label, command, accelerator, pageKey: true });
const sep: MenuItemSpec = { kind: 'separator' };

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

export function menuTemplate({ recent, dev, platform }: MenuOptions): MenuItemSpec[] {
  const recentItems: MenuItemSpec[] = recent.map((path) => ({ kind: 'recent', label: `${baseName(path)}  —  ${path}`, path }));
  const file: MenuItemSpec = {
    kind: 'submenu',
    label: '&File',
    items: [
      cmd('New', 'new', 'CmdOrCtrl+N'),
      pageCmd('Open…', 'open', 'CmdOrCtrl+O'),
      { kind: 'submenu', label: 'Open Recent', items: recentItems, enabled: recentItems.length > 0 },
      sep,
      pageCmd('Save', 'save', 'CmdOrCtrl+S'),
      pageCmd('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
      {
        kind: 'submenu',
        label: 'Export',
        items: [
          cmd('Keras Python…', 'export-keras-py', 'CmdOrCtrl+E'),
          cmd('Keras JSON…', 'export-keras-json'),
          cmd('TF.js…', 'export-tfjs'),
          cmd('Weights JSON…', 'export-weights-json'),
        ],
      },
      ...(platform === 'darwin' ? [] : [sep, { kind: 'role', role: 'quit', label: 'Quit' } as MenuItemSpec]),
    ],
  };
  const edit: MenuItemSpec = {
    kind: 'submenu',
    label: '&Edit',
    items: [
      // The canvas keeps its own history, so Undo/Redo are commands, not the text-field roles.
      pageCmd('Undo', 'undo', 'CmdOrCtrl+Z'),
      pageCmd('Redo', 'redo', platform === 'darwin' ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
      sep,
      { kind: 'role', role: 'cut' },
      { kind: 'role', role: 'copy' },
      { kind: 'role', role: 'paste' },
      { kind: 'role', role: 'selectAll' },
      sep,
      cmd('Auto-layout', 'auto-layout', 'CmdOrCtrl+Shift+L'),
    ],
  };
  const view: MenuItemSpec = {
    kind: 'submenu',
    label: '&View',
    items: [
      // Not Ctrl+0: that is Actual Size's.
      cmd('Fit to Window', 'fit-view', 'CmdOrCtrl+Shift+F'),
      { kind: 'role', role: 'zoomIn' },
      { kind: 'role', role: 'zoomOut' },
      { kind: 'role', role: 'resetZoom', label: 'Actual Size' },
      sep,
      cmd('Toggle Theme', 'toggle-theme', 'CmdOrCtrl+Shift+T'),
      { kind: 'role', role: 'togglefullscreen' },
      ...(dev ? [sep, { kind: 'role', role: 'toggleDevTools' } as MenuItemSpec] : []),
    ],
  };
  const help: MenuItemSpec = { kind: 'submenu', label: '&Help', items: [cmd('About LayerCanvas', 'about')] };
  return [file, edit, view, help];
}

/** Every command the template can send, for checks that none is missing. */
export function commandsIn(items: readonly MenuItemSpec[]): MenuCommand[] {
  return items.flatMap((item) => (item.kind === 'command' ? [item.command] : item.kind === 'submenu' ? commandsIn(item.items) : []));
}
