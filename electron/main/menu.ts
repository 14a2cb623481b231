/** Turns the menu template (electron/common/menu-template.ts) into a native Menu. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../common/host';
import { menuTemplate, type MenuItemSpec, type MenuOptions } from '../common/menu-template';

export interface MenuActions {
  command(command: MenuCommand): void;
  openRecent(path: string): void;
}

function toElectron(item: MenuItemSpec, actions: MenuActions): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'command':
      return { label: item.label, accelerator: item.accelerator, registerAccelerator: !item.pageKey, click: () => actions.command(item.command) };
    case 'role':
      return item.label ? { role: item.role, label: item.label } : { role: item.role };
    case 'recent':
      return { label: item.label, click: () => actions.openRecent(item.path) };
    case 'separator':
      return { type: 'separator' };
    case 'submenu':
      return { label: item.label, enabled: item.enabled ?? true, submenu: item.items.map((i) => toElectron(i, actions)) };
  }
}

export function installMenu(options: MenuOptions, actions: MenuActions): void {
  const template = menuTemplate(options).map((item) => toElectron(item, actions));
  if (options.platform === 'darwin') template.unshift({ role: 'appMenu' });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
