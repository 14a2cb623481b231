/**
 * The native About box (app.setAboutPanelOptions, shown by the menus' `about` role on every OS): the app's
 * version and the runtime it runs on. Linux's dialog has no credits field, so the runtime joins the version line
 * there. Plain data, tested without Electron.
 */
import type { AboutPanelOptionsOptions } from 'electron';

export interface Versions {
  app: string;
  electron: string;
  chrome: string;
  node: string;
  v8: string;
}

export const COPYRIGHT = 'Copyright © LayerCanvas contributors';
/** package.json's homepage, shown as the website in Linux's About box. */
export const HOMEPAGE = 'https://layercanvas.dev';

/** "Electron 45.6.1 · Chromium 142.0… · Node.js 22.… · V8 14.…" */
export function runtimeLine(v: Versions): string {
  return `Electron ${v.electron} · Chromium ${v.chrome} · Node.js ${v.node} · V8 ${v.v8}`;
}

export function aboutPanelOptions(
  v: Versions,
  platform: string,
  iconPath?: string,
  website?: string,
): AboutPanelOptionsOptions {
  const base: AboutPanelOptionsOptions = { applicationName: 'LayerCanvas', copyright: COPYRIGHT };
  if (platform === 'linux') {
    return {
      ...base,
      applicationVersion: `${v.app} (${runtimeLine(v)})`,
      authors: ['LayerCanvas contributors'],
      ...(website ? { website } : {}),
      ...(iconPath ? { iconPath } : {}),
    };
  }
  return {
    ...base,
    applicationVersion: v.app,
    // macOS shows this as the build, in brackets after the version.
    ...(platform === 'darwin' ? { version: `Electron ${v.electron}` } : {}),
    credits: `Build Keras models by drawing them.\n${runtimeLine(v)}`,
    ...(platform === 'win32' && iconPath ? { iconPath } : {}),
  };
}
