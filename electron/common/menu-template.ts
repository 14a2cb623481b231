/**
 * The native menu as data: main turns it into an Electron Menu, tests check it without Electron. Items either
 * send a MenuCommand to the renderer, use a built-in role (clipboard, zoom, About, Quit), open a recent file, or
 * ask main itself for something (clear the recent files).
 *
 * Each OS's conventions: macOS has the app menu (About, Services, Hide, Quit) and a Window menu, Close Window on
 * Cmd+W, Redo on Cmd+Shift+Z and no mnemonics; Windows ends File with Exit and redoes with Ctrl+Y; Linux ends it
 * with Quit (Ctrl+Q) and redoes with Ctrl+Shift+Z. About is in the app menu on macOS, under Help elsewhere.
 */
import type { MenuCommand, ThemeChoice } from '../../common/host';

export type MenuRole =
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'zoomIn'
  | 'zoomOut'
  | 'resetZoom'
  | 'togglefullscreen'
  | 'toggleDevTools'
  | 'quit'
  | 'about'
  | 'close'
  | 'appMenu'
  | 'windowMenu';

/** What main does itself, without the page. */
export type MainAction = 'clear-recent';

export type MenuItemSpec =
  /**
   * `pageKey`: the page already handles this shortcut (renderer/actions/shortcuts.ts), so the menu only shows it;
   * registering it too would run the command twice.
   */
  | { kind: 'command'; label: string; command: MenuCommand; accelerator?: string; pageKey?: boolean }
  | { kind: 'role'; role: MenuRole; label?: string }
  | { kind: 'recent'; label: string; path: string }
  | { kind: 'main'; label: string; action: MainAction }
  /** One of a group of exclusive choices (View ▸ Theme); choosing it sends its command. */
  | { kind: 'radio'; label: string; command: MenuCommand; checked: boolean }
  | { kind: 'separator' }
  | { kind: 'submenu'; label: string; items: MenuItemSpec[]; enabled?: boolean };

export interface MenuOptions {
  recent: readonly string[];
  /** DevTools only in development builds. */
  dev: boolean;
  platform: string;
  /** The theme choice, checked under View ▸ Theme. */
  theme: ThemeChoice;
}

const cmd = (label: string, command: MenuCommand, accelerator?: string): MenuItemSpec =>
  accelerator ? { kind: 'command', label, command, accelerator } : { kind: 'command', label, command };
const pageCmd = (label: string, command: MenuCommand, accelerator: string): MenuItemSpec => ({
  kind: 'command',
  label,
  command,
  accelerator,
  pageKey: true,
});
const sep: MenuItemSpec = { kind: 'separator' };

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** macOS shows no mnemonics: its labels go without the `&`. */
function withoutMnemonics(items: MenuItemSpec[]): MenuItemSpec[] {
  return items.map((item) =>
    item.kind === 'submenu'
      ? { ...item, label: item.label.replace('&', ''), items: withoutMnemonics(item.items) }
      : item,
  );
}

const THEMES: { label: string; theme: ThemeChoice }[] = [
  { label: 'Match System', theme: 'system' },
  { label: 'Light', theme: 'light' },
  { label: 'Dark', theme: 'dark' },
];

export function menuTemplate({ recent, dev, platform, theme }: MenuOptions): MenuItemSpec[] {
  const mac = platform === 'darwin';
  const recentItems: MenuItemSpec[] = recent.map((path) => ({
    kind: 'recent',
    label: `${baseName(path)}  —  ${path}`,
    path,
  }));
  const clearRecent: MenuItemSpec = {
    kind: 'main',
    label: mac ? 'Clear Menu' : 'Clear Recently Opened',
    action: 'clear-recent',
  };
  const quit: MenuItemSpec[] =
    platform === 'win32'
      ? [sep, { kind: 'role', role: 'quit', label: 'E&xit' }]
      : mac
        ? []
        : [sep, { kind: 'role', role: 'quit', label: '&Quit' }];
  const file: MenuItemSpec = {
    kind: 'submenu',
    label: '&File',
    items: [
      cmd('New', 'new', 'CmdOrCtrl+N'),
      pageCmd('Open…', 'open', 'CmdOrCtrl+O'),
      {
        kind: 'submenu',
        label: 'Open Recent',
        items: recentItems.length > 0 ? [...recentItems, sep, clearRecent] : [],
        enabled: recentItems.length > 0,
      },
      sep,
      // macOS keeps the app running with no window; Cmd+W closes it (it asks first when the model is unsaved).
      ...(mac ? [{ kind: 'role', role: 'close', label: 'Close Window' } as MenuItemSpec] : []),
      pageCmd('Save', 'save', 'CmdOrCtrl+S'),
      pageCmd('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
      {
        kind: 'submenu',
        label: 'Export',
        items: [
          cmd('Keras Python…', 'export-keras-py', 'CmdOrCtrl+E'),
          cmd('Keras JSON…', 'export-keras-json'),
          cmd('Keras File (.keras)…', 'export-keras'),
          cmd('Keras HDF5 (.h5, tf.keras 2)…', 'export-h5'),
          cmd('TF.js…', 'export-tfjs'),
          cmd('ONNX…', 'export-onnx'),
          cmd('Weights JSON…', 'export-weights-json'),
          sep,
          {
            kind: 'submenu',
            label: 'Training Script (TensorFlow)',
            items: [
              cmd('One Machine (Default Strategy)…', 'export-keras-train-default'),
              cmd('All GPUs of a Machine (Mirrored)…', 'export-keras-train-mirrored'),
              cmd('Several Machines (Multi-worker)…', 'export-keras-train-multiworker'),
              cmd('Cloud TPU…', 'export-keras-train-tpu'),
            ],
          },
        ],
      },
      ...quit,
    ],
  };
  const edit: MenuItemSpec = {
    kind: 'submenu',
    label: '&Edit',
    items: [
      // The canvas keeps its own history, so Undo/Redo are commands, not the text-field roles.
      pageCmd('Undo', 'undo', 'CmdOrCtrl+Z'),
      pageCmd('Redo', 'redo', mac ? 'Cmd+Shift+Z' : platform === 'win32' ? 'Ctrl+Y' : 'Ctrl+Shift+Z'),
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
      {
        kind: 'submenu',
        label: 'Theme',
        items: [
          ...THEMES.map(
            (t): MenuItemSpec => ({
              kind: 'radio',
              label: t.label,
              command: `theme-${t.theme}`,
              checked: theme === t.theme,
            }),
          ),
          sep,
          cmd('Toggle Light and Dark', 'toggle-theme', 'CmdOrCtrl+Shift+T'),
        ],
      },
      { kind: 'role', role: 'togglefullscreen' },
      sep,
      // A hung or runaway engine (the watchdog also catches one that stops answering).
      cmd('Restart Engine', 'restart-engine'),
      ...(dev ? [sep, { kind: 'role', role: 'toggleDevTools' } as MenuItemSpec] : []),
    ],
  };
  if (mac) {
    // The app menu (About, Services, Hide, Quit) leads; the Window menu (Minimize, Zoom, Bring All to Front) follows View.
    return withoutMnemonics([
      { kind: 'role', role: 'appMenu' },
      file,
      edit,
      view,
      { kind: 'role', role: 'windowMenu' },
    ]);
  }
  const help: MenuItemSpec = {
    kind: 'submenu',
    label: '&Help',
    items: [{ kind: 'role', role: 'about', label: 'About LayerCanvas' }],
  };
  return [file, edit, view, help];
}

/** Every command the template can send, for checks that none is missing. */
export function commandsIn(items: readonly MenuItemSpec[]): MenuCommand[] {
  return items.flatMap((item) =>
    item.kind === 'command' || item.kind === 'radio'
      ? [item.command]
      : item.kind === 'submenu'
        ? commandsIn(item.items)
        : [],
  );
}
