/** Turns the menu template (electron/common/menu-template.ts) into a native Menu, and the macOS Dock menu. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../common/host';
import { type MainAction, type MenuItemSpec, type MenuOptions, menuTemplate } from '../common/menu-template';
import { DOCK_MENU } from './shell-integration-logic';

export interface MenuActions {
  command(command: MenuCommand): void;
  openRecent(path: string): void;
  main(action: MainAction): void;
}

function toElectron(item: MenuItemSpec, actions: MenuActions): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'command':
      return {
        label: item.label,
        accelerator: item.accelerator,
        registerAccelerator: !item.pageKey,
        click: () => actions.command(item.command),
      };
    case 'radio':
      return { type: 'radio', label: item.label, checked: item.checked, click: () => actions.command(item.command) };
    case 'role':
      return item.label ? { role: item.role, label: item.label } : { role: item.role };
    case 'recent':
      return { label: item.label, click: () => actions.openRecent(item.path) };
    case 'main':
      return { label: item.label, click: () => actions.main(item.action) };
    case 'separator':
      return { type: 'separator' };
    case 'submenu':
      return {
        label: item.label,
        enabled: item.enabled ?? true,
        submenu: item.items.map((i) => toElectron(i, actions)),
      };
  }
}

export function installMenu(options: MenuOptions, actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(options).map((item) => toElectron(item, actions))));
}

/** macOS: New Model and Open… under the recent documents macOS lists in the Dock menu. */
export function dockMenu(actions: Pick<MenuActions, 'command'>): Menu {
  return Menu.buildFromTemplate(
    DOCK_MENU.map(({ label, command }) => ({ label, click: () => actions.command(command) })),
  );
}
