/**
 * App-wide rules for every webContents Electron creates (windows, DevTools, anything a future feature adds): no
 * navigation or redirect away from app://layercanvas, no new windows, no <webview>. Installed once, before the
 * first window, from 'web-contents-created', so nothing depends on each window remembering to lock itself down.
 */
import type { App, WebContents } from 'electron';
import { APP_ORIGIN } from '../common/channels';

export const isAppUrl = (url: string): boolean => url.startsWith(`${APP_ORIGIN}/`);

export function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  // Frames too (an iframe a page might create), not only the top frame will-navigate covers.
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function installWebContentsGuard(app: App): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
}

/**
 * What to do when the window's renderer dies: reload it (the page then restores the autosave), unless it keeps
 * dying, when a reload loop would only hide the problem.
 */
export class RendererCrashPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly maxCrashes = 3,
    private readonly windowMs = 60_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  onGone(reason: string): 'reload' | 'give-up' | 'ignore' {
    // The renderer quit on its own (the window is closing): nothing to recover.
    if (reason === 'clean-exit') return 'ignore';
    const t = this.now();
    this.crashes = [...this.crashes.filter((c) => t - c < this.windowMs), t];
    return this.crashes.length > this.maxCrashes ? 'give-up' : 'reload';
  }
}
