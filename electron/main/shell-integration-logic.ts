/**
 * What LayerCanvas tells the OS shell besides its window: the Windows taskbar jump list (recent files, New Model),
 * the macOS Dock menu, and the command-line switch the jump list's task launches with. The recent files
 * themselves go to the OS through app.addRecentDocument (Windows' Recent, macOS's Dock and File menus). Plain
 * data, tested without Electron.
 */
import type { JumpListCategory } from 'electron';
import type { MenuCommand } from '../../common/host';

/** The jump list task's argument: a second launch with it asks the running window for a new model. */
export const NEW_MODEL_SWITCH = '--new-model';

export function wantsNewModel(argv: readonly string[]): boolean {
  return argv.includes(NEW_MODEL_SWITCH);
}

/**
 * Windows: the files Windows keeps for the app (from addRecentDocument, for the associated types) and a New Model
 * task that starts the installed executable, which hands it to the running window.
 */
export function jumpList(executable: string): JumpListCategory[] {
  return [
    { type: 'recent' },
    {
      type: 'tasks',
      items: [
        {
          type: 'task',
          title: 'New Model',
          description: 'Start an empty model in LayerCanvas',
          program: executable,
          args: NEW_MODEL_SWITCH,
          iconPath: executable,
          iconIndex: 0,
        },
      ],
    },
  ];
}

/** macOS: the Dock menu's own items; macOS lists the recent documents above them. */
export const DOCK_MENU: readonly { label: string; command: MenuCommand }[] = [
  { label: 'New Model', command: 'new' },
  { label: 'Open…', command: 'open' },
];
